/**
 * The mail webhook's request signature, so a receiver can check that a request came from this
 * service and is recent: `X-Scim-Edge-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * with the Unix timestamp in seconds in `X-Scim-Edge-Timestamp`. Pure Web Crypto: runs in Workers
 * and in Node alike.
 */

export const TIMESTAMP_HEADER = "X-Scim-Edge-Timestamp";
export const SIGNATURE_HEADER = "X-Scim-Edge-Signature";
export const SIGNATURE_VERSION = "v1";

/** The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`. */
export async function hmacHex(secret: string, timestamp: string, body: string): Promise<string> {
	const key = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = await crypto.subtle.sign(
		"HMAC",
		key,
		new TextEncoder().encode(`${timestamp}.${body}`),
	);
	return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The two signature headers for a webhook body sent at `nowMs`. */
export async function signatureHeaders(
	secret: string,
	body: string,
	nowMs: number,
): Promise<Record<string, string>> {
	const timestamp = String(Math.floor(nowMs / 1000));
	return {
		[TIMESTAMP_HEADER]: timestamp,
		[SIGNATURE_HEADER]: `${SIGNATURE_VERSION}=${await hmacHex(secret, timestamp, body)}`,
	};
}

/**
 * Whether a received webhook request is authentic and no older than `toleranceSeconds`: the
 * check a receiver runs (and the tests run). Compares in constant time.
 */
export async function verifySignature(
	secret: string,
	body: string,
	headers: { timestamp: string | null; signature: string | null },
	nowMs: number,
	toleranceSeconds = 300,
): Promise<boolean> {
	const { timestamp, signature } = headers;
	if (timestamp === null || signature === null || !/^\d+$/.test(timestamp)) {
		return false;
	}
	if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) {
		return false;
	}
	const expected = `${SIGNATURE_VERSION}=${await hmacHex(secret, timestamp, body)}`;
	return constantTimeEqual(expected, signature);
}

function constantTimeEqual(a: string, b: string): boolean {
	if (a.length !== b.length) {
		return false;
	}
	let diff = 0;
	for (let i = 0; i < a.length; i++) {
		diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
	}
	return diff === 0;
}
