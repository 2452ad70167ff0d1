import { describe, expect, it } from "vitest";
import type { ResourceTypeDef } from "../../../src/scim/schemas/types";
import { baseGroup, baseUser, enterpriseUser, patchError, patched } from "./fixtures/patch";
import { GROUP, SCHEMA_ENTERPRISE_USER, SCHEMA_USER, USER } from "./fixtures/resource-types";

describe("PATCH add (RFC 7644 §3.5.2.1)", () => {
	it("adds a missing single-valued attribute", () => {
		const out = patched(baseUser(), [{ op: "add", path: "title", value: "Tour Guide" }]);
		expect(out.resource.title).toBe("Tour Guide");
		expect(out.changed).toBe(true);
	});

	it("replaces an existing single-valued attribute", () => {
		const out = patched(baseUser(), [{ op: "add", path: "displayName", value: "Barbara" }]);
		expect(out.resource.displayName).toBe("Barbara");
	});

	it("adds a sub-attribute and keeps the others", () => {
		const out = patched(baseUser(), [{ op: "add", path: "name.middleName", value: "Jane" }]);
		expect(out.resource.name).toEqual({
			givenName: "Barbara",
			familyName: "Jensen",
			middleName: "Jane",
		});
	});

	it("merges a complex value into the existing one", () => {
		const out = patched(baseUser(), [
			{ op: "add", path: "name", value: { formatted: "Ms. Barbara J Jensen" } },
		]);
		expect(out.resource.name).toEqual({
			givenName: "Barbara",
			familyName: "Jensen",
			formatted: "Ms. Barbara J Jensen",
		});
	});

	it("appends values to a multi-valued attribute", () => {
		const out = patched(baseUser(), [
			{ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home" }] },
		]);
		expect(out.resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work", primary: true },
			{ value: "babs@jensen.org", type: "home" },
		]);
	});

	it("accepts a single object for a multi-valued attribute", () => {
		const out = patched(baseUser(), [
			{ op: "add", path: "phoneNumbers", value: { value: "555-1234", type: "work" } },
		]);
		expect(out.resource.phoneNumbers).toEqual([{ value: "555-1234", type: "work" }]);
	});

	it("does not duplicate a value already present (emails.value is caseExact false)", () => {
		const out = patched(baseUser(), [
			{ op: "add", path: "emails", value: [{ value: "BJensen@Example.com", type: "work" }] },
		]);
		expect(out.changed).toBe(false);
		expect(out.resource.emails).toHaveLength(1);
	});

	it("clears the other primary when an added value is primary (RFC 7643 §2.4)", () => {
		const out = patched(baseUser(), [
			{
				op: "add",
				path: "emails",
				value: [{ value: "babs@jensen.org", type: "home", primary: true }],
			},
		]);
		expect(out.resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work", primary: false },
			{ value: "babs@jensen.org", type: "home", primary: true },
		]);
	});

	it("rejects two primary values in one add", () => {
		const error = patchError(baseUser(), [
			{
				op: "add",
				path: "emails",
				value: [
					{ value: "a@x.org", primary: true },
					{ value: "b@x.org", primary: true },
				],
			},
		]);
		expect(error).toMatchObject({ status: 400, scimType: "invalidValue" });
		expect(error.detail).toMatch(/"emails" may have at most one value with primary true/);
	});

	it("adds an extension attribute under its URN and lists the extension in schemas", () => {
		const out = patched(baseUser(), [
			{ op: "add", path: `${SCHEMA_ENTERPRISE_USER}:employeeNumber`, value: "701984" },
		]);
		expect(out.resource[SCHEMA_ENTERPRISE_USER]).toEqual({ employeeNumber: "701984" });
		expect(out.resource.schemas).toEqual([SCHEMA_USER, SCHEMA_ENTERPRISE_USER]);
	});

	it("adds a path-less value with plain, dotted and URN keys", () => {
		const out = patched(enterpriseUser(), [
			{
				op: "add",
				value: {
					title: "Guide",
					"name.middleName": "Jane",
					[`${SCHEMA_ENTERPRISE_USER}:costCenter`]: "4130",
					[`${SCHEMA_USER}:nickName`]: "Babs",
				},
			},
		]);
		expect(out.resource).toMatchObject({
			title: "Guide",
			nickName: "Babs",
			name: { middleName: "Jane" },
			[SCHEMA_ENTERPRISE_USER]: { employeeNumber: "701984", costCenter: "4130" },
		});
	});

	it("adds members to a group and reports them", () => {
		const out = patched(
			baseGroup(),
			[
				{
					op: "add",
					path: "members",
					value: [{ value: "u3", display: "Tom" }, { value: "u4" }, { value: "u1" }],
				},
			],
			GROUP,
		);
		expect(out.membersAdded).toEqual(["u3", "u4"]);
		expect(out.membersRemoved).toEqual([]);
		expect(out.resource.members).toHaveLength(4);
	});

	it("treats a repeated member as no change", () => {
		const out = patched(
			baseGroup(),
			[{ op: "add", path: "members", value: [{ value: "u2" }] }],
			GROUP,
		);
		expect(out).toMatchObject({ changed: false, membersAdded: [], membersRemoved: [] });
	});

	it("adds to an empty group", () => {
		const group = { ...baseGroup(), members: undefined };
		delete group.members;
		const out = patched(group, [{ op: "add", path: "members", value: [{ value: "u9" }] }], GROUP);
		expect(out.resource.members).toEqual([{ value: "u9" }]);
		expect(out.membersAdded).toEqual(["u9"]);
	});

	it("adds a value through a filter that matches nothing (Entra validator, docs/idp-notes.md 'Microsoft Entra ID')", () => {
		const user = { ...baseUser(), emails: [{ value: "babs@jensen.org", type: "home" }] };
		const out = patched(user, [
			{ op: "add", path: 'emails[type eq "work"].value', value: "bjensen@example.com" },
		]);
		expect(out.resource.emails).toEqual([
			{ value: "babs@jensen.org", type: "home" },
			{ type: "work", value: "bjensen@example.com" },
		]);
	});

	it("matches op case-insensitively", () => {
		expect(patched(baseUser(), [{ op: "ADD", path: "title", value: "x" }]).resource.title).toBe(
			"x",
		);
	});

	it("never mutates its input", () => {
		const user = baseUser();
		const snapshot = structuredClone(user);
		patched(user, [
			{ op: "add", path: "emails", value: [{ value: "x@y.z", primary: true }] },
			{ op: "add", path: "name.middleName", value: "J" },
		]);
		expect(user).toEqual(snapshot);
	});

	// Issue 10: PATCH refused the member object that POST /Groups accepts.
	it("drops an unknown sub-attribute of an added member, as POST and PUT do", () => {
		const out = patched(
			baseGroup(),
			[{ op: "add", path: "members", value: [{ value: "u3", displayName: "Zed" }] }],
			GROUP,
		);
		expect(out.membersAdded).toEqual(["u3"]);
		expect(out.resource.members).toContainEqual({ value: "u3" });
	});

	it("drops an unknown sub-attribute of an added email and keeps the rest", () => {
		const out = patched(baseUser(), [
			{ op: "add", path: "emails", value: [{ value: "b@x.org", type: "home", kind: "x" }] },
		]);
		expect(out.resource.emails).toContainEqual({ value: "b@x.org", type: "home" });
	});

	describe("type-checks values against the schema", () => {
		const cases: [string, unknown, RegExp][] = [
			["userName", 42, /"userName" must be a string, not 42/],
			["active", "yes", /"active" must be a boolean \(true or false\), not "yes"/],
			["active", 1, /"active" must be a boolean/],
			["emails", [{ value: 5 }], /"emails\[0\].value" must be a string/],
			["emails", ["a@b.c", 7], /"emails\[1\]" must be an object \(a complex value\), not 7/],
			["name", "Barbara", /"name" must be an object \(a complex value\), not "Barbara"/],
			["name.givenName", { a: 1 }, /"name.givenName" must be a string/],
			["title", ["a", "b"], /"title" must be a string/],
			[
				`${SCHEMA_ENTERPRISE_USER}:manager`,
				[{ value: "a" }, { value: "b" }],
				/single-valued, so it takes one value, not 2/,
			],
		];
		it.each(cases)("%s = %j", (path, value, detail) => {
			const error = patchError(baseUser(), [{ op: "add", path, value }]);
			expect(error).toMatchObject({ status: 400, scimType: "invalidValue" });
			expect(error.detail).toMatch(/^Operations\[0\]: /);
			expect(error.detail).toMatch(detail);
		});
	});

	it("names the failing operation by index", () => {
		const error = patchError(baseUser(), [
			{ op: "add", path: "title", value: "ok" },
			{ op: "add", path: "active", value: "maybe" },
		]);
		expect(error.detail).toMatch(/^Operations\[1\]: "active"/);
	});

	it("requires a value", () => {
		expect(patchError(baseUser(), [{ op: "add", path: "title" }])).toMatchObject({
			scimType: "invalidValue",
			detail: 'Operations[0]: "add" needs a "value".',
		});
	});

	it("requires an object value without a path", () => {
		expect(patchError(baseUser(), [{ op: "add", value: "x" }])).toMatchObject({
			scimType: "invalidValue",
		});
	});

	it("rejects an unknown op", () => {
		expect(patchError(baseUser(), [{ op: "merge", path: "title", value: "x" }])).toMatchObject({
			scimType: "invalidSyntax",
			detail: 'Operations[0]: "op" must be "add", "replace" or "remove", not "merge".',
		});
	});
});

