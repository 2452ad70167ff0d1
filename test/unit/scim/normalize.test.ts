import { describe, expect, it } from "vitest";
import {
	normalizeGroupInput,
	normalizeGroupResource,
	normalizeUserInput,
	normalizeUserResource,
} from "../../../src/scim/normalize";
import { applyPatch } from "../../../src/scim/patch";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../../src/scim/schemas/resource-types";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from "../../../src/scim/schemas/urns";

// Okta OIN create (docs/idp-notes.md "Okta" "Create"): random password and groups:[] included.
const OKTA_CREATE_USER = {
	schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
	userName: "test.user@okta.local",
	name: { givenName: "Test", familyName: "User" },
	emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
	displayName: "Test User",
	locale: "en-US",
	externalId: "00ujl29u0le5T6Aj10h7",
	groups: [],
	password: "1mz050nq",
	active: true,
};

// Entra create (docs/idp-notes.md "Microsoft Entra ID" "Create user"): meta{resourceType} and roles:[].
const ENTRA_CREATE_USER = {
	schemas: [
		"urn:ietf:params:scim:schemas:core:2.0:User",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
	],
	externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
	userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com",
	active: true,
	emails: [
		{
			primary: true,
			type: "work",
			value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com",
		},
	],
	meta: { resourceType: "User" },
	name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
	roles: [],
};

// Older Entra create (docs/idp-notes.md "Microsoft Entra ID"): mistyped enterprise URN and nulls for unpopulated
// attributes, including the whole extension's values.
const ENTRA_CREATE_USER_OLD = {
	schemas: [
		"urn:ietf:params:scim:schemas:core:2.0:User",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0User",
	],
	externalId: "58342554-38d6-4ec8-948c-50044d0a33fd",
	userName: "Test_User_feed3ace-693c-4e5a-82e2-694be1b39934@testuser.com",
	active: true,
	displayName: "Test User",
	title: null,
	preferredLanguage: null,
	emails: [
		{
			primary: true,
			type: "work",
			value: "Test_User_22370c1a-9012-42b2-bf64-86099c2a1c22@testuser.com",
		},
	],
	phoneNumbers: null,
	addresses: null,
	meta: { resourceType: "User" },
	name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
		department: null,
		manager: null,
	},
	roles: [],
};

// Entra create group (docs/idp-notes.md "Microsoft Entra ID" "Create group"): its own ADSCIM URN, meta, no members.
const ENTRA_CREATE_GROUP = {
	schemas: [
		"urn:ietf:params:scim:schemas:core:2.0:Group",
		"http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
	],
	externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
	displayName: "displayName",
	meta: { resourceType: "Group" },
};

// Okta push group (docs/idp-notes.md "Okta" "Push group").
const OKTA_CREATE_GROUP = {
	schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
	displayName: "Test SCIMv2",
	members: [],
};

function user(extra: Record<string, unknown>): Record<string, unknown> {
	return { schemas: [SCHEMA_USER], userName: "bjensen", ...extra };
}

function expectUser(body: unknown) {
	const result = normalizeUserInput(body, USER_RESOURCE_TYPE);
	if (!result.ok) {
		throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
	}
	return result.value;
}

describe("normalizeUserInput: IdP create bodies", () => {
	it("accepts Okta's create, dropping the password and groups:[]", () => {
		expect(expectUser(OKTA_CREATE_USER)).toEqual({
			resource: {
				userName: "test.user@okta.local",
				name: { givenName: "Test", familyName: "User" },
				emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
				displayName: "Test User",
				locale: "en-US",
				externalId: "00ujl29u0le5T6Aj10h7",
				active: true,
			},
			userName: "test.user@okta.local",
			externalId: "00ujl29u0le5T6Aj10h7",
			active: true,
			email: "test.user@okta.local",
			emails: [{ value: "test.user@okta.local", type: "work", primary: true }],
			givenName: "Test",
			familyName: "User",
			displayName: "Test User",
		});
	});

	it("accepts Entra's create, ignoring meta and roles:[]", () => {
		const normalized = expectUser(ENTRA_CREATE_USER);
		expect(normalized.resource).toEqual({
			externalId: ENTRA_CREATE_USER.externalId,
			userName: ENTRA_CREATE_USER.userName,
			active: true,
			emails: ENTRA_CREATE_USER.emails,
			name: ENTRA_CREATE_USER.name,
		});
		expect(normalized).toMatchObject({
			userName: ENTRA_CREATE_USER.userName,
			externalId: ENTRA_CREATE_USER.externalId,
			email: ENTRA_CREATE_USER.emails[0]?.value,
			givenName: "givenName",
			familyName: "familyName",
		});
		expect(normalized).not.toHaveProperty("displayName");
	});

	it("accepts Entra's older create with nulls and the mistyped enterprise URN", () => {
		expect(expectUser(ENTRA_CREATE_USER_OLD).resource).toEqual({
			externalId: ENTRA_CREATE_USER_OLD.externalId,
			userName: ENTRA_CREATE_USER_OLD.userName,
			active: true,
			displayName: "Test User",
			emails: ENTRA_CREATE_USER_OLD.emails,
			name: ENTRA_CREATE_USER_OLD.name,
		});
	});

	it("never returns the password anywhere in its output", () => {
		expect(JSON.stringify(expectUser(OKTA_CREATE_USER))).not.toContain("1mz050nq");
	});
});

