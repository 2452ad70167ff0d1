import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
	listQuerySchema,
	MAX_PATCH_OPERATIONS,
	parseWith,
	patchRequestSchema,
	searchRequestSchema,
	zodToScimError,
} from "../../../src/scim/schemas/messages";
import { MESSAGE_PATCH_OP, MESSAGE_SEARCH_REQUEST } from "../../../src/scim/schemas/urns";

describe("patchRequestSchema", () => {
	it.each<[string, unknown]>([
		[
			// Okta deactivate (docs/idp-notes.md "Okta"): no path.
			"Okta's path-less deactivate",
			{ schemas: [MESSAGE_PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] },
		],
		[
			// Entra default job (docs/idp-notes.md "Microsoft Entra ID"): capitalised op, string boolean.
			"Entra's Replace with a string value",
			{
				schemas: [MESSAGE_PATCH_OP],
				Operations: [{ op: "Replace", path: "active", value: "False" }],
			},
		],
		[
			"Entra's member add with $ref: null",
			{
				schemas: [MESSAGE_PATCH_OP],
				Operations: [{ op: "Add", path: "members", value: [{ $ref: null, value: "u1" }] }],
			},
		],
		["an operation with no op", { schemas: [MESSAGE_PATCH_OP], Operations: [{ value: {} }] }],
	])("accepts %s", (_case, body) => {
		expect(parseWith(patchRequestSchema, body)).toEqual({ ok: true, value: body });
	});

	it("accepts case-insensitive envelope and operation keys, rewriting them", () => {
		expect(
			parseWith(patchRequestSchema, {
				Schemas: [MESSAGE_PATCH_OP.toLowerCase()],
				operations: [{ OP: "remove", Path: 'members[value eq "u1"]' }],
			}),
		).toEqual({
			ok: true,
			value: {
				schemas: [MESSAGE_PATCH_OP.toLowerCase()],
				Operations: [{ op: "remove", path: 'members[value eq "u1"]' }],
			},
		});
	});

	it.each<[string, unknown, string, string]>([
		["a body that is not an object", [], "invalidSyntax", ""],
		[
			"missing schemas",
			{ Operations: [{ op: "add" }] },
			"invalidSyntax",
			`"schemas" must be an array listing "${MESSAGE_PATCH_OP}".`,
		],
		[
			"the wrong schema",
			{ schemas: [MESSAGE_SEARCH_REQUEST], Operations: [{ op: "add" }] },
			"invalidSyntax",
			`"schemas" must list "${MESSAGE_PATCH_OP}".`,
		],
		[
			"missing Operations",
			{ schemas: [MESSAGE_PATCH_OP] },
			"invalidSyntax",
			'"Operations" must be an array of operations.',
		],
		[
			"empty Operations",
			{ schemas: [MESSAGE_PATCH_OP], Operations: [] },
			"invalidValue",
			'"Operations" must hold at least one operation.',
		],
		[
			"too many Operations",
			{
				schemas: [MESSAGE_PATCH_OP],
				Operations: Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: "add" })),
			},
			"invalidValue",
			`"Operations" may hold at most ${MAX_PATCH_OPERATIONS} operations.`,
		],
		[
			"an op that is not a string",
			{ schemas: [MESSAGE_PATCH_OP], Operations: [{ op: 1 }] },
			"invalidSyntax",
			'"op" must be a string',
		],
		[
			"an operation that is not an object",
			{ schemas: [MESSAGE_PATCH_OP], Operations: ["add"] },
			"invalidSyntax",
			'Operations[0]: must be an object with "op"',
		],
		[
			"an operation that is null",
			{ schemas: [MESSAGE_PATCH_OP], Operations: [{ op: "add", value: {} }, null] },
			"invalidSyntax",
			'Operations[1]: must be an object with "op"',
		],
	])("rejects %s", (_case, body, scimType, detail) => {
		const result = parseWith(patchRequestSchema, body);
		expect(result).toMatchObject({ ok: false, error: { status: 400, scimType } });
		expect(!result.ok && result.error.detail).toContain(detail);
	});

	it("accepts exactly the maximum number of operations", () => {
		const Operations = Array.from({ length: MAX_PATCH_OPERATIONS }, () => ({ op: "add" }));
		expect(parseWith(patchRequestSchema, { schemas: [MESSAGE_PATCH_OP], Operations }).ok).toBe(
			true,
		);
	});
});

