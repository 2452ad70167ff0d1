import { describe, expect, it } from "vitest";
import { checkProjection, parseAttributeList, projectResource } from "../../../src/scim/project";
import { COMMON_ATTRIBUTES } from "../../../src/scim/schemas/common";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../../src/scim/schemas/resource-types";
import type { ResourceTypeDef } from "../../../src/scim/schemas/types";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from "../../../src/scim/schemas/urns";

const ENTERPRISE = SCHEMA_ENTERPRISE_USER;

const user = {
	schemas: [SCHEMA_USER, ENTERPRISE],
	id: "u1",
	externalId: "00u1",
	userName: "bjensen@example.com",
	name: { givenName: "Barbara", familyName: "Jensen" },
	active: true,
	emails: [
		{ value: "bjensen@example.com", type: "work", primary: true },
		{ value: "babs@example.org", type: "home" },
	],
	// A stored resource never holds it; projection must drop it anyway.
	password: "t1meMa$heen",
	[ENTERPRISE]: { department: "Sales", manager: { value: "u9", $ref: "../Users/u9" } },
	meta: { resourceType: "User", location: "https://x/Users/u1", version: 'W/"1"' },
};

const { password: _password, ...userWithoutPassword } = user;

describe("projectResource on a User", () => {
	it.each<[string, { attributes?: string[]; excludedAttributes?: string[] }, object]>([
		["no parameters: everything but returned:never", {}, userWithoutPassword],
		[
			"attributes=userName",
			{ attributes: ["userName"] },
			{ schemas: user.schemas, id: "u1", userName: user.userName },
		],
		[
			"attributes=name.givenName",
			{ attributes: ["name.givenName"] },
			{ schemas: user.schemas, id: "u1", name: { givenName: "Barbara" } },
		],
		[
			"attributes=emails.value",
			{ attributes: ["emails.value"] },
			{
				schemas: user.schemas,
				id: "u1",
				emails: [{ value: "bjensen@example.com" }, { value: "babs@example.org" }],
			},
		],
		[
			"case-insensitive names",
			{ attributes: ["USERNAME", "Name.FamilyName", "EMAILS"] },
			{
				schemas: user.schemas,
				id: "u1",
				userName: user.userName,
				name: { familyName: "Jensen" },
				emails: user.emails,
			},
		],
		[
			"a core URN-qualified name",
			{ attributes: [`${SCHEMA_USER}:userName`] },
			{ schemas: user.schemas, id: "u1", userName: user.userName },
		],
		[
			"the whole extension by its URN",
			{ attributes: [ENTERPRISE] },
			{ schemas: user.schemas, id: "u1", [ENTERPRISE]: user[ENTERPRISE] },
		],
		[
			"one extension attribute by URN",
			{ attributes: [`${ENTERPRISE}:department`] },
			{ schemas: user.schemas, id: "u1", [ENTERPRISE]: { department: "Sales" } },
		],
		[
			"an extension sub-attribute, URN in another case",
			{ attributes: [`${ENTERPRISE.toUpperCase()}:manager.value`] },
			{ schemas: user.schemas, id: "u1", [ENTERPRISE]: { manager: { value: "u9" } } },
		],
		[
			"unknown names are ignored",
			{ attributes: ["nonsense", "name.nonsense", "urn:example:Other:x"] },
			{ schemas: user.schemas, id: "u1" },
		],
		[
			"attributes=password never returns it",
			{ attributes: ["password", "id"] },
			{ schemas: user.schemas, id: "u1" },
		],
		[
			"attributes=meta.location",
			{ attributes: ["meta.location"] },
			{ schemas: user.schemas, id: "u1", meta: { location: "https://x/Users/u1" } },
		],
	])("%s", (_case, projection, expected) => {
		expect(projectResource(user, USER_RESOURCE_TYPE, projection)).toEqual(expected);
	});

	it.each<[string, string[], string[]]>([
		["excludedAttributes=emails", ["emails"], ["emails"]],
		["excludedAttributes=meta,externalId", ["meta", "externalId"], ["meta", "externalId"]],
		["the whole extension by URN", [ENTERPRISE], [ENTERPRISE]],
		["id cannot be excluded (returned always)", ["id", "schemas"], []],
		["unknown names are ignored", ["nonsense"], []],
	])("%s", (_case, excludedAttributes, missing) => {
		const projected = projectResource(user, USER_RESOURCE_TYPE, { excludedAttributes });
		const expectedKeys = Object.keys(userWithoutPassword).filter((key) => !missing.includes(key));
		expect(Object.keys(projected)).toEqual(expectedKeys);
	});

	it("excludes sub-attributes: name.givenName, emails.type and an extension's manager.value", () => {
		const projected = projectResource(user, USER_RESOURCE_TYPE, {
			excludedAttributes: ["name.givenName", "emails.type", `${ENTERPRISE}:manager.value`],
		});
		expect(projected.name).toEqual({ familyName: "Jensen" });
		expect(projected.emails).toEqual([
			{ value: "bjensen@example.com", primary: true },
			{ value: "babs@example.org" },
		]);
		expect(projected[ENTERPRISE]).toEqual({
			department: "Sales",
			manager: { $ref: "../Users/u9" },
		});
	});

	it("applies excludedAttributes after attributes when both are given", () => {
		expect(
			projectResource(user, USER_RESOURCE_TYPE, {
				attributes: ["name", "userName"],
				excludedAttributes: ["name.familyName"],
			}),
		).toEqual({
			schemas: user.schemas,
			id: "u1",
			userName: user.userName,
			name: { givenName: "Barbara" },
		});
	});

	it("does not change its input", () => {
		const copy = structuredClone(user);
		projectResource(user, USER_RESOURCE_TYPE, { attributes: ["emails.value"] });
		expect(user).toEqual(copy);
	});
});

