/**
 * A minimal RFC 5322 / RFC 2045 text/plain message, the raw MIME that `cloudflare:email`'s
 * EmailMessage takes. Built by hand rather than with a MIME library: one text part needs only
 * safe headers (no CR/LF from user data, RFC 2047 encoded words for non-ASCII or long subjects)
 * and a base64 body. Pure: no runtime imports.
 */

export interface PlainTextEmail {
	from: string;
	to: string;
	subject: string;
	text: string;
	/** Unique per message, without angle brackets, e.g. `<outbox id>@<sender domain>`. */
	messageId: string;
	date: Date;
}

const ADDRESS = /^[^\s<>()[\]",;:\\@]+@[A-Za-z0-9.-]+$/;

/** Whether `address` is a bare addr-spec this builder accepts (no display name, no comments). */
export function isPlainAddress(address: string): boolean {
	return ADDRESS.test(address) && address.length <= 320;
}

/** The raw message, lines ending in CRLF. Throws when an address is not a bare addr-spec. */
export function buildPlainTextEmail(email: PlainTextEmail): string {
	for (const address of [email.from, email.to]) {
		if (!isPlainAddress(address)) {
			throw new Error(`Not a plain email address: ${JSON.stringify(address)}`);
		}
	}
	const headers = [
		`From: ${email.from}`,
		`To: ${email.to}`,
		`Subject: ${encodeHeaderText(email.subject)}`,
		`Date: ${rfc5322Date(email.date)}`,
		`Message-ID: <${email.messageId.replace(/[^\w.@-]/g, "")}>`,
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: base64",
	];
	const body = email.text.replace(/\r\n|\r|\n/g, "\r\n");
	return `${headers.join("\r\n")}\r\n\r\n${wrap(base64Utf8(body), 76).join("\r\n")}\r\n`;
}

/**
 * A header value safe to send: CR/LF (header injection) become spaces; anything but short
 * printable ASCII becomes RFC 2047 "B" encoded words of at most 75 characters, folded.
 */
export function encodeHeaderText(value: string): string {
	const clean = value.replace(/[\r\n]+/g, " ").trim();
	if (/^[\x20-\x7e]*$/.test(clean) && clean.length <= 70) {
		return clean;
	}
	const words: string[] = [];
	let chunk = "";
	for (const char of clean) {
		// 45 bytes of UTF-8 are 60 base64 characters: with "=?UTF-8?B?" and "?=", 72 in all.
		if (utf8Length(chunk + char) > 45) {
			words.push(chunk);
			chunk = "";
		}
		chunk += char;
	}
	if (chunk !== "") {
		words.push(chunk);
	}
	return words.map((word) => `=?UTF-8?B?${base64Utf8(word)}?=`).join("\r\n ");
}

/** `Thu, 05 Nov 2026 10:00:00 +0000` (RFC 5322 §3.3). */
export function rfc5322Date(date: Date): string {
	return date.toUTCString().replace(/GMT$/, "+0000");
}

function base64Utf8(text: string): string {
	let binary = "";
	for (const byte of new TextEncoder().encode(text)) {
		binary += String.fromCharCode(byte);
	}
	return btoa(binary);
}

function utf8Length(text: string): number {
	return new TextEncoder().encode(text).byteLength;
}

function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	for (let i = 0; i < text.length; i += width) {
		lines.push(text.slice(i, i + width));
	}
	return lines.length > 0 ? lines : [""];
}