describe("PATCH on an immutable attribute (RFC 7643 §2.2)", () => {
	const immutableExternalId: ResourceTypeDef = {
		...USER,
		schema: {
			...USER.schema,
			attributes: USER.schema.attributes.map((a) =>
				a.name === "externalId" ? { ...a, mutability: "immutable" as const } : a,
			),
		},
	};
	const withoutExternalId = () => {
		const user = baseUser();
		delete user.externalId;
		return user;
	};

	it("may be added when absent", () => {
		const out = patched(
			withoutExternalId(),
			[{ op: "add", path: "externalId", value: "e1" }],
			immutableExternalId,
		);
		expect(out.resource.externalId).toBe("e1");
	});

	it("may be written again with the same value", () => {
		const out = patched(
			baseUser(),
			[{ op: "replace", value: { externalId: "00u1abcd" } }],
			immutableExternalId,
		);
		expect(out.changed).toBe(false);
	});

	it.each(["add", "replace"])("may not be changed by %s", (op) => {
		const error = patchError(
			baseUser(),
			[{ op, path: "externalId", value: "other" }],
			immutableExternalId,
		);
		expect(error).toMatchObject({ status: 400, scimType: "mutability" });
		expect(error.detail).toMatch(/"externalId" is immutable/);
	});

	it("may not be removed", () => {
		const error = patchError(
			baseUser(),
			[{ op: "remove", path: "externalId" }],
			immutableExternalId,
		);
		expect(error).toMatchObject({ status: 400, scimType: "mutability" });
	});
});