describe("projectResource on a Group", () => {
	const group = {
		schemas: [SCHEMA_GROUP],
		id: "g1",
		displayName: "Engineering",
		members: [{ value: "u1", $ref: "https://x/Users/u1", display: "Babs" }],
		meta: { resourceType: "Group" },
	};

	// Entra: GET /Groups/{id}?excludedAttributes=members (docs/idp-notes.md "Microsoft Entra ID", "Get group").
	it.each([["members"], ["MEMBERS"], [`${SCHEMA_GROUP}:members`]])(
		"excludedAttributes=%s drops members",
		(name) => {
			expect(projectResource(group, GROUP_RESOURCE_TYPE, { excludedAttributes: [name] })).toEqual({
				schemas: group.schemas,
				id: "g1",
				displayName: "Engineering",
				meta: group.meta,
			});
		},
	);

	it("attributes=members.value keeps only member ids", () => {
		expect(projectResource(group, GROUP_RESOURCE_TYPE, { attributes: ["members.value"] })).toEqual({
			schemas: group.schemas,
			id: "g1",
			members: [{ value: "u1" }],
		});
	});
});

describe("projectResource and returned:request", () => {
	const widgetType: ResourceTypeDef = {
		id: "Widget",
		name: "Widget",
		endpoint: "/Widgets",
		description: "A test resource type with a returned:request attribute",
		schema: {
			id: "urn:example:Widget",
			name: "Widget",
			description: "Widget",
			attributes: [
				...COMMON_ATTRIBUTES,
				{
					name: "label",
					type: "string",
					multiValued: false,
					description: "",
					required: false,
					caseExact: false,
					mutability: "readWrite",
					returned: "default",
					uniqueness: "none",
				},
				{
					name: "secretHint",
					type: "string",
					multiValued: false,
					description: "",
					required: false,
					caseExact: false,
					mutability: "readWrite",
					returned: "request",
					uniqueness: "none",
				},
			],
		},
		schemaExtensions: [],
	};
	const widget = { schemas: ["urn:example:Widget"], id: "w1", label: "L", secretHint: "H" };

	it.each<[string, { attributes?: string[]; excludedAttributes?: string[] }, string[]]>([
		["absent by default", {}, ["schemas", "id", "label"]],
		["absent with excludedAttributes", { excludedAttributes: ["label"] }, ["schemas", "id"]],
		["present when named", { attributes: ["secretHint"] }, ["schemas", "id", "secretHint"]],
	])("a returned:request attribute is %s", (_case, projection, keys) => {
		expect(Object.keys(projectResource(widget, widgetType, projection))).toEqual(keys);
	});
});

