import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacHex, signatureHeaders, verifySignature } from "../../../src/invites/signature";

const SECRET = "whsec-test";
const BODY = '{"id":"o1","to":"ada@example.com"}';
const NOW = Date.UTC(2026, 10, 5, 10, 0, 0);

describe("webhook signature", () => {
	it("is v1=<hex HMAC-SHA256 of '<timestamp>.<body>'>, as any HMAC library computes it", async () => {
		const headers = await signatureHeaders(SECRET, BODY, NOW);
		const timestamp = String(NOW / 1000);
		const expected = createHmac("sha256", SECRET).update(`${timestamp}.${BODY}`).digest("hex");
		expect(headers).toEqual({
			"X-Scim-Edge-Timestamp": timestamp,
			"X-Scim-Edge-Signature": `v1=${expected}`,
		});
		expect(await hmacHex(SECRET, timestamp, BODY)).toBe(expected);
	});

	it("verifies an authentic, recent request", async () => {
		const h = await signatureHeaders(SECRET, BODY, NOW);
		const headers = {
			timestamp: h["X-Scim-Edge-Timestamp"] ?? null,
			signature: h["X-Scim-Edge-Signature"] ?? null,
		};
		expect(await verifySignature(SECRET, BODY, headers, NOW + 60_000)).toBe(true);
		expect(await verifySignature("other", BODY, headers, NOW)).toBe(false);
		expect(await verifySignature(SECRET, `${BODY}x`, headers, NOW)).toBe(false);
		expect(await verifySignature(SECRET, BODY, headers, NOW + 301_000)).toBe(false);
		expect(await verifySignature(SECRET, BODY, { ...headers, signature: null }, NOW)).toBe(false);
		expect(await verifySignature(SECRET, BODY, { ...headers, timestamp: "1e9" }, NOW)).toBe(false);
	});
});
