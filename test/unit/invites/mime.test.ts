import { describe, expect, it } from "vitest";
import { buildPlainTextEmail, encodeHeaderText, rfc5322Date } from "../../../src/invites/mime";

const DATE = new Date(Date.UTC(2026, 10, 5, 10, 0, 0));

function decodeBody(raw: string): string {
	const body = raw.slice(raw.indexOf("\r\n\r\n") + 4).replace(/\r\n/g, "");
	return new TextDecoder().decode(Uint8Array.from(atob(body), (c) => c.charCodeAt(0)));
}

describe("buildPlainTextEmail", () => {
	it("builds an RFC 5322 text/plain message with CRLF lines and a base64 body", () => {
		const raw = buildPlainTextEmail({
			from: "invites@example.com",
			to: "ada@example.com",
			subject: "You're invited to join Acme",
			text: "Hello\nAccept: https://scim.example.test/invites/abc",
			messageId: "o1@example.com",
			date: DATE,
		});
		const [head] = raw.split("\r\n\r\n");
		expect(head?.split("\r\n")).toEqual([
			"From: invites@example.com",
			"To: ada@example.com",
			"Subject: You're invited to join Acme",
			"Date: Thu, 05 Nov 2026 10:00:00 +0000",
			"Message-ID: <o1@example.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"Content-Transfer-Encoding: base64",
		]);
		expect(decodeBody(raw)).toBe("Hello\r\nAccept: https://scim.example.test/invites/abc");
		expect(raw.split("\r\n").every((line) => line.length <= 78)).toBe(true);
		expect(raw.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
	});

	it("keeps user data from injecting headers", () => {
		const raw = buildPlainTextEmail({
			from: "invites@example.com",
			to: "ada@example.com",
			subject: "Join Acme\r\nBcc: victim@example.com",
			text: "x",
			messageId: "o1@example.com",
			date: DATE,
		});
		expect(raw).not.toMatch(/^Bcc:/m);
	});

	it.each(["ada@example.com\r\nBcc: x@y.z", "Ada <ada@example.com>", "no-at-sign", ""])(
		"refuses the address %j",
		(to) => {
			expect(() =>
				buildPlainTextEmail({
					from: "invites@example.com",
					to,
					subject: "s",
					text: "t",
					messageId: "m@example.com",
					date: DATE,
				}),
			).toThrow(/Not a plain email address/);
		},
	);
});

describe("encodeHeaderText", () => {
	it("leaves short ASCII alone", () => {
		expect(encodeHeaderText("Join Acme")).toBe("Join Acme");
	});

	it("encodes non-ASCII and long text as folded RFC 2047 words of at most 75 characters", () => {
		const subject = `You're invited to join Zürich Ålborg ${"ü".repeat(60)}`;
		const encoded = encodeHeaderText(subject);
		const words = encoded.split("\r\n ");
		expect(words.length).toBeGreaterThan(1);
		for (const word of words) {
			expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
			expect(word.length).toBeLessThanOrEqual(75);
		}
		const decoded = words
			.map((w) => w.slice(10, -2))
			.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))
			.map((bytes) => new TextDecoder().decode(bytes))
			.join("");
		expect(decoded).toBe(subject);
	});
});

describe("rfc5322Date", () => {
	it("writes the zone as +0000", () => {
		expect(rfc5322Date(DATE)).toBe("Thu, 05 Nov 2026 10:00:00 +0000");
	});
});
