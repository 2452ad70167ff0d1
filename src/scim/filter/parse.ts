import { type ScimError, scimErrors } from "../errors";
import type { AttrPath, CompareOp, CompareValue, Filter, PatchPath } from "./ast";
import { type Token, TokenizeError, tokenize } from "./tokenize";

/** The longest filter or PATCH path text accepted, in characters (RFC 7644 §3.4.2.2 leaves limits to the server). */
export const MAX_FILTER_LENGTH = 2048;
/** The deepest nesting of parentheses, `not (…)` and `[…]` accepted. RFC 7644 §3.4.2.2. */
export const MAX_FILTER_DEPTH = 32;
/** The most comparisons (`eq`, `pr`, …) one filter may contain. RFC 7644 §3.4.2.2. */
export const MAX_FILTER_COMPARISONS = 64;

const COMPARE_OPS: ReadonlySet<string> = new Set([
	"eq",
	"ne",
	"co",
	"sw",
	"ew",
	"gt",
	"ge",
	"lt",
	"le",
]);
const KEYWORDS: ReadonlySet<string> = new Set([...COMPARE_OPS, "pr", "and", "or", "not"]);

/** Path segments that would reach Object.prototype if ever used as a property key. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

// attrPath = [URI ":"] ATTRNAME *1subAttr (RFC 7644 §3.4.2.2 / RFC 7643 §2.1). The URI is taken
// up to the last colon, so `…:2.0:User:name.givenName` splits into the URN and `name.givenName`.
// A leading `$` is allowed because RFC 7643 itself defines `$ref`.
const ATTR_PATH = /^(?:([Uu][Rr][Nn]:.+):)?(\$?[A-Za-z][\w-]*)(?:\.(\$?[A-Za-z][\w-]*))?$/;
const SUB_ATTR = /^\.(\$?[A-Za-z][\w-]*)$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Says whether a path segment or key must be refused to keep prototypes out of reach (scim-patch advisory GHSA-2mhw-wcx5-v3xj). */
export function isForbiddenSegment(segment: string): boolean {
	return FORBIDDEN_SEGMENTS.has(segment.toLowerCase());
}

function describe(tok: Token): string {
	return tok.kind === "eof" ? "the end of the input" : `"${tok.text}" at position ${tok.pos}`;
}

class Parser {
	private index = 0;
	private depth = 0;
	private comparisons = 0;

	constructor(
		private readonly tokens: Token[],
		readonly fail: (detail: string) => ScimError,
	) {}

	peek(offset = 0): Token {
		const tok = this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
		if (tok === undefined) {
			throw this.fail("empty input");
		}
		return tok;
	}

	next(): Token {
		const tok = this.peek();
		if (tok.kind !== "eof") {
			this.index++;
		}
		return tok;
	}

	expect(kind: Token["kind"], what: string): Token {
		const tok = this.next();
		if (tok.kind !== kind) {
			throw this.fail(`expected ${what} but found ${describe(tok)}`);
		}
		return tok;
	}

	enter(tok: Token): void {
		this.depth++;
		if (this.depth > MAX_FILTER_DEPTH) {
			throw this.fail(
				`nesting deeper than ${MAX_FILTER_DEPTH} levels at position ${tok.pos}; simplify the filter`,
			);
		}
	}

	leave(): void {
		this.depth--;
	}

	countComparison(tok: Token): void {
		this.comparisons++;
		if (this.comparisons > MAX_FILTER_COMPARISONS) {
			throw this.fail(
				`more than ${MAX_FILTER_COMPARISONS} comparisons (the one at position ${tok.pos} is one too many); split the query`,
			);
		}
	}

	/** or-expression: the loosest binding, left-associative. */
	parseOr(inValuePath: boolean): Filter {
		let left = this.parseAnd(inValuePath);
		while (this.isKeyword(this.peek(), "or")) {
			this.next();
			left = { kind: "or", left, right: this.parseAnd(inValuePath) };
		}
		return left;
	}

	parseAnd(inValuePath: boolean): Filter {
		let left = this.parseUnary(inValuePath);
		while (this.isKeyword(this.peek(), "and")) {
			this.next();
			left = { kind: "and", left, right: this.parseUnary(inValuePath) };
		}
		return left;
	}

