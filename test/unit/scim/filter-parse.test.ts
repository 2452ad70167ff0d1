import { describe, expect, it } from "vitest";
import { ScimError } from "../../../src/scim/errors";
import type { Filter } from "../../../src/scim/filter/ast";
import { parseAttrPath, parseFilter, parsePatchPath } from "../../../src/scim/filter/parse";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";

function failure(run: () => unknown): ScimError {
	try {
		run();
	} catch (e) {
		if (e instanceof ScimError) {
			return e;
		}
		throw e;
	}
	throw new Error("expected a ScimError");
}

const userName = { attribute: "userName" };

describe("parseFilter", () => {
	describe("reads one comparison per operator", () => {
		const cases: [string, Filter][] = [
			['userName eq "bjensen"', { kind: "compare", path: userName, op: "eq", value: "bjensen" }],
			['userName ne "bjensen"', { kind: "compare", path: userName, op: "ne", value: "bjensen" }],
			['userName co "jen"', { kind: "compare", path: userName, op: "co", value: "jen" }],
			['userName sw "J"', { kind: "compare", path: userName, op: "sw", value: "J" }],
			['userName ew "sen"', { kind: "compare", path: userName, op: "ew", value: "sen" }],
			[
				'meta.lastModified gt "2011-05-13T04:42:34Z"',
				{
					kind: "compare",
					path: { attribute: "meta", subAttribute: "lastModified" },
					op: "gt",
					value: "2011-05-13T04:42:34Z",
				},
			],
			["age ge 18", { kind: "compare", path: { attribute: "age" }, op: "ge", value: 18 }],
			["age lt -1.5e2", { kind: "compare", path: { attribute: "age" }, op: "lt", value: -150 }],
			["age le 0", { kind: "compare", path: { attribute: "age" }, op: "le", value: 0 }],
			["title pr", { kind: "present", path: { attribute: "title" } }],
			["active eq true", { kind: "compare", path: { attribute: "active" }, op: "eq", value: true }],
			[
				"active eq false",
				{ kind: "compare", path: { attribute: "active" }, op: "eq", value: false },
			],
			["title eq null", { kind: "compare", path: { attribute: "title" }, op: "eq", value: null }],
		];
		it.each(cases)("%s", (text, ast) => {
			expect(parseFilter(text)).toEqual(ast);
		});
	});

	describe("is case-insensitive for operators and keywords", () => {
		const cases: [string, Filter][] = [
			['userName EQ "x"', { kind: "compare", path: userName, op: "eq", value: "x" }],
			["title PR", { kind: "present", path: { attribute: "title" } }],
			[
				"a Eq 1 AND b eq 2 Or NOT (c eq 3)",
				{
					kind: "or",
					left: {
						kind: "and",
						left: { kind: "compare", path: { attribute: "a" }, op: "eq", value: 1 },
						right: { kind: "compare", path: { attribute: "b" }, op: "eq", value: 2 },
					},
					right: {
						kind: "not",
						filter: { kind: "compare", path: { attribute: "c" }, op: "eq", value: 3 },
					},
				},
			],
			["active eq TRUE", { kind: "compare", path: { attribute: "active" }, op: "eq", value: true }],
		];
		it.each(cases)("%s", (text, ast) => {
			expect(parseFilter(text)).toEqual(ast);
		});
	});

	describe("binds not > and > or, left to right, with parentheses overriding", () => {
		const a: Filter = { kind: "present", path: { attribute: "a" } };
		const b: Filter = { kind: "present", path: { attribute: "b" } };
		const c: Filter = { kind: "present", path: { attribute: "c" } };
		const cases: [string, Filter][] = [
			["a pr or b pr and c pr", { kind: "or", left: a, right: { kind: "and", left: b, right: c } }],
			["a pr and b pr or c pr", { kind: "or", left: { kind: "and", left: a, right: b }, right: c }],
			[
				"(a pr or b pr) and c pr",
				{ kind: "and", left: { kind: "or", left: a, right: b }, right: c },
			],
			[
				"a pr and b pr and c pr",
				{ kind: "and", left: { kind: "and", left: a, right: b }, right: c },
			],
			["a pr or b pr or c pr", { kind: "or", left: { kind: "or", left: a, right: b }, right: c }],
			["not (a pr) and b pr", { kind: "and", left: { kind: "not", filter: a }, right: b }],
			["not(a pr or b pr)", { kind: "not", filter: { kind: "or", left: a, right: b } }],
			["((a pr))", a],
		];
		it.each(cases)("%s", (text, ast) => {
			expect(parseFilter(text)).toEqual(ast);
		});
	});

	describe("reads complex value filters", () => {
		it('parses emails[type eq "work" and value co "@x"]', () => {
			expect(parseFilter('emails[type eq "work" and value co "@x"]')).toEqual({
				kind: "valuePath",
				path: { attribute: "emails" },
				filter: {
					kind: "and",
					left: { kind: "compare", path: { attribute: "type" }, op: "eq", value: "work" },
					right: { kind: "compare", path: { attribute: "value" }, op: "co", value: "@x" },
				},
			});
		});

		it("combines a value filter with other expressions", () => {
			expect(parseFilter('userType eq "Employee" and emails[type eq "work"]')).toMatchObject({
				kind: "and",
				right: { kind: "valuePath", path: { attribute: "emails" } },
			});
		});

		// Entra "Get by email" (docs/idp-notes.md "Microsoft Entra ID"): a sub-attribute after the brackets.
		it('reads Entra\'s emails[type eq "work"].value eq "x" as one value filter', () => {
			expect(parseFilter('emails[type eq "work"].value eq "x@y.z"')).toEqual({
				kind: "valuePath",
				path: { attribute: "emails" },
				filter: {
					kind: "and",
					left: { kind: "compare", path: { attribute: "type" }, op: "eq", value: "work" },
					right: { kind: "compare", path: { attribute: "value" }, op: "eq", value: "x@y.z" },
				},
			});
		});
	});

	describe("reads sub-attributes and schema-URN-qualified names", () => {
		const cases: [string, Filter][] = [
			[
				'name.givenName eq "Barbara"',
				{
					kind: "compare",
					path: { attribute: "name", subAttribute: "givenName" },
					op: "eq",
					value: "Barbara",
				},
			],
			[
				`${ENTERPRISE}:employeeNumber eq "701984"`,
				{
					kind: "compare",
					path: { uri: ENTERPRISE, attribute: "employeeNumber" },
					op: "eq",
					value: "701984",
				},
			],
			[
				`${CORE_USER}:userName sw "J"`,
				{ kind: "compare", path: { uri: CORE_USER, attribute: "userName" }, op: "sw", value: "J" },
			],
			[
				`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`,
				{
					kind: "compare",
					path: { uri: ENTERPRISE, attribute: "manager", subAttribute: "value" },
					op: "eq",
					value: "26118915-6090-4610-87e4-49d8ca9f808d",
				},
			],
			[
				"members.$ref pr",
				{ kind: "present", path: { attribute: "members", subAttribute: "$ref" } },
			],
		];
		it.each(cases)("%s", (text, ast) => {
			expect(parseFilter(text)).toEqual(ast);
		});
	});

	describe("decodes JSON string literals", () => {
		const cases: [string, string][] = [
			[String.raw`"say \"hi\""`, 'say "hi"'],
			[String.raw`"back\\slash"`, "back\\slash"],
			[String.raw`"Ren\u00e9e"`, "Renée"],
			[String.raw`"\ud83d\ude00"`, "😀"],
			[String.raw`"tab\tnew\nline\/"`, "tab\tnew\nline/"],
			['"and or not eq (x) [y]"', "and or not eq (x) [y]"],
			['""', ""],
		];
		it.each(cases)("%s", (literal, value) => {
			expect(parseFilter(`displayName eq ${literal}`)).toEqual({
				kind: "compare",
				path: { attribute: "displayName" },
				op: "eq",
				value,
			});
		});
	});

	describe("accepts Entra's unquoted values (docs/idp-notes.md 'Microsoft Entra ID': externalId eq jyoung)", () => {
		const cases: [string, string | number][] = [
			["externalId eq jyoung", "jyoung"],
			["userName eq jyoung@contoso.com", "jyoung@contoso.com"],
			["externalId eq 0042", "0042"],
			["externalId eq 42", 42],
		];
		it.each(cases)("%s", (text, value) => {
			expect(parseFilter(text)).toMatchObject({ kind: "compare", value });
		});
	});

	describe("rejects malformed filters with invalidFilter naming the problem and position", () => {
		const cases: [string, RegExp][] = [
			["", /empty/],
			["   ", /empty/],
			['userName eq "x', /unterminated string starting at position 13/],
			['userName eq "\\q"', /invalid escape "\\q" at position 14/],
			['userName eq "\\u12"', /invalid \\u escape at position 14/],
			['userName foo "x"', /expected an operator .* found "foo" at position 10/],
			["userName eq", /expected a value after "eq" but found the end of the input/],
			["userName eq and", /found the keyword "and" at position 13/],
			['userName eq "x" and', /expected an attribute name but found the end of the input/],
			['userName eq "x" bogus', /unexpected "bogus" at position 17/],
			['(userName eq "x"', /expected "\)" to close the "\(" at position 1/],
			['userName eq "x")', /unexpected "\)" at position 16/],
			['emails[type eq "work"', /expected "]" to close the "\[" at position 7/],
			['emails[type eq "work"]]', /unexpected "]" at position 23/],
			['emails[addresses[type eq "x"]]', /value filters cannot be nested/],
			['name.givenName[type eq "x"]', /not the sub-attribute "name.givenName"/],
			['not userName eq "x"', /expected an operator .* found "userName" at position 5/],
			['1abc eq "x"', /"1abc" at position 1 is not a valid attribute name/],
			['a.b.c eq "x"', /"a.b.c" at position 1 is not a valid attribute name/],
			['"userName" eq "x"', /expected an attribute name but found ""userName"" at position 1/],
			['constructor eq "x"', /"constructor" at position 1 is not allowed/],
			["name.__proto__ pr", /is not a valid attribute name|not allowed/],
			["a eq 1 b", /unexpected "b" at position 8/],
		];
		it.each(cases)("%j", (text, detail) => {
			const error = failure(() => parseFilter(text));
			expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
			expect(error.detail).toMatch(detail);
		});
	});

	describe("enforces its limits", () => {
		it("rejects text longer than 2048 characters", () => {
			const error = failure(() => parseFilter(`userName eq "${"x".repeat(2040)}"`));
			expect(error).toMatchObject({ scimType: "invalidFilter" });
			expect(error.detail).toMatch(/2054 characters long; the limit is 2048/);
		});

		it("accepts 32 levels of nesting and rejects 33", () => {
			expect(() => parseFilter(`${"(".repeat(32)}a pr${")".repeat(32)}`)).not.toThrow();
			const error = failure(() => parseFilter(`${"(".repeat(33)}a pr${")".repeat(33)}`));
			expect(error.detail).toMatch(/nesting deeper than 32 levels at position 33/);
		});

		it("counts not (…) as nesting", () => {
			const error = failure(() => parseFilter(`${"not (".repeat(33)}a pr${")".repeat(33)}`));
			expect(error.detail).toMatch(/nesting deeper than 32/);
		});

		it("accepts 64 comparisons and rejects 65", () => {
			const terms = (n: number) => Array.from({ length: n }, (_, i) => `a eq ${i}`).join(" or ");
			expect(() => parseFilter(terms(64))).not.toThrow();
			const error = failure(() => parseFilter(terms(65)));
			expect(error).toMatchObject({ scimType: "invalidFilter" });
			expect(error.detail).toMatch(/more than 64 comparisons/);
		});
	});
});

