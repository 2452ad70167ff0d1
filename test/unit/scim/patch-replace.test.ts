import { describe, expect, it } from "vitest";
import type { PatchOperation } from "../../../src/scim/patch";
import { baseGroup, baseUser, enterpriseUser, patchError, patched } from "./fixtures/patch";
import { GROUP, SCHEMA_ENTERPRISE_USER, SCHEMA_USER } from "./fixtures/resource-types";

const twoEmails = () => ({
	...baseUser(),
	emails: [
		{ value: "bjensen@example.com", type: "work", primary: true },
		{ value: "babs@jensen.org", type: "home" },
	],
});

describe("PATCH replace (RFC 7644 §3.5.2.3)", () => {
	it("replaces a single-valued attribute", () => {
		const out = patched(baseUser(), [
			{ op: "replace", path: "userName", value: "babs@example.com" },
		]);
		expect(out.resource.userName).toBe("babs@example.com");
		expect(out.changed).toBe(true);
	});

	it("treats a missing op as replace", () => {
		expect(patched(baseUser(), [{ path: "displayName", value: "B" }]).resource.displayName).toBe(
			"B",
		);
	});

	it("writes attribute names in their canonical casing", () => {
		const out = patched(baseUser(), [
			{ op: "replace", path: "USERNAME", value: "x@y.z" },
			{ op: "replace", value: { "NAME.GIVENNAME": "Babs", DisplayName: "B" } },
		]);
		expect(out.resource).toMatchObject({
			userName: "x@y.z",
			displayName: "B",
			name: { givenName: "Babs" },
		});
		expect(Object.keys(out.resource)).not.toContain("USERNAME");
		expect(Object.keys(out.resource)).not.toContain("DisplayName");
	});

	it("rewrites a differently-cased stored key to the canonical one", () => {
		const user = { ...baseUser(), Title: "old" };
		const out = patched(user, [{ op: "replace", path: "title", value: "new" }]);
		expect(out.resource.title).toBe("new");
		expect(out.resource).not.toHaveProperty("Title");
	});

	it("replaces a sub-attribute", () => {
		const out = patched(baseUser(), [
			{ op: "replace", path: "name.familyName", value: "Jensen-Smith" },
		]);
		expect(out.resource.name).toEqual({ givenName: "Barbara", familyName: "Jensen-Smith" });
	});

	it("merges a complex value: sub-attributes not given stay", () => {
		const out = patched(baseUser(), [
			{ op: "replace", path: "name", value: { givenName: "Babs" } },
		]);
		expect(out.resource.name).toEqual({ givenName: "Babs", familyName: "Jensen" });
	});

	it("replaces all values of a multi-valued attribute", () => {
		const out = patched(twoEmails(), [
			{ op: "replace", path: "emails", value: [{ value: "new@x.org", type: "work" }] },
		]);
		expect(out.resource.emails).toEqual([{ value: "new@x.org", type: "work" }]);
	});

	it("replaces a sub-attribute of the values a filter selects", () => {
		const out = patched(twoEmails(), [
			{ op: "replace", path: 'emails[type eq "work"].value', value: "babs@example.com" },
		]);
		expect(out.resource.emails).toEqual([
			{ value: "babs@example.com", type: "work", primary: true },
			{ value: "babs@jensen.org", type: "home" },
		]);
	});

	it("replaces the whole values a filter selects", () => {
		const out = patched(twoEmails(), [
			{
				op: "replace",
				path: 'emails[type eq "home"]',
				value: { value: "b@home.org", type: "home" },
			},
		]);
		expect(out.resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work", primary: true },
			{ value: "b@home.org", type: "home" },
		]);
	});

	it("moves primary: setting one clears the others (RFC 7643 §2.4)", () => {
		const out = patched(twoEmails(), [
			{ op: "replace", path: 'emails[type eq "home"].primary', value: "True" },
		]);
		expect(out.resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work", primary: false },
			{ value: "babs@jensen.org", type: "home", primary: true },
		]);
	});

	it("rejects making every value primary", () => {
		expect(
			patchError(twoEmails(), [{ op: "replace", path: "emails.primary", value: true }]),
		).toMatchObject({
			scimType: "invalidValue",
		});
	});

	describe("when a filter matches nothing", () => {
		it("adds a value built from the filter's eq terms (Entra, docs/idp-notes.md 'Microsoft Entra ID')", () => {
			const out = patched(baseUser(), [
				{ op: "Replace", path: 'emails[type eq "home"].value', value: "babs@jensen.org" },
			]);
			expect(out.resource.emails).toEqual([
				{ value: "bjensen@example.com", type: "work", primary: true },
				{ type: "home", value: "babs@jensen.org" },
			]);
		});

		it("adds a whole value too", () => {
			const out = patched(baseUser(), [
				{ op: "replace", path: 'phoneNumbers[type eq "mobile"]', value: { value: "555-0100" } },
			]);
			expect(out.resource.phoneNumbers).toEqual([{ type: "mobile", value: "555-0100" }]);
		});

		it("answers noTarget when the filter is not a plain eq/and filter", () => {
			const error = patchError(baseUser(), [
				{ op: "replace", path: 'emails[type eq "home" or type eq "other"].value', value: "x@y.z" },
			]);
			expect(error).toMatchObject({ status: 400, scimType: "noTarget" });
		});

		it("answers noTarget with addOnNoTarget: false, as the RFC says", () => {
			const error = patchError(
				baseUser(),
				[{ op: "replace", path: 'emails[type eq "home"].value', value: "x@y.z" }],
				undefined,
				{ addOnNoTarget: false },
			);
			expect(error).toMatchObject({ status: 400, scimType: "noTarget" });
			expect(error.detail).toContain('The path "emails[type eq "home"].value" did not yield');
		});
	});

	describe("coerces Entra's string booleans", () => {
		const cases: [unknown, boolean][] = [
			["False", false],
			["false", false],
			["FALSE", false],
			["True", true],
			["true", true],
			[false, false],
		];
		it.each(cases)("active = %j", (value, expected) => {
			const out = patched({ ...baseUser(), active: !expected }, [
				{ op: "replace", path: "active", value },
			]);
			expect(out.resource.active).toBe(expected);
		});

		it.each(["no", "0", "", "Falsey"])("rejects active = %j", (value) => {
			const error = patchError(baseUser(), [{ op: "replace", path: "active", value }]);
			expect(error).toMatchObject({ status: 400, scimType: "invalidValue" });
			expect(error.detail).toContain('"active" must be a boolean');
		});
	});

	it("replaces path-less with dotted and URN keys", () => {
		const out = patched(enterpriseUser(), [
			{
				op: "replace",
				value: {
					displayName: "B J",
					"name.givenName": "B",
					[`${SCHEMA_ENTERPRISE_USER}:employeeNumber`]: "42",
				},
			},
		]);
		expect(out.resource).toMatchObject({
			displayName: "B J",
			name: { givenName: "B", familyName: "Jensen" },
			[SCHEMA_ENTERPRISE_USER]: { employeeNumber: "42", department: "Tour Operations" },
		});
	});

	it("replaces a whole extension object given under its URN key", () => {
		const out = patched(baseUser(), [
			{
				op: "replace",
				value: { [SCHEMA_ENTERPRISE_USER]: { department: "Sales", manager: { value: "m1" } } },
			},
		]);
		expect(out.resource[SCHEMA_ENTERPRISE_USER]).toEqual({
			department: "Sales",
			manager: { value: "m1" },
		});
		expect(out.resource.schemas).toEqual([SCHEMA_USER, SCHEMA_ENTERPRISE_USER]);
	});

	it("accepts the extension URN as the path", () => {
		const out = patched(enterpriseUser(), [
			{ op: "replace", path: SCHEMA_ENTERPRISE_USER, value: { employeeNumber: "9" } },
		]);
		expect(out.resource[SCHEMA_ENTERPRISE_USER]).toEqual({
			employeeNumber: "9",
			department: "Tour Operations",
		});
	});

	it("ignores id, meta and schemas inside a path-less value", () => {
		const out = patched(baseUser(), [
			{
				op: "replace",
				value: { id: "other", meta: { version: "x" }, schemas: ["x"], displayName: "B" },
			},
		]);
		expect(out.resource).toMatchObject({
			id: "2819c223-7f76-453a-919d-413861904646",
			displayName: "B",
		});
		expect(out.resource.meta).toEqual(baseUser().meta);
		expect(out.resource.schemas).toEqual([SCHEMA_USER]);
	});

	it("ignores null values (Entra sends them for unpopulated attributes)", () => {
		const out = patched(baseUser(), [
			{ op: "replace", value: { displayName: null, title: null, addresses: null } },
			{ op: "replace", path: "displayName", value: null },
		]);
		expect(out.changed).toBe(false);
		expect(out.resource).toEqual(baseUser());
	});

	it("ignores readOnly attributes inside a path-less value", () => {
		expect(patched(baseUser(), [{ op: "replace", value: { groups: [] } }]).changed).toBe(false);
	});

	it("accepts a password and never stores it", () => {
		const out = patched(baseUser(), [
			{ op: "replace", path: "password", value: "t1meMa$heen" },
			{ op: "replace", value: { password: "other" } },
		]);
		expect(out.changed).toBe(false);
		expect(out.resource).not.toHaveProperty("password");
	});

	it("reports no change when the value is already there", () => {
		const out = patched(baseUser(), [
			{ op: "replace", path: "userName", value: "bjensen@example.com" },
		]);
		expect(out.changed).toBe(false);
	});

	describe("refuses readOnly targets with mutability", () => {
		it.each([
			["id", "x"],
			["meta", { version: "x" }],
			["meta.version", "x"],
			["groups", [{ value: "g1" }]],
		])("%s", (path, value) => {
			const error = patchError(baseUser(), [{ op: "replace", path, value }]);
			expect(error).toMatchObject({ status: 400, scimType: "mutability" });
			expect(error.detail).toMatch(/is readOnly and cannot be modified/);
		});
	});

	describe("immutable members.value", () => {
		it("may not change", () => {
			const error = patchError(
				baseGroup(),
				[{ op: "replace", path: 'members[value eq "u1"].value', value: "u9" }],
				GROUP,
			);
			expect(error).toMatchObject({ status: 400, scimType: "mutability" });
		});

		it("may be written with the same value", () => {
			const out = patched(
				baseGroup(),
				[{ op: "replace", path: 'members[value eq "u1"].value', value: "u1" }],
				GROUP,
			);
			expect(out.changed).toBe(false);
		});
	});

	it("replaces the members of a group and reports the difference", () => {
		const out = patched(
			baseGroup(),
			[{ op: "replace", path: "members", value: [{ value: "u2" }, { value: "u3" }] }],
			GROUP,
		);
		expect(out.resource.members).toEqual([{ value: "u2" }, { value: "u3" }]);
		expect(out.membersAdded).toEqual(["u3"]);
		expect(out.membersRemoved).toEqual(["u1"]);
	});

	it("empties the members of a group with []", () => {
		const out = patched(baseGroup(), [{ op: "replace", path: "members", value: [] }], GROUP);
		expect(out.resource).not.toHaveProperty("members");
		expect(out.membersRemoved).toEqual(["u1", "u2"]);
		expect(out.changed).toBe(true);
	});

	it("wraps a bare manager id (Entra validator, docs/idp-notes.md 'Microsoft Entra ID')", () => {
		const out = patched(baseUser(), [
			{
				op: "replace",
				path: `${SCHEMA_ENTERPRISE_USER}:manager`,
				value: "26118915-6090-4610-87e4-49d8ca9f808d",
			},
		]);
		expect(out.resource[SCHEMA_ENTERPRISE_USER]).toEqual({
			manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d" },
		});
	});

	it("drops an unknown attribute of a path-less value, as PUT does, and applies the rest", () => {
		const out = patched(baseUser(), [
			{ op: "replace", value: { favouriteColour: "blue", "name.nick": "B", displayName: "B J" } },
		]);
		expect(out.resource).not.toHaveProperty("favouriteColour");
		expect(out.resource.name).toEqual({ givenName: "Barbara", familyName: "Jensen" });
		expect(out.resource.displayName).toBe("B J");
	});

	describe("rejects a path naming an unknown attribute with invalidPath", () => {
		it.each([
			[{ op: "replace", path: "nickname2", value: "x" }, /"nickname2" is not an attribute of User/],
			[{ op: "replace", path: "name.nick", value: "x" }, /"name" has no sub-attribute "nick"/],
			[
				{ op: "replace", path: 'emails[type eq "work"].nope', value: "x" },
				/"emails" has no sub-attribute "nope"/,
			],
			[
				{ op: "replace", path: 'userName[type eq "work"]', value: "x" },
				/not a multi-valued complex attribute/,
			],
		])("%j", (operation, detail) => {
			const error = patchError(baseUser(), [operation]);
			expect(error).toMatchObject({ status: 400, scimType: "invalidPath" });
			expect(error.detail).toMatch(detail);
		});

		it("and bad filters inside the path with invalidFilter (RFC 7644 Table 9)", () => {
			expect(
				patchError(baseUser(), [{ op: "replace", path: 'emails[nope eq "x"].value', value: "x" }]),
			).toMatchObject({ scimType: "invalidFilter" });
		});
	});
});