	parseUnary(inValuePath: boolean): Filter {
		const tok = this.peek();
		// `not` is only the operator when a parenthesis follows, so an attribute may be named "not".
		if (this.isKeyword(tok, "not") && this.peek(1).kind === "lparen") {
			this.next();
			const open = this.next();
			this.enter(open);
			const filter = this.parseOr(inValuePath);
			this.expect("rparen", `")" to close the "not (" at position ${tok.pos}`);
			this.leave();
			return { kind: "not", filter };
		}
		if (tok.kind === "lparen") {
			this.next();
			this.enter(tok);
			const filter = this.parseOr(inValuePath);
			this.expect("rparen", `")" to close the "(" at position ${tok.pos}`);
			this.leave();
			return filter;
		}
		return this.parseAttrExp(inValuePath);
	}

	parseAttrExp(inValuePath: boolean): Filter {
		const tok = this.next();
		if (tok.kind !== "word") {
			throw this.fail(`expected an attribute name but found ${describe(tok)}`);
		}
		const path = this.attrPath(tok);
		if (this.peek().kind === "lbracket") {
			const open = this.next();
			if (inValuePath) {
				throw this.fail(`value filters cannot be nested: "[" at position ${open.pos}`);
			}
			if (path.subAttribute !== undefined) {
				throw this.fail(
					`a value filter must follow a multi-valued attribute, not the sub-attribute "${tok.text}" (position ${tok.pos})`,
				);
			}
			const inner = this.valueFilter(open);
			const after = this.peek();
			if (after.kind === "word" && after.text.startsWith(".") && !after.spaceBefore) {
				// Entra: `emails[type eq "work"].value eq "x"` (docs/idp-notes.md "Microsoft Entra ID" "Get by email") is not
				// RFC grammar; it means the same as `emails[type eq "work" and value eq "x"]`.
				this.next();
				const subAttribute = this.subAttr(after);
				const comparison = this.comparison({ attribute: subAttribute }, after);
				return { kind: "valuePath", path, filter: { kind: "and", left: inner, right: comparison } };
			}
			return { kind: "valuePath", path, filter: inner };
		}
		return this.comparison(path, tok);
	}

	valueFilter(open: Token): Filter {
		this.enter(open);
		const inner = this.parseOr(true);
		this.expect("rbracket", `"]" to close the "[" at position ${open.pos}`);
		this.leave();
		return inner;
	}

	comparison(path: AttrPath, pathTok: Token): Filter {
		const opTok = this.next();
		const op = opTok.kind === "word" ? opTok.text.toLowerCase() : "";
		if (op === "pr") {
			this.countComparison(pathTok);
			return { kind: "present", path };
		}
		if (!COMPARE_OPS.has(op)) {
			throw this.fail(
				`expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after "${pathTok.text}" but found ${describe(opTok)}`,
			);
		}
		const value = this.compareValue(this.next(), op);
		this.countComparison(pathTok);
		return { kind: "compare", path, op: op as CompareOp, value };
	}

	compareValue(tok: Token, op: string): CompareValue {
		if (tok.kind === "string") {
			return tok.value ?? "";
		}
		if (tok.kind !== "word") {
			throw this.fail(`expected a value after "${op}" but found ${describe(tok)}`);
		}
		const lower = tok.text.toLowerCase();
		if (lower === "true") {
			return true;
		}
		if (lower === "false") {
			return false;
		}
		if (lower === "null") {
			return null;
		}
		if (JSON_NUMBER.test(tok.text)) {
			return Number(tok.text);
		}
		if (KEYWORDS.has(lower)) {
			throw this.fail(`expected a value after "${op}" but found the keyword ${describe(tok)}`);
		}
		// Entra sends unquoted values, e.g. `externalId eq jyoung` (docs/idp-notes.md "Microsoft Entra ID" "Get user by
		// query"); a bare token that is no keyword, number or literal is read as a string.
		return tok.text;
	}

	attrPath(tok: Token): AttrPath {
		const match = ATTR_PATH.exec(tok.text);
		if (match === null) {
			throw this.fail(`"${tok.text}" at position ${tok.pos} is not a valid attribute name`);
		}
		const [, uri, attribute = "", subAttribute] = match;
		const segments = [attribute, subAttribute ?? "", ...(uri ?? "").split(/[:.]/)];
		const forbidden = segments.find(isForbiddenSegment);
		if (forbidden !== undefined) {
			throw this.fail(`"${forbidden}" at position ${tok.pos} is not allowed in an attribute path`);
		}
		const path: AttrPath = { attribute };
		if (uri !== undefined) {
			path.uri = uri;
		}
		if (subAttribute !== undefined) {
			path.subAttribute = subAttribute;
		}
		return path;
	}

