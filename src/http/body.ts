import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { scimErrors } from "../scim/errors";
import { checkJsonLimits } from "../scim/limits";

/** The largest SCIM request body accepted (advertised in /ServiceProviderConfig as maxPayloadSize). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The largest service API body: its requests carry a name, an email or a short list. */
export const MAX_SERVICE_API_BODY_BYTES = 64 * 1024;
/** The largest HTML form body (admin forms, admin login, invite accept): a few short fields. */
export const MAX_FORM_BYTES = 8 * 1024;

/**
 * Caps the body of every request of an HTML surface at {@link MAX_FORM_BYTES} while it streams:
 * a declared Content-Length over the cap is refused unread, and a chunked body is refused as soon
 * as it passes the cap, so at most that much is ever buffered. Answers 413 through the surface's
 * error handler (an HTTPException).
 */
export const formBodyLimit = bodyLimit({ maxSize: MAX_FORM_BYTES });

/**
 * Reads a JSON request body: 413 over `limit` bytes (1 MiB unless given), 400 invalidSyntax when it is not JSON, and
 * 400 when it breaks the shape limits of src/scim/limits.ts. Both `application/scim+json` and
 * `application/json` are accepted (docs/idp-notes.md "The checklist every provider needs"). The body is read as a stream and reading
 * stops at the limit, so a chunked body without Content-Length (or with a false one) cannot make
 * the Worker buffer more than MAX_BODY_BYTES.
 */
export async function readJsonBody(c: Context, limit = MAX_BODY_BYTES): Promise<unknown> {
	const declared = Number(c.req.header("Content-Length") ?? "0");
	if (declared > limit) {
		throw tooLarge(limit);
	}
	const text = new TextDecoder().decode(await readCapped(c.req.raw.body, limit));
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
				throw tooLarge(limit);
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

function tooLarge(limit: number) {
	return scimErrors.payloadTooLarge(
		`The request body is larger than ${limit} bytes (${limit / 1024} KiB), the limit of this endpoint.`,
	);
}
