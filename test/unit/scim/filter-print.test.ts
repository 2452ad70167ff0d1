import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AttrPath, CompareOp, CompareValue, Filter } from "../../../src/scim/filter/ast";
import { parseFilter, parsePatchPath } from "../../../src/scim/filter/parse";
import { printFilter, printPatchPath } from "../../../src/scim/filter/print";

const OPS: CompareOp[] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];
const URIS = [
	"urn:ietf:params:scim:schemas:core:2.0:User",
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
];

// Names include the keywords on purpose: the grammar is positional, so an attribute may be
// called "and", "pr" or (when no parenthesis follows) "not".
const name = fc.oneof(
	fc.constantFrom("userName", "emails", "value", "$ref", "and", "or", "not", "pr", "eq", "true"),
	fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/),
);

const attrPath = (withUri: boolean): fc.Arbitrary<AttrPath> =>
	fc
		.record(
			{
				uri: withUri ? fc.constantFrom(...URIS) : fc.constant(undefined),
				attribute: name,
				subAttribute: name,
			},
			{ requiredKeys: ["attribute"] },
		)
		.map((p) => {
			const path: AttrPath = { attribute: p.attribute };
			if (p.uri !== undefined) {
				path.uri = p.uri;
			}
			if (p.subAttribute !== undefined) {
				path.subAttribute = p.subAttribute;
			}
			return path;
		});

const compareValue: fc.Arbitrary<CompareValue> = fc.oneof(
	fc.string({ maxLength: 12, unit: "grapheme" }),
	fc.string({ maxLength: 6, unit: "binary" }),
	fc.integer({ min: -1e9, max: 1e9 }),
	fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
	fc.boolean(),
	fc.constant(null),
);

function filterArbitrary(inValuePath: boolean): fc.Arbitrary<Filter> {
	const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
		filter: fc.oneof(
			{ depthSize: "small", withCrossShrink: true },
			fc.record({
				kind: fc.constant("compare" as const),
				path: attrPath(!inValuePath),
				op: fc.constantFrom(...OPS),
				value: compareValue,
			}),
			fc.record({ kind: fc.constant("present" as const), path: attrPath(!inValuePath) }),
			fc.record({ kind: fc.constant("and" as const), left: tie("filter"), right: tie("filter") }),
			fc.record({ kind: fc.constant("or" as const), left: tie("filter"), right: tie("filter") }),
			fc.record({ kind: fc.constant("not" as const), filter: tie("filter") }),
			...(inValuePath
				? []
				: [
						fc.record({
							kind: fc.constant("valuePath" as const),
							path: attrPath(true).map(({ subAttribute: _, ...rest }) => rest),
							filter: filterArbitrary(true),
						}),
					]),
		),
	}));
	return filter;
}

function comparisons(filter: Filter): number {
	switch (filter.kind) {
		case "compare":
		case "present":
			return 1;
		case "not":
		case "valuePath":
			return comparisons(filter.filter);
		default:
			return comparisons(filter.left) + comparisons(filter.right);
	}
}

describe("printFilter", () => {
	it("writes text that parses back into the same AST", () => {
		fc.assert(
			fc.property(
				filterArbitrary(false).filter((f) => comparisons(f) <= 64),
				(filter) => {
					expect(parseFilter(printFilter(filter))).toEqual(filter);
				},
			),
			{ numRuns: 500 },
		);
	});

	describe("prints canonical text", () => {
		const cases: [string, string][] = [
			['userName Eq "x"', 'userName eq "x"'],
			["a pr or b pr and c pr", "a pr or b pr and c pr"],
			["(a pr or b pr) and c pr", "(a pr or b pr) and c pr"],
			["a pr and (b pr and c pr)", "a pr and (b pr and c pr)"],
			["NOT(a pr)", "not (a pr)"],
			['emails[type eq "work"].value eq "x"', 'emails[type eq "work" and value eq "x"]'],
			["externalId eq jyoung", 'externalId eq "jyoung"'],
			['x eq "\\u00e9\\""', 'x eq "é\\""'],
		];
		it.each(cases)("%s", (text, printed) => {
			expect(printFilter(parseFilter(text))).toBe(printed);
		});
	});
});

describe("printPatchPath", () => {
	it.each([
		"members",
		"name.givenName",
		'emails[type eq "work"].value',
		'members[value eq "abc"]',
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
	])("round-trips %s", (text) => {
		expect(printPatchPath(parsePatchPath(text))).toBe(text);
	});
});