	subAttr(tok: Token): string {
		const match = SUB_ATTR.exec(tok.text);
		const name = match?.[1];
		if (name === undefined) {
			throw this.fail(`"${tok.text}" at position ${tok.pos} is not a valid sub-attribute`);
		}
		if (isForbiddenSegment(name)) {
			throw this.fail(`"${name}" at position ${tok.pos} is not allowed in an attribute path`);
		}
		return name;
	}

	isKeyword(tok: Token, keyword: string): boolean {
		return tok.kind === "word" && tok.text.toLowerCase() === keyword;
	}
}

function tokensOf(text: string, fail: (detail: string) => ScimError, what: string): Token[] {
	if (text.length > MAX_FILTER_LENGTH) {
		throw fail(`${what} is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}`);
	}
	if (text.trim() === "") {
		throw fail(`${what} is empty`);
	}
	try {
		return tokenize(text);
	} catch (e) {
		if (e instanceof TokenizeError) {
			throw fail(e.message);
		}
		throw e;
	}
}

/**
 * Parses a SCIM filter into its AST: comparisons, `pr`, `and`/`or`/`not` (binding not > and > or),
 * parentheses and value filters such as `emails[type eq "work"]`; operators and keywords are
 * case-insensitive. RFC 7644 §3.4.2.2.
 * @throws ScimError 400 invalidFilter whose detail names what is wrong and its 1-based position.
 * @example parseFilter('userName eq "bjensen" and not (active eq false)')
 */
export function parseFilter(text: string): Filter {
	const fail = (detail: string) => scimErrors.invalidFilter(`Invalid filter: ${detail}.`);
	const parser = new Parser(tokensOf(text, fail, "the filter"), fail);
	const filter = parser.parseOr(false);
	const rest = parser.next();
	if (rest.kind !== "eof") {
		throw fail(`unexpected ${describe(rest)}; expected "and", "or" or the end of the filter`);
	}
	return filter;
}

/**
 * Parses a PATCH operation path: `attrPath`, `attrPath[valFilter]` or `attrPath[valFilter].subAttr`,
 * each optionally prefixed by a schema URN. RFC 7644 §3.5.2 (PATH).
 * @throws ScimError 400 invalidPath whose detail names what is wrong and its 1-based position.
 * @example parsePatchPath('emails[type eq "work"].value')
 */
export function parsePatchPath(text: string): PatchPath {
	const fail = (detail: string) => scimErrors.invalidPath(`Invalid path "${text}": ${detail}.`);
	const parser = new Parser(tokensOf(text, fail, "the path"), fail);
	const first = parser.next();
	if (first.kind !== "word") {
		throw fail(`expected an attribute name but found ${describe(first)}`);
	}
	const result: PatchPath = { path: parser.attrPath(first) };
	if (parser.peek().kind === "lbracket") {
		const open = parser.next();
		if (result.path.subAttribute !== undefined) {
			throw fail(
				`a value filter must follow a multi-valued attribute, not the sub-attribute "${first.text}"`,
			);
		}
		result.valueFilter = parser.valueFilter(open);
		const after = parser.peek();
		if (after.kind === "word" && !after.spaceBefore) {
			parser.next();
			result.subAttribute = parser.subAttr(after);
		}
	}
	const rest = parser.next();
	if (rest.kind !== "eof") {
		throw fail(`unexpected ${describe(rest)}`);
	}
	return result;
}

/**
 * Parses a bare attribute path such as `name.givenName` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`, as used for the keys
 * of a path-less PATCH value. RFC 7644 §3.5.2 and RFC 7643 §2.1.
 * @throws ScimError 400 invalidPath.
 */
export function parseAttrPath(text: string): AttrPath {
	const parsed = parsePatchPath(text);
	if (parsed.valueFilter !== undefined) {
		throw scimErrors.invalidPath(
			`Invalid attribute name "${text}": a value filter is not allowed here.`,
		);
	}
	return parsed.path;
}
