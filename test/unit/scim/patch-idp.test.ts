import { describe, expect, it } from "vitest";
import type { PatchOperation } from "../../../src/scim/patch";
import { baseGroup, baseUser, enterpriseUser, MESSAGE_PATCH_OP, patched } from "./fixtures/patch";
import { GROUP, SCHEMA_ENTERPRISE_USER, USER } from "./fixtures/resource-types";

// Every PATCH body shape docs/idp-notes.md lists, replayed as the JSON text an IdP would send.

function operations(body: string): PatchOperation[] {
	const parsed = JSON.parse(body) as { schemas: string[]; Operations: PatchOperation[] };
	expect(parsed.schemas).toEqual([MESSAGE_PATCH_OP]);
	return parsed.Operations;
}

const GROUP_ID = "e9e30dba-f08f-4109-8486-d5c6a331660a";

describe("Okta (docs/idp-notes.md 'Okta')", () => {
	it("deactivates with a path-less replace", () => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","value":{"active":false}}]}`,
			),
		);
		expect(out.resource.active).toBe(false);
		expect(out.changed).toBe(true);
	});

	it("reactivates with a path-less replace", () => {
		const out = patched(
			{ ...baseUser(), active: false },
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","value":{"active":true}}]}`,
			),
		);
		expect(out.resource.active).toBe(true);
	});

	it("renames a group, repeating its id in the value", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","value":{"id":"${GROUP_ID}","displayName":"Tour Guides EU"}}]}`,
			),
			GROUP,
		);
		expect(out.resource).toMatchObject({ id: GROUP_ID, displayName: "Tour Guides EU" });
		expect(out.membersAdded).toEqual([]);
	});

	it("sends the unchanged rename again with every membership update: no change", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","value":{"id":"${GROUP_ID}","displayName":"Tour Guides"}}]}`,
			),
			GROUP,
		);
		expect(out.changed).toBe(false);
	});

	it("removes a member with a filter and adds members without type", () => {
		const out = patched(
			baseGroup(),
			operations(`{
				"schemas": ["${MESSAGE_PATCH_OP}"],
				"Operations": [
					{"op": "replace", "value": {"id": "${GROUP_ID}", "displayName": "Tour Guides"}},
					{"op": "remove", "path": "members[value eq \\"u1\\"]"},
					{"op": "add", "path": "members", "value": [{"value": "u3", "display": "Tom Tourist"}]}
				]
			}`),
			GROUP,
		);
		expect(out.membersRemoved).toEqual(["u1"]);
		expect(out.membersAdded).toEqual(["u3"]);
		expect(out.resource.members).toEqual([
			{ value: "u2", display: "Mandy Pepperidge", type: "User" },
			// display is readOnly: the server fills it from the user, so Okta's copy is dropped.
			{ value: "u3" },
		]);
	});

	it("replaces all members in a full sync", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","path":"members","value":[{"value":"u2","display":"Mandy Pepperidge"},{"value":"u4","display":"Ann"}]}]}`,
			),
			GROUP,
		);
		expect(out.membersAdded).toEqual(["u4"]);
		expect(out.membersRemoved).toEqual(["u1"]);
	});

	it('empties the group on "push now" of an empty group', () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","path":"members","value":[]}]}`,
			),
			GROUP,
		);
		expect(out.membersRemoved).toEqual(["u1", "u2"]);
		expect(out.resource).not.toHaveProperty("members");
	});
});