describe("normalizeUserInput: attribute names", () => {
	it("matches names case-insensitively and rewrites them to canonical casing", () => {
		expect(
			expectUser({
				SCHEMAS: [SCHEMA_USER.toUpperCase()],
				USERNAME: "BJensen",
				Name: { GivenName: "Barbara", FAMILYNAME: "Jensen" },
				Emails: [{ VALUE: "BJensen@Example.com", Primary: "True" }],
			}).resource,
		).toEqual({
			userName: "BJensen",
			name: { givenName: "Barbara", familyName: "Jensen" },
			emails: [{ value: "BJensen@Example.com", primary: true }],
		});
	});

	it("drops unknown attributes and read-only ones (id, meta, groups, manager.displayName)", () => {
		expect(
			expectUser(
				user({
					id: "spoofed",
					meta: { created: "2020-01-01T00:00:00Z" },
					groups: [{ value: "g1" }],
					favouriteColour: "blue",
					"name.givenName": "Dotted",
					"urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User": { x: 1 },
					name: { givenName: "B", nickname: "unknown sub-attribute" },
					[SCHEMA_ENTERPRISE_USER]: { manager: { value: "m1", displayName: "Boss" } },
				}),
			).resource,
		).toEqual({
			userName: "bjensen",
			name: { givenName: "B" },
			[SCHEMA_ENTERPRISE_USER]: { manager: { value: "m1" } },
		});
	});

	it("ignores an own __proto__ key from JSON.parse", () => {
		const body = JSON.parse(
			`{"schemas":["${SCHEMA_USER}"],"userName":"a","__proto__":{"polluted":true}}`,
		);
		const { resource } = expectUser(body);
		expect(Object.keys(resource)).toEqual(["userName"]);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe("normalizeUserInput: enterprise extension", () => {
	it.each<[string, Record<string, unknown>]>([
		["under the URN key", { [SCHEMA_ENTERPRISE_USER]: { department: "Sales", costCenter: "42" } }],
		[
			"under the URN key in another case",
			{ [SCHEMA_ENTERPRISE_USER.toLowerCase()]: { Department: "Sales", COSTCENTER: "42" } },
		],
		[
			"as URN-prefixed top-level keys",
			{
				[`${SCHEMA_ENTERPRISE_USER}:department`]: "Sales",
				[`${SCHEMA_ENTERPRISE_USER.toUpperCase()}:costCenter`]: "42",
			},
		],
		[
			"split between both forms",
			{
				[SCHEMA_ENTERPRISE_USER]: { department: "Sales" },
				[`${SCHEMA_ENTERPRISE_USER}:costCenter`]: "42",
			},
		],
	])("accepts enterprise attributes %s", (_case, extra) => {
		expect(expectUser(user(extra)).resource[SCHEMA_ENTERPRISE_USER]).toEqual({
			department: "Sales",
			costCenter: "42",
		});
	});

	it("accepts the enterprise URN in schemas with no extension object", () => {
		const { resource } = expectUser(user({ schemas: [SCHEMA_USER, SCHEMA_ENTERPRISE_USER] }));
		expect(resource).not.toHaveProperty(SCHEMA_ENTERPRISE_USER);
	});

	it.each<[string, unknown, unknown]>([
		// Entra's SCIM validator sends manager as the bare id (docs/idp-notes.md "Microsoft Entra ID").
		["a bare string", "26118915", { value: "26118915" }],
		["an object with $ref: null", { value: "26118915", $ref: null }, { value: "26118915" }],
		[
			"an object with $ref",
			{ value: "26118915", $ref: "../Users/26118915" },
			{ value: "26118915", $ref: "../Users/26118915" },
		],
	])("accepts manager as %s", (_case, manager, expected) => {
		expect(
			expectUser(user({ [SCHEMA_ENTERPRISE_USER]: { manager } })).resource[SCHEMA_ENTERPRISE_USER],
		).toEqual({ manager: expected });
	});
});

describe("normalizeUserInput: values", () => {
	// Entra sends "True"/"False" strings without the compliance flag (docs/idp-notes.md "Microsoft Entra ID").
	it.each<[unknown, boolean]>([
		[true, true],
		[false, false],
		["true", true],
		["False", false],
		["FALSE", false],
		["TrUe", true],
	])("accepts active %j as %s", (active, expected) => {
		const normalized = expectUser(user({ active }));
		expect(normalized.active).toBe(expected);
		expect(normalized.resource.active).toBe(expected);
	});

	// What a missing `active` means is a product rule (src/provisioning/users.ts), not the normalizer's.
	it("leaves a missing active absent", () => {
		expect(expectUser(user({}))).not.toHaveProperty("active");
		expect(expectUser(user({ active: false })).active).toBe(false);
	});

	it.each<[unknown]>([["yes"], [""], [1], [0], [[true]], [{}]])("rejects active %j", (active) => {
		const result = normalizeUserInput(user({ active }), USER_RESOURCE_TYPE);
		expect(result).toMatchObject({
			ok: false,
			error: { status: 400, scimType: "invalidValue" },
		});
		expect(!result.ok && result.error.detail).toContain('"active" must be a boolean');
	});

	it("lists a repeated email once (same value in any case, same type), primary if a repeat was", () => {
		const normalized = expectUser(
			user({
				emails: [
					{ value: "a@b.c", type: "work" },
					{ value: "A@B.C", type: "Work", primary: true },
					{ value: "a@b.c", type: "home" },
					{ value: "a@b.c", type: "work" },
				],
			}),
		);
		expect(normalized.resource.emails).toEqual([
			{ value: "a@b.c", type: "work", primary: true },
			{ value: "a@b.c", type: "home" },
		]);
		expect(normalized.emails).toHaveLength(2);
		expect(normalized.email).toBe("a@b.c");
	});

	it("keeps a PATCH's repeated values once, as a POST does", () => {
		const patched = applyPatch(
			{ schemas: [SCHEMA_USER], userName: "u", emails: [{ value: "x@b.c", primary: true }] },
			[
				{
					op: "replace",
					path: "emails",
					value: [
						{ value: "a@b.c", type: "work" },
						{ value: "a@b.c", type: "work" },
					],
				},
			],
			USER_RESOURCE_TYPE,
		);
		expect(patched.ok && patched.value.resource.emails).toEqual([{ value: "a@b.c", type: "work" }]);
	});

	it.each<[unknown, boolean]>([
		["true", true],
		["False", false],
		[true, true],
	])("accepts primary %j as %s", (primary, expected) => {
		expect(expectUser(user({ emails: [{ value: "a@b.c", primary }] })).resource.emails).toEqual([
			{ value: "a@b.c", primary: expected },
		]);
	});

	it("keeps values exactly as sent, with no case normalisation", () => {
		const { resource } = expectUser(
			user({
				userName: "BJensen@Example.COM",
				emails: [{ value: "BJensen@Example.COM", type: "Work" }],
			}),
		);
		expect(resource.userName).toBe("BJensen@Example.COM");
		expect(resource.emails).toEqual([{ value: "BJensen@Example.COM", type: "Work" }]);
	});

	it("derives email from the primary email, else the first", () => {
		const emails = [{ value: "home@example.com" }, { value: "work@example.com", primary: true }];
		expect(expectUser(user({ emails }))).toMatchObject({
			email: "work@example.com",
			emails: [{ value: "home@example.com" }, { value: "work@example.com", primary: true }],
		});
		expect(expectUser(user({ emails: emails.slice(0, 1) })).email).toBe("home@example.com");
		expect(expectUser(user({})).emails).toEqual([]);
	});

	it("drops null items and empty complex values", () => {
		expect(
			expectUser(user({ emails: [null, { value: null }], name: { givenName: null }, roles: [] }))
				.resource,
		).toEqual({ userName: "bjensen" });
	});

	it.each<[string, Record<string, unknown>, string]>([
		[
			"two primary emails",
			{
				emails: [
					{ value: "a@b.c", primary: true },
					{ value: "d@e.f", primary: "True" },
				],
			},
			'"emails" may have at most one value with primary true',
		],
		["emails not an array", { emails: { value: "a@b.c" } }, '"emails" must be an array'],
		["name not an object", { name: "Barbara Jensen" }, '"name" must be an object'],
		["a number as email value", { emails: [{ value: 42 }] }, '"emails[0].value" must be a string'],
		["a number as displayName", { displayName: 7 }, '"displayName" must be a string'],
		["a number as emails item", { emails: [7] }, '"emails[0]" must be an object'],
		[
			"an extension that is not an object",
			{ [SCHEMA_ENTERPRISE_USER]: "Sales" },
			`"${SCHEMA_ENTERPRISE_USER}" must be an object`,
		],
		[
			"a number as department",
			{ [SCHEMA_ENTERPRISE_USER]: { department: 7 } },
			'"department" must be a string',
		],
	])("rejects %s with invalidValue naming the attribute", (_case, extra, detail) => {
		const result = normalizeUserInput(user(extra), USER_RESOURCE_TYPE);
		expect(result).toMatchObject({ ok: false, error: { status: 400, scimType: "invalidValue" } });
		expect(!result.ok && result.error.detail).toContain(detail);
	});
});

describe("normalizeUserInput: the coercer PATCH shares", () => {
	it("drops unknown sub-attributes, as PATCH does", () => {
		const result = normalizeUserInput(
			user({ emails: [{ value: "a@b.c", kind: "work", primary: "True" }] }),
			USER_RESOURCE_TYPE,
		);
		expect(result.ok && result.value.resource.emails).toEqual([{ value: "a@b.c", primary: true }]);
	});

	it("takes a bare string as the value of a complex attribute, as PATCH does", () => {
		const result = normalizeUserInput(user({ emails: ["a@b.c"] }), USER_RESOURCE_TYPE);
		expect(result.ok && result.value.resource.emails).toEqual([{ value: "a@b.c" }]);
	});

	it("takes a single-valued complex attribute as an array of one, as PATCH does", () => {
		const result = normalizeUserInput(
			user({ [SCHEMA_ENTERPRISE_USER]: { manager: [{ value: "m1" }] } }),
			USER_RESOURCE_TYPE,
		);
		expect(result.ok && result.value.resource[SCHEMA_ENTERPRISE_USER]).toEqual({
			manager: { value: "m1" },
		});
	});
});

describe("normalizeUserInput: userName", () => {
	it.each<[string, unknown, string]>([
		["missing", undefined, "userName is required"],
		["empty", "", "userName is required"],
		["blank", "   ", "userName is required"],
		["null", null, "userName is required"],
		["a number", 42, '"userName" must be a string'],
		["257 characters", "a".repeat(257), "at most 256 characters"],
		["257 emoji", "😀".repeat(257), "at most 256 characters"],
	])("rejects a userName that is %s", (_case, userName, detail) => {
		const result = normalizeUserInput(
			{ schemas: [SCHEMA_USER], ...(userName === undefined ? {} : { userName }) },
			USER_RESOURCE_TYPE,
		);
		expect(result).toMatchObject({ ok: false, error: { status: 400, scimType: "invalidValue" } });
		expect(!result.ok && result.error.detail).toContain(detail);
	});

	it("accepts a userName of 256 characters", () => {
		expect(expectUser(user({ userName: "a".repeat(256) })).userName).toHaveLength(256);
	});

	it("counts characters, not UTF-16 units: 256 emoji are 256 characters", () => {
		expect(expectUser(user({ userName: "😀".repeat(256) })).userName).toBe("😀".repeat(256));
		const group = normalizeGroupInput({ schemas: [SCHEMA_GROUP], displayName: "😀".repeat(256) });
		expect(group.ok).toBe(true);
	});
});

describe("normalizeUserInput: envelope", () => {
	it.each<[string, unknown]>([
		["null", null],
		["an array", [OKTA_CREATE_USER]],
		["a string", "userName=bjensen"],
		["a number", 42],
	])("rejects a body that is %s with invalidSyntax", (_case, body) => {
		expect(normalizeUserInput(body, USER_RESOURCE_TYPE)).toEqual({
			ok: false,
			error: {
				status: 400,
				scimType: "invalidSyntax",
				detail: "The request body must be a JSON object.",
			},
		});
	});

	it.each<[string, unknown]>([
		["missing", undefined],
		["not an array", SCHEMA_USER],
		["without the core URN", [SCHEMA_ENTERPRISE_USER]],
		["with the Group URN", [SCHEMA_GROUP]],
	])("rejects schemas %s with invalidSyntax", (_case, schemas) => {
		const body = { userName: "bjensen", ...(schemas === undefined ? {} : { schemas }) };
		expect(normalizeUserInput(body, USER_RESOURCE_TYPE)).toMatchObject({
			ok: false,
			error: {
				status: 400,
				scimType: "invalidSyntax",
				detail: `The request body must have "schemas" listing "${SCHEMA_USER}".`,
			},
		});
	});
});

describe("normalizeGroupInput", () => {
	it("accepts Entra's create group with its ADSCIM URN and meta", () => {
		const result = normalizeGroupInput(ENTRA_CREATE_GROUP, GROUP_RESOURCE_TYPE);
		expect(result).toEqual({
			ok: true,
			value: {
				resource: { externalId: ENTRA_CREATE_GROUP.externalId, displayName: "displayName" },
				displayName: "displayName",
				externalId: ENTRA_CREATE_GROUP.externalId,
				memberValues: [],
			},
		});
	});

	it("accepts Okta's push group with members: []", () => {
		expect(normalizeGroupInput(OKTA_CREATE_GROUP, GROUP_RESOURCE_TYPE)).toEqual({
			ok: true,
			value: {
				resource: { displayName: "Test SCIMv2" },
				displayName: "Test SCIMv2",
				memberValues: [],
			},
		});
	});

	it("keeps members in order without duplicates, dropping read-only display and $ref: null", () => {
		const result = normalizeGroupInput(
			{
				schemas: [SCHEMA_GROUP],
				displayName: "Engineering",
				members: [
					{ value: "u1", display: "Babs" },
					{ $ref: null, value: "u2" },
					{ value: "u1", type: "User" },
					{ Value: "u3", TYPE: "User" },
				],
			},
			GROUP_RESOURCE_TYPE,
		);
		expect(result).toMatchObject({
			ok: true,
			value: {
				resource: {
					displayName: "Engineering",
					members: [{ value: "u1" }, { value: "u2" }, { value: "u3", type: "User" }],
				},
				memberValues: ["u1", "u2", "u3"],
			},
		});
	});

	it.each<[string, Record<string, unknown>, string, string]>([
		["no displayName", {}, "invalidValue", "displayName is required"],
		["a blank displayName", { displayName: " " }, "invalidValue", "displayName is required"],
		[
			"a member without value",
			{ displayName: "G", members: [{ display: "Babs" }] },
			"invalidValue",
			"members[0].value is required",
		],
		[
			"members not an array",
			{ displayName: "G", members: { value: "u1" } },
			"invalidValue",
			'"members" must be an array',
		],
		[
			"the User URN",
			{ schemas: [SCHEMA_USER], displayName: "G" },
			"invalidSyntax",
			`"schemas" listing "${SCHEMA_GROUP}"`,
		],
	])("rejects %s", (_case, extra, scimType, detail) => {
		const result = normalizeGroupInput({ schemas: [SCHEMA_GROUP], ...extra }, GROUP_RESOURCE_TYPE);
		expect(result).toMatchObject({ ok: false, error: { status: 400, scimType } });
		expect(!result.ok && result.error.detail).toContain(detail);
	});
});

describe("normalizeUserResource / normalizeGroupResource: a patched resource's typed value", () => {
	it("gives a PATCH result the typed value POST gives its body, without needing schemas", () => {
		const posted = normalizeUserInput(
			user({ emails: [{ value: "b@x.org", primary: "true" }], active: "False" }),
			USER_RESOURCE_TYPE,
		);
		if (!posted.ok) {
			throw new Error(posted.error.detail);
		}
		const patched = applyPatch(
			posted.value.resource,
			[{ op: "Replace", path: "name.givenName", value: "Babs" }],
			USER_RESOURCE_TYPE,
		);
		if (!patched.ok) {
			throw new Error(patched.error.detail);
		}
		const again = normalizeUserResource(patched.value.resource, USER_RESOURCE_TYPE);
		expect(again).toEqual({
			ok: true,
			value: {
				...posted.value,
				resource: {
					...posted.value.resource,
					name: { ...(posted.value.resource.name as object), givenName: "Babs" },
				},
				givenName: "Babs",
			},
		});
		expect(again.ok && again.value.active).toBe(false);
	});

	it("refuses a blank userName and a blank Group displayName as the input normalizers do", () => {
		expect(normalizeUserResource({ userName: " " }, USER_RESOURCE_TYPE)).toMatchObject({
			ok: false,
			error: { scimType: "invalidValue", detail: "userName is required: a non-empty string." },
		});
		expect(normalizeGroupResource({ displayName: "" }, GROUP_RESOURCE_TYPE)).toMatchObject({
			ok: false,
			error: { detail: "displayName is required: a non-empty string." },
		});
	});
});
