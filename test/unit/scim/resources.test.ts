import { describe, expect, it } from "vitest";
import { versionTag } from "../../../src/scim/etag";
import { groupResource, type StoredResource, userResource } from "../../../src/scim/resources";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from "../../../src/scim/schemas/urns";

const BASE_URL = "https://scim.example.com/scim/v2";

function stored(resource: Record<string, unknown>): StoredResource {
	return {
		id: "2819c223-7f76-453a-919d-413861904646",
		resource,
		created: new Date("2024-05-01T10:00:00.000Z"),
		lastModified: "2024-05-02T11:30:00.000Z",
		version: 3,
	};
}

describe("userResource", () => {
	it("builds the full User with the enterprise extension, id and meta", () => {
		const user = userResource(
			stored({
				userName: "bjensen@example.com",
				externalId: "00ujl29u0le5T6Aj10h7",
				name: { givenName: "Barbara", familyName: "Jensen" },
				active: true,
				emails: [{ value: "bjensen@example.com", type: "work", primary: true }],
				[SCHEMA_ENTERPRISE_USER]: { department: "Sales", manager: { value: "26118915" } },
			}),
			{ baseUrl: BASE_URL },
		);
		expect(user).toMatchInlineSnapshot(`
			{
			  "active": true,
			  "emails": [
			    {
			      "primary": true,
			      "type": "work",
			      "value": "bjensen@example.com",
			    },
			  ],
			  "externalId": "00ujl29u0le5T6Aj10h7",
			  "id": "2819c223-7f76-453a-919d-413861904646",
			  "meta": {
			    "created": "2024-05-01T10:00:00.000Z",
			    "lastModified": "2024-05-02T11:30:00.000Z",
			    "location": "https://scim.example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646",
			    "resourceType": "User",
			    "version": "W/"3"",
			  },
			  "name": {
			    "familyName": "Jensen",
			    "givenName": "Barbara",
			  },
			  "schemas": [
			    "urn:ietf:params:scim:schemas:core:2.0:User",
			    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
			  ],
			  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
			    "department": "Sales",
			    "manager": {
			      "value": "26118915",
			    },
			  },
			  "userName": "bjensen@example.com",
			}
		`);
		expect(Object.keys(user)[0]).toBe("schemas");
		expect(Object.keys(user).at(-1)).toBe("meta");
	});

	it.each([
		["no extension", {}],
		["an empty extension", { [SCHEMA_ENTERPRISE_USER]: {} }],
		["an extension of nulls", { [SCHEMA_ENTERPRISE_USER]: { department: null, manager: null } }],
	])("lists only the core schema for %s", (_case, extra) => {
		const user = userResource(stored({ userName: "a", ...extra }), { baseUrl: BASE_URL });
		expect(user.schemas).toEqual([SCHEMA_USER]);
		expect(user).not.toHaveProperty(SCHEMA_ENTERPRISE_USER);
	});

	it("never includes the password, nulls, empty arrays or stray server fields", () => {
		const user = userResource(
			stored({
				userName: "a",
				password: "1mz050nq",
				title: null,
				roles: [],
				phoneNumbers: [null],
				id: "spoofed",
				meta: { resourceType: "Group" },
				schemas: ["x"],
				notAnAttribute: 1,
			}),
			{ baseUrl: BASE_URL },
		);
		expect(Object.keys(user)).toEqual(["schemas", "id", "userName", "meta"]);
		expect(user.id).toBe("2819c223-7f76-453a-919d-413861904646");
	});

	it("gives each group of the user a $ref", () => {
		const user = userResource(
			stored({ userName: "a", groups: [{ value: "g1", display: "Eng" }] }),
			{
				baseUrl: BASE_URL,
			},
		);
		expect(user.groups).toEqual([{ value: "g1", $ref: `${BASE_URL}/Groups/g1`, display: "Eng" }]);
	});
});

describe("groupResource", () => {
	it("builds the full Group with member $refs to their Users", () => {
		const group = groupResource(
			stored({
				displayName: "Engineering",
				externalId: "eng",
				members: [{ value: "u1", display: "Babs" }, { value: "u2" }],
			}),
			{ baseUrl: BASE_URL },
		);
		expect(group).toEqual({
			schemas: [SCHEMA_GROUP],
			id: "2819c223-7f76-453a-919d-413861904646",
			externalId: "eng",
			displayName: "Engineering",
			members: [
				{ value: "u1", $ref: `${BASE_URL}/Users/u1`, display: "Babs" },
				{ value: "u2", $ref: `${BASE_URL}/Users/u2` },
			],
			meta: {
				resourceType: "Group",
				created: "2024-05-01T10:00:00.000Z",
				lastModified: "2024-05-02T11:30:00.000Z",
				location: `${BASE_URL}/Groups/2819c223-7f76-453a-919d-413861904646`,
				version: 'W/"3"',
			},
		});
	});

	it("omits members when the group has none", () => {
		const group = groupResource(stored({ displayName: "Empty", members: [] }), {
			baseUrl: BASE_URL,
		});
		expect(group).not.toHaveProperty("members");
	});
});

describe("versionTag", () => {
	it.each([
		[1, 'W/"1"'],
		["abc", 'W/"abc"'],
	])("versionTag(%j) is %s", (version, expected) => {
		expect(versionTag(version)).toBe(expected);
	});
});