describe("parseAttributeList", () => {
	it.each<[string | undefined, string[]]>([
		[undefined, []],
		["", []],
		["userName", ["userName"]],
		[" userName , name.givenName ,,", ["userName", "name.givenName"]],
		[
			`${SCHEMA_ENTERPRISE_USER}:department,emails.value`,
			[`${SCHEMA_ENTERPRISE_USER}:department`, "emails.value"],
		],
		[
			'emails[type eq "work" or value co ","].value, userName',
			['emails[type eq "work" or value co ","].value', "userName"],
		],
		['emails[value co "\\",x"],id', ['emails[value co "\\",x"]', "id"]],
	])("parseAttributeList(%j) is %j", (param, expected) => {
		expect(parseAttributeList(param)).toEqual(expected);
	});
});

// Issue 10: an entry with a value filter was silently dropped, leaving resources with only `id`.
describe("projectResource with value-filtered entries (RFC 7644 §3.4.2.5, §3.10)", () => {
	const work = { value: "bjensen@example.com", type: "work", primary: true };
	const home = { value: "babs@example.org", type: "home" };
	it.each<[string, { attributes?: string[]; excludedAttributes?: string[] }, object]>([
		[
			'attributes=emails[type eq "work"]',
			{ attributes: ['emails[type eq "work"]'] },
			{ schemas: user.schemas, id: "u1", emails: [work] },
		],
		[
			'attributes=emails[type eq "work"].value',
			{ attributes: ['emails[type eq "work"].value'] },
			{ schemas: user.schemas, id: "u1", emails: [{ value: work.value }] },
		],
		[
			'attributes=emails[TYPE EQ "HOME"],userName (case-insensitive names and values)',
			{ attributes: ['EMAILS[TYPE eq "HOME"]', "userName"] },
			{ schemas: user.schemas, id: "u1", userName: user.userName, emails: [home] },
		],
		[
			'attributes=emails.type,emails[type eq "work"].value',
			{ attributes: ["emails.type", 'emails[type eq "work"].value'] },
			{
				schemas: user.schemas,
				id: "u1",
				emails: [{ value: work.value, type: "work" }, { type: "home" }],
			},
		],
		[
			'attributes=emails,emails[type eq "work"]: the whole attribute wins',
			{ attributes: ["emails", 'emails[type eq "work"]'] },
			{ schemas: user.schemas, id: "u1", emails: [work, home] },
		],
		[
			'attributes=emails[type eq "other"]: no value matches',
			{ attributes: ['emails[type eq "other"]'] },
			{ schemas: user.schemas, id: "u1" },
		],
		[
			'excludedAttributes=emails[type eq "home"]',
			{ excludedAttributes: ['emails[type eq "home"]'] },
			{ ...userWithoutPassword, emails: [work] },
		],
		[
			"excludedAttributes=emails[primary eq true].type",
			{ excludedAttributes: ["emails[primary eq true].type"] },
			{ ...userWithoutPassword, emails: [{ value: work.value, primary: true }, home] },
		],
	])("%s", (_case, projection, expected) => {
		expect(projectResource(user, USER_RESOURCE_TYPE, projection)).toEqual(expected);
	});

	it.each<[string, string]>([
		["a malformed filter", 'emails[type eq "work"'],
		["a filter on an attribute that is not multi-valued complex", 'userName[type eq "x"]'],
		["a filter naming an unknown sub-attribute", 'emails[kind eq "work"]'],
		["a filter comparing a boolean with gt", "emails[primary gt true]"],
	])("refuses %s with 400 invalidFilter", (_case, name) => {
		for (const projection of [{ attributes: [name] }, { excludedAttributes: [name] }]) {
			expect(() => checkProjection(USER_RESOURCE_TYPE, projection)).toThrow(
				expect.objectContaining({ status: 400, scimType: "invalidFilter" }),
			);
		}
	});

	it("ignores a filtered entry on an attribute the resource type lacks, like any unknown name", () => {
		expect(() =>
			checkProjection(GROUP_RESOURCE_TYPE, { attributes: ['emails[type eq "work"]'] }),
		).not.toThrow();
	});
});
