import type { Context } from "hono";
import { scimErrors } from "../scim/errors";

/** The largest request body accepted (advertised in /ServiceProviderConfig as maxPayloadSize). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON request body: 413 over the size limit, 400 invalidSyntax when it is not JSON.
 * Both `application/scim+json` and `application/json` are accepted (IDP-COMPAT.md §7.1).
 */
export async function readJsonBody(c: Context): Promise<unknown> {
	const declared = Number(c.req.header("Content-Length") ?? "0");
	if (declared > MAX_BODY_BYTES) {
		throw scimErrors.payloadTooLarge(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
	}
	const bytes = await c.req.arrayBuffer();
	if (bytes.byteLength > MAX_BODY_BYTES) {
		throw scimErrors.payloadTooLarge(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
	}
	const text = new TextDecoder().decode(bytes);
	if (text.trim() === "") {
		throw scimErrors.invalidSyntax("The request body is empty; a JSON object was expected.");
	}
	try {
		return JSON.parse(text);
	} catch (error) {
		throw scimErrors.invalidSyntax(
			`The request body is not valid JSON: ${(error as Error).message}`,
		);
	}
}

/** SHA-256 hex of a request body's canonical JSON, to recognise a retried create. */
export async function bodyHash(body: unknown): Promise<string> {
	const digest = await crypto.subtle.digest(
		"SHA-256",
		new TextEncoder().encode(JSON.stringify(body)),
	);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
