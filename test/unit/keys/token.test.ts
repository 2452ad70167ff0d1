import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashSecret, newKeyToken, parseKeyToken } from "../../../src/keys/token";

describe("SCIM key tokens", () => {
	it("hashes a secret to the lowercase hex SHA-256 (FIPS 180-2 vector for 'abc')", async () => {
		expect(await hashSecret("abc")).toBe(
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		);
	});

	it("hashes 50 random secrets exactly as Node's SHA-256 does", async () => {
		for (let i = 0; i < 50; i++) {
			const { secret } = newKeyToken();
			expect(await hashSecret(secret)).toBe(createHash("sha256").update(secret).digest("hex"));
		}
	});

	it("issues tokens it can parse back into their key id and secret", () => {
		const { keyId, secret, token } = newKeyToken();
		expect(keyId).toMatch(/^[0-9a-f]{24}$/);
		expect(parseKeyToken(token)).toEqual({ keyId, secret });
	});
});
