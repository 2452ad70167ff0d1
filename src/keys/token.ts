/**
 * SCIM API key tokens: `scim_<keyId>_<secret>`. The key id is a lookup handle; the secret is
 * 256 random bits and only its SHA-256 is stored. A plain hash (no KDF) is right here because the
 * secret is random, not a human password.
 */

const TOKEN_PATTERN = /^scim_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

export interface ParsedToken {
	keyId: string;
	secret: string;
}

/** A new key id and secret, and the token that carries both. */
export function newKeyToken(): { keyId: string; secret: string; token: string } {
	const keyId = toHex(crypto.getRandomValues(new Uint8Array(12)));
	const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
	return { keyId, secret, token: `scim_${keyId}_${secret}` };
}

/** Splits a presented token into key id and secret; null when it is not shaped like one of ours. */
export function parseKeyToken(token: string): ParsedToken | null {
	const match = TOKEN_PATTERN.exec(token);
	if (!match?.[1] || !match[2]) {
		return null;
	}
	return { keyId: match[1], secret: match[2] };
}

/** Hex SHA-256 of a secret (SCIM key secrets, invite tokens, login-link tokens). */
export async function hashSecret(secret: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
	return toHex(new Uint8Array(digest));
}

/** A random URL-safe token of 256 bits (invites, login links). */
export function randomToken(): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The two hex digits of each byte value: every SCIM request hashes its key's secret. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function toHex(bytes: Uint8Array): string {
	let hex = "";
	for (const b of bytes) {
		hex += HEX[b];
	}
	return hex;
}

function toBase64Url(bytes: Uint8Array): string {
	let binary = "";
	for (const b of bytes) {
		binary += String.fromCharCode(b);
	}
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
