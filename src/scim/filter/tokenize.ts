/** The kinds of token the filter and PATCH path grammars are built from. RFC 7644 §3.4.2.2. */
export type TokenKind = "word" | "string" | "lparen" | "rparen" | "lbracket" | "rbracket" | "eof";

/**
 * One lexical token of a filter or PATCH path. A `word` is any run of characters other than
 * whitespace, brackets, parentheses and quotes; the parser decides from its position whether it
 * is an attribute path, an operator, a keyword or a literal. RFC 7644 §3.4.2.2.
 */
export interface Token {
	kind: TokenKind;
	/** The token as written (for strings: including the quotes). */
	text: string;
	/** The decoded value of a `string` token. */
	value?: string;
	/** 1-based character position of the token's first character. */
	pos: number;
	/** Whether whitespace (or the start of input) precedes the token. */
	spaceBefore: boolean;
}

/** Raised by {@link tokenize}; the parser turns it into invalidFilter or invalidPath. RFC 7644 §3.12. */
export class TokenizeError extends Error {
	override readonly name = "TokenizeError";
}

const PUNCTUATION: Record<string, TokenKind> = {
	"(": "lparen",
	")": "rparen",
	"[": "lbracket",
	"]": "rbracket",
};

const ESCAPES: Record<string, string> = {
	'"': '"',
	"\\": "\\",
	"/": "/",
	b: "\b",
	f: "\f",
	n: "\n",
	r: "\r",
	t: "\t",
};

function isSpace(ch: string): boolean {
	return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}

function isWordChar(ch: string): boolean {
	return !isSpace(ch) && !(ch in PUNCTUATION) && ch !== '"';
}

/**
 * Splits filter or PATCH path text into tokens, decoding JSON string literals (RFC 8259 §7
 * escapes, including `\uXXXX`). RFC 7644 §3.4.2.2.
 * @throws TokenizeError on an unterminated string or a bad escape, naming the position.
 */
export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	let spaceBefore = true;
	while (i < text.length) {
		const ch = text.charAt(i);
		if (isSpace(ch)) {
			spaceBefore = true;
			i++;
			continue;
		}
		const punct = PUNCTUATION[ch];
		if (punct !== undefined) {
			tokens.push({ kind: punct, text: ch, pos: i + 1, spaceBefore });
			i++;
		} else if (ch === '"') {
			const start = i;
			const { value, end } = readString(text, i);
			tokens.push({
				kind: "string",
				text: text.slice(start, end),
				value,
				pos: start + 1,
				spaceBefore,
			});
			i = end;
		} else {
			const start = i;
			while (i < text.length && isWordChar(text.charAt(i))) {
				i++;
			}
			tokens.push({ kind: "word", text: text.slice(start, i), pos: start + 1, spaceBefore });
		}
		spaceBefore = false;
	}
	tokens.push({ kind: "eof", text: "", pos: text.length + 1, spaceBefore });
	return tokens;
}

/** Reads the JSON string literal whose opening quote is at `start`. */
function readString(text: string, start: number): { value: string; end: number } {
	let out = "";
	let i = start + 1;
	while (i < text.length) {
		const ch = text.charAt(i);
		if (ch === '"') {
			return { value: out, end: i + 1 };
		}
		if (ch !== "\\") {
			out += ch;
			i++;
			continue;
		}
		const esc = text.charAt(i + 1);
		const simple = ESCAPES[esc];
		if (simple !== undefined) {
			out += simple;
			i += 2;
		} else if (esc === "u") {
			const hex = text.slice(i + 2, i + 6);
			if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
				throw new TokenizeError(
					`invalid \\u escape at position ${i + 1}: expected 4 hex digits, found "${hex}"`,
				);
			}
			out += String.fromCharCode(Number.parseInt(hex, 16));
			i += 6;
		} else if (esc === "") {
			break;
		} else {
			throw new TokenizeError(
				`invalid escape "\\${esc}" at position ${i + 1}: a string may use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX`,
			);
		}
	}
	throw new TokenizeError(`unterminated string starting at position ${start + 1}`);
}