describe("PATCH replace of a whole member selected by a filter", () => {
	it("may drop optional parts but not change the member's value", () => {
		const out = patched(
			baseGroup(),
			[{ op: "replace", path: 'members[value eq "u1"]', value: { value: "u1" } }],
			GROUP,
		);
		expect(out.resource.members).toEqual([
			{ value: "u1" },
			{ value: "u2", display: "Mandy Pepperidge", type: "User" },
		]);
		expect(out).toMatchObject({ membersAdded: [], membersRemoved: [] });
		const error = patchError(
			baseGroup(),
			[{ op: "replace", path: 'members[value eq "u1"]', value: { value: "u9" } }],
			GROUP,
		);
		expect(error).toMatchObject({ scimType: "mutability" });
		expect(error.detail).toMatch(/"members.value" is immutable/);
	});
});

// Issue 9 item 4 and issue 10: PATCH accepted a blank userName that POST and PUT refuse.
describe("PATCH validates a changed name as POST and PUT do", () => {
	it.each<[string, PatchOperation]>([
		["an empty userName", { op: "replace", path: "userName", value: "" }],
		["a blank userName", { op: "replace", path: "userName", value: "   " }],
		["a blank path-less userName", { op: "replace", value: { userName: "\t" } }],
		["an overlong userName", { op: "replace", path: "userName", value: "u".repeat(257) }],
	])("refuses %s with invalidValue", (_case, operation) => {
		const error = patchError(baseUser(), [operation]);
		expect(error).toMatchObject({ status: 400, scimType: "invalidValue" });
		expect(error.detail).toMatch(/^userName (is required: a non-empty string|must be at most 256)/);
	});

	it("refuses a blank Group displayName the same way", () => {
		const error = patchError(
			baseGroup(),
			[{ op: "replace", path: "displayName", value: " " }],
			GROUP,
		);
		expect(error).toMatchObject({
			status: 400,
			scimType: "invalidValue",
			detail: "displayName is required: a non-empty string.",
		});
	});

	it("lets a PATCH that leaves the name alone through, whatever the stored name", () => {
		const out = patched({ ...baseUser(), userName: "" }, [
			{ op: "replace", path: "displayName", value: "B" },
		]);
		expect(out.resource.displayName).toBe("B");
	});
});