describe("Entra ID default job (docs/idp-notes.md 'Microsoft Entra ID', §3.2)", () => {
	it("replaces the work email through a filtered path", () => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"babs@contoso.com"}]}`,
			),
		);
		expect(out.resource.emails).toEqual([
			{ value: "babs@contoso.com", type: "work", primary: true },
		]);
	});

	it("replaces single attributes one path at a time", () => {
		const out = patched(
			baseUser(),
			operations(`{
				"schemas": ["${MESSAGE_PATCH_OP}"],
				"Operations": [
					{"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
					{"op": "Replace", "path": "userName", "value": "babs@contoso.com"},
					{"op": "Replace", "path": "displayName", "value": "Babs J-S"}
				]
			}`),
		);
		expect(out.resource).toMatchObject({
			userName: "babs@contoso.com",
			displayName: "Babs J-S",
			name: { givenName: "Barbara", familyName: "Jensen-Smith" },
		});
	});

	it("adds a manager as a one-element array with $ref", () => {
		const out = patched(
			baseUser(),
			operations(`{
				"schemas": ["${MESSAGE_PATCH_OP}"],
				"Operations": [{
					"op": "Add",
					"path": "manager",
					"value": [{"$ref": "https://scim.example.com/scim/v2/Users/26118915", "value": "26118915"}]
				}]
			}`),
		);
		expect(out.resource[SCHEMA_ENTERPRISE_USER]).toEqual({
			manager: { $ref: "https://scim.example.com/scim/v2/Users/26118915", value: "26118915" },
		});
	});

	it.each(["False", "false"])('disables with the string "%s"', (value) => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"Replace","path":"active","value":"${value}"}]}`,
			),
		);
		expect(out.resource.active).toBe(false);
	});

	it("disables with a boolean, as the docs show", () => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"Replace","path":"active","value":false}]}`,
			),
		);
		expect(out.resource.active).toBe(false);
	});

	it("renames a group", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"Replace","path":"displayName","value":"Guides"}]}`,
			),
			GROUP,
		);
		expect(out.resource.displayName).toBe("Guides");
	});

	it('adds several members in one operation with "$ref": null', () => {
		const out = patched(
			{ ...baseGroup(), members: [] },
			operations(`{
				"schemas": ["${MESSAGE_PATCH_OP}"],
				"Operations": [{
					"op": "Add",
					"path": "members",
					"value": [{"$ref": null, "value": "u5"}, {"$ref": null, "value": "u6"}]
				}]
			}`),
			GROUP,
		);
		expect(out.resource.members).toEqual([{ value: "u5" }, { value: "u6" }]);
		expect(out.membersAdded).toEqual(["u5", "u6"]);
	});

	it("removes members with a value array and no filter", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u1"}]}]}`,
			),
			GROUP,
		);
		expect(out.membersRemoved).toEqual(["u1"]);
		expect(out.resource.members).toEqual([
			{ value: "u2", display: "Mandy Pepperidge", type: "User" },
		]);
	});

	it("adds a missing home email on Replace of a filter that matches nothing", () => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"Replace","path":"emails[type eq \\"home\\"].value","value":"babs@home.org"}]}`,
			),
		);
		expect(out.resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work", primary: true },
			{ type: "home", value: "babs@home.org" },
		]);
	});
});

describe("Entra ID with ?aadOptscim062020 (docs/idp-notes.md 'Microsoft Entra ID')", () => {
	it("disables with a lowercase op and a boolean", () => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","path":"active","value":false}]}`,
			),
		);
		expect(out.resource.active).toBe(false);
	});

	it("updates several attributes in one path-less replace with dotted and URN keys", () => {
		const out = patched(
			enterpriseUser(),
			operations(`{
				"schemas": ["${MESSAGE_PATCH_OP}"],
				"Operations": [
					{
						"op": "replace",
						"value": {
							"displayName": "Barbara Jensen",
							"name.givenName": "Barbara",
							"name.familyName": "Jensen-Smith",
							"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "800000",
							"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Sales"
						}
					},
					{"op": "replace", "path": "emails[type eq \\"work\\"].value", "value": "barbara@contoso.com"}
				]
			}`),
		);
		expect(out.resource).toMatchObject({
			displayName: "Barbara Jensen",
			name: { givenName: "Barbara", familyName: "Jensen-Smith" },
			emails: [{ value: "barbara@contoso.com", type: "work", primary: true }],
			[SCHEMA_ENTERPRISE_USER]: { employeeNumber: "800000", department: "Sales" },
		});
	});

	it("removes a member with a filter path", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"remove","path":"members[value eq \\"u2\\"]"}]}`,
			),
			GROUP,
		);
		expect(out.membersRemoved).toEqual(["u2"]);
	});

	it("adds members with a lowercase op", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"add","path":"members","value":[{"value":"u7"}]}]}`,
			),
			GROUP,
		);
		expect(out.membersAdded).toEqual(["u7"]);
	});
});