describe("listQuerySchema", () => {
	const schema = listQuerySchema(100);

	it.each<[string, Record<string, string>, object]>([
		[
			"no parameters: page 1 of the maximum size",
			{},
			{ startIndex: 1, count: 100, attributes: [], excludedAttributes: [] },
		],
		// Okta's credential test (docs/idp-notes.md "Okta").
		["Okta's startIndex=1&count=2", { startIndex: "1", count: "2" }, { startIndex: 1, count: 2 }],
		["startIndex=0 becomes 1", { startIndex: "0" }, { startIndex: 1 }],
		["a negative startIndex becomes 1", { startIndex: "-5" }, { startIndex: 1 }],
		["a negative count becomes 0", { count: "-1" }, { count: 0 }],
		["count=0 is kept", { count: "0" }, { count: 0 }],
		["count above the maximum is capped", { count: "500" }, { count: 100 }],
		[
			"blank values are absent",
			{ startIndex: "", count: " ", filter: "" },
			{ startIndex: 1, count: 100 },
		],
		["padded integers", { startIndex: " 7 ", count: "+3" }, { startIndex: 7, count: 3 }],
		[
			"filter, sortBy and a case-insensitive sortOrder",
			{ filter: 'userName eq "a@b.c"', sortBy: "userName", sortOrder: "Descending" },
			{ filter: 'userName eq "a@b.c"', sortBy: "userName", sortOrder: "descending" },
		],
		[
			"attributes and excludedAttributes lists",
			{ attributes: "userName, emails.value", excludedAttributes: "members" },
			{ attributes: ["userName", "emails.value"], excludedAttributes: ["members"] },
		],
		[
			"case-insensitive parameter names",
			{ STARTINDEX: "3", Count: "4", excludedattributes: "members" },
			{ startIndex: 3, count: 4, excludedAttributes: ["members"] },
		],
	])("parses %s", (_case, query, expected) => {
		expect(schema.parse(query)).toMatchObject(expected);
	});

	it("omits absent optional fields instead of setting them to undefined", () => {
		expect(Object.keys(schema.parse({}))).toEqual([
			"startIndex",
			"count",
			"attributes",
			"excludedAttributes",
		]);
	});

	it.each<[string, Record<string, string>, string]>([
		["a word as startIndex", { startIndex: "abc" }, '"startIndex" must be an integer, got "abc".'],
		["a decimal count", { count: "1.5" }, '"count" must be an integer, got "1.5".'],
		["an exponent count", { count: "1e3" }, '"count" must be an integer, got "1e3".'],
		[
			"an unknown sortOrder",
			{ sortOrder: "up" },
			'"sortOrder" must be "ascending" or "descending"',
		],
	])("rejects %s with invalidValue", (_case, query, detail) => {
		const result = parseWith(schema, query);
		expect(result).toMatchObject({ ok: false, error: { status: 400, scimType: "invalidValue" } });
		expect(!result.ok && result.error.detail).toContain(detail);
	});
});

describe("searchRequestSchema", () => {
	const schema = searchRequestSchema(50);

	it("parses the RFC 7644 §3.4.3 example", () => {
		expect(
			schema.parse({
				schemas: [MESSAGE_SEARCH_REQUEST],
				attributes: ["displayName", "userName"],
				filter: 'displayName sw "smith"',
				startIndex: 1,
				count: 10,
			}),
		).toEqual({
			filter: 'displayName sw "smith"',
			startIndex: 1,
			count: 10,
			attributes: ["displayName", "userName"],
			excludedAttributes: [],
		});
	});

	it.each<[string, Record<string, unknown>, object]>([
		["count capped", { count: 1000 }, { count: 50 }],
		["startIndex below 1", { startIndex: -3 }, { startIndex: 1 }],
		["integer strings", { startIndex: "2", count: "5" }, { startIndex: 2, count: 5 }],
		[
			"a comma-separated attributes string",
			{ excludedAttributes: "members,meta" },
			{ excludedAttributes: ["members", "meta"] },
		],
		["sortOrder", { sortBy: "userName", sortOrder: "ascending" }, { sortOrder: "ascending" }],
	])("parses %s", (_case, extra, expected) => {
		expect(schema.parse({ schemas: [MESSAGE_SEARCH_REQUEST], ...extra })).toMatchObject(expected);
	});

	it.each<[string, Record<string, unknown>, string]>([
		["missing schemas", { filter: "x" }, "invalidSyntax"],
		["the PatchOp schema", { schemas: [MESSAGE_PATCH_OP] }, "invalidSyntax"],
		["a decimal count", { schemas: [MESSAGE_SEARCH_REQUEST], count: 2.5 }, "invalidValue"],
		["a numeric filter", { schemas: [MESSAGE_SEARCH_REQUEST], filter: 5 }, "invalidSyntax"],
		[
			"attributes of numbers",
			{ schemas: [MESSAGE_SEARCH_REQUEST], attributes: [1] },
			"invalidSyntax",
		],
	])("rejects %s", (_case, body, scimType) => {
		expect(parseWith(schema, body)).toMatchObject({ ok: false, error: { status: 400, scimType } });
	});
});

describe("zodToScimError", () => {
	it("lists every problem with its path", () => {
		const parsed = z.object({ a: z.object({ b: z.string() }), c: z.array(z.number()) }).safeParse({
			a: { b: 1 },
			c: ["x"],
		});
		if (parsed.success) {
			throw new Error("expected a failure");
		}
		const error = zodToScimError(parsed.error);
		expect(error.toBody()).toEqual({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "400",
			scimType: "invalidSyntax",
			detail:
				"a.b: Invalid input: expected string, received number c[0]: Invalid input: expected number, received string",
		});
	});

	it("maps range problems to invalidValue", () => {
		const parsed = z.array(z.string()).min(1).safeParse([]);
		expect(parsed.success || zodToScimError(parsed.error).scimType).toBe("invalidValue");
	});
});
