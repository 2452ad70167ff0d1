import type { Context } from "hono";
import { scimErrors } from "../scim/errors";
import { checkJsonLimits } from "../scim/limits";

/** The largest request body accepted (advertised in /ServiceProviderConfig as maxPayloadSize). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON request body: 413 over the size limit, 400 invalidSyntax when it is not JSON, and
 * 400 when it breaks the shape limits of src/scim/limits.ts. Both `application/scim+json` and
 * `application/json` are accepted (IDP-COMPAT.md §7.1). The body is read as a stream and reading
 * stops at the limit, so a chunked body without Content-Length (or with a false one) cannot make
 * the Worker buffer more than MAX_BODY_BYTES.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
	const declared = Number(c.req.header("Content-Length") ?? "0");
	if (declared > MAX_BODY_BYTES) {
		throw tooLarge();
	}
	const text = new TextDecoder().decode(await readCapped(c.req.raw.body, MAX_BODY_BYTES));
	if (text.trim() === "") {
		throw scimErrors.invalidSyntax("The request body is empty; a JSON object was expected.");
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch (error) {
		throw scimErrors.invalidSyntax(
			`The request body is not valid JSON: ${(error as Error).message}`,
		);
	}
	const problem = checkJsonLimits(body);
	if (problem !== undefined) {
		throw problem;
	}
	return body;
}

/** The bytes of a body stream, or 413 as soon as more than `limit` bytes arrive. */
async function readCapped(
	stream: ReadableStream<Uint8Array> | null,
	limit: number,
): Promise<Uint8Array> {
	if (stream === null) {
		return new Uint8Array();
	}
	const reader = stream.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) {
				break;
			}
			total += value.byteLength;
			if (total > limit) {
				await reader.cancel();
				throw tooLarge();
			}
			chunks.push(value);
		}
	} finally {
		reader.releaseLock();
	}
	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}

function tooLarge() {
	return scimErrors.payloadTooLarge(
		`The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB), the limit of this service.`,
	);
}