describe("Entra validator quirks (docs/idp-notes.md 'Microsoft Entra ID')", () => {
	it('adds a work email through emails[type eq "work"].value when there is none', () => {
		const user = { ...baseUser(), emails: undefined };
		delete user.emails;
		const out = patched(
			user,
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"add","path":"emails[type eq \\"work\\"].value","value":"v@contoso.com"}]}`,
			),
		);
		expect(out.resource.emails).toEqual([{ type: "work", value: "v@contoso.com" }]);
	});

	it("sends primary as a string", () => {
		const out = patched(
			{ ...baseUser(), emails: [] },
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"add","path":"emails","value":[{"type":"work","value":"v@contoso.com","primary":"True"}]}]}`,
			),
		);
		expect(out.resource.emails).toEqual([{ type: "work", value: "v@contoso.com", primary: true }]);
	});

	it("sends manager as a bare string", () => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m-42"}]}`,
			),
		);
		expect(out.resource[SCHEMA_ENTERPRISE_USER]).toEqual({ manager: { value: "m-42" } });
	});

	it("sends nulls for unpopulated attributes, which change nothing", () => {
		const out = patched(
			baseUser(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"Replace","value":{"title":null,"preferredLanguage":null,"addresses":null,"phoneNumbers":null}}]}`,
			),
		);
		expect(out.changed).toBe(false);
	});
});

describe("JumpCloud (docs/idp-notes.md 'JumpCloud, Rippling, Google Workspace'; member shape reported to match Entra's)", () => {
	it("adds and removes members with value arrays", () => {
		const out = patched(
			baseGroup(),
			operations(`{
				"schemas": ["${MESSAGE_PATCH_OP}"],
				"Operations": [
					{"op": "add", "path": "members", "value": [{"value": "u8"}]},
					{"op": "remove", "path": "members", "value": [{"value": "u1"}]}
				]
			}`),
			GROUP,
		);
		expect(out.membersAdded).toEqual(["u8"]);
		expect(out.membersRemoved).toEqual(["u1"]);
	});

	it("renames a group", () => {
		const out = patched(
			baseGroup(),
			operations(
				`{"schemas":["${MESSAGE_PATCH_OP}"],"Operations":[{"op":"replace","path":"displayName","value":"JC Guides"}]}`,
			),
			GROUP,
		);
		expect(out.resource.displayName).toBe("JC Guides");
	});
});

describe("Okta deactivation carrying its random password (docs/idp-notes.md 'Okta')", () => {
	it("stores everything but the password", () => {
		const out = patched(
			enterpriseUser(),
			[
				{ op: "replace", value: { active: false, password: "Xy9!random" } },
				{ op: "add", path: "title", value: "Guide" },
			],
			USER,
		);
		expect(out.resource).toMatchInlineSnapshot(`
			{
			  "active": false,
			  "displayName": "Babs Jensen",
			  "emails": [
			    {
			      "primary": true,
			      "type": "work",
			      "value": "bjensen@example.com",
			    },
			  ],
			  "externalId": "00u1abcd",
			  "id": "2819c223-7f76-453a-919d-413861904646",
			  "meta": {
			    "created": "2011-08-01T18:29:49.793Z",
			    "lastModified": "2011-08-01T18:29:49.793Z",
			    "resourceType": "User",
			    "version": "W/"1"",
			  },
			  "name": {
			    "familyName": "Jensen",
			    "givenName": "Barbara",
			  },
			  "schemas": [
			    "urn:ietf:params:scim:schemas:core:2.0:User",
			    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
			  ],
			  "title": "Guide",
			  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
			    "department": "Tour Operations",
			    "employeeNumber": "701984",
			  },
			  "userName": "bjensen@example.com",
			}
		`);
	});
});