describe("parsePatchPath", () => {
	describe("reads every PATH form", () => {
		const cases: [string, unknown][] = [
			["userName", { path: { attribute: "userName" } }],
			["name.familyName", { path: { attribute: "name", subAttribute: "familyName" } }],
			[
				'members[value eq "2819c223"]',
				{
					path: { attribute: "members" },
					valueFilter: {
						kind: "compare",
						path: { attribute: "value" },
						op: "eq",
						value: "2819c223",
					},
				},
			],
			[
				'emails[type eq "work"].value',
				{
					path: { attribute: "emails" },
					valueFilter: { kind: "compare", path: { attribute: "type" }, op: "eq", value: "work" },
					subAttribute: "value",
				},
			],
			[
				'addresses[type eq "work" and primary eq true].streetAddress',
				{
					path: { attribute: "addresses" },
					valueFilter: { kind: "and" },
					subAttribute: "streetAddress",
				},
			],
			[`${ENTERPRISE}:manager`, { path: { uri: ENTERPRISE, attribute: "manager" } }],
			[
				`${CORE_USER}:name.givenName`,
				{ path: { uri: CORE_USER, attribute: "name", subAttribute: "givenName" } },
			],
			[
				`${CORE_USER}:emails[type eq "work"].value`,
				{ path: { uri: CORE_USER, attribute: "emails" }, subAttribute: "value" },
			],
			["  active  ", { path: { attribute: "active" } }],
		];
		it.each(cases)("%s", (text, expected) => {
			expect(parsePatchPath(text)).toMatchObject(expected as object);
		});
	});

	describe("rejects malformed paths with invalidPath", () => {
		const cases: [string, RegExp][] = [
			["", /empty/],
			["emails[", /expected an attribute name but found the end of the input/],
			['emails[type eq "work"', /expected "]" to close/],
			['emails[type eq "work"] .value', /unexpected ".value" at position 24/],
			['emails[type eq "work"].value.x', /".value.x" at position 23 is not a valid sub-attribute/],
			["name.givenName.x", /is not a valid attribute name/],
			["userName eq", /unexpected "eq"/],
			["__proto__.polluted", /not a valid attribute name/],
			["constructor.prototype", /"constructor" at position 1 is not allowed/],
			['emails[type eq "x"].constructor', /"constructor" at position 20 is not allowed/],
			['members[value eq "x" and name.prototype pr]', /"prototype" at position 26 is not allowed/],
		];
		it.each(cases)("%j", (text, detail) => {
			const error = failure(() => parsePatchPath(text));
			expect(error).toMatchObject({ status: 400, scimType: "invalidPath" });
			expect(error.detail).toMatch(detail);
		});
	});
});

describe("parsePatchPath limits", () => {
	it("rejects a path longer than 2048 characters", () => {
		const error = failure(() => parsePatchPath("x".repeat(2049)));
		expect(error).toMatchObject({ scimType: "invalidPath" });
		expect(error.detail).toMatch(/the limit is 2048/);
	});
});

describe("parseAttrPath", () => {
	it("reads dotted and URN-prefixed keys", () => {
		expect(parseAttrPath("name.givenName")).toEqual({
			attribute: "name",
			subAttribute: "givenName",
		});
		expect(parseAttrPath(`${ENTERPRISE}:employeeNumber`)).toEqual({
			uri: ENTERPRISE,
			attribute: "employeeNumber",
		});
	});

	it("rejects a value filter", () => {
		expect(failure(() => parseAttrPath('emails[type eq "work"]'))).toMatchObject({
			scimType: "invalidPath",
		});
	});
});
