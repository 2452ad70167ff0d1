// Replays Microsoft Entra ID's provisioning conversation for users (docs/idp-notes.md "Microsoft Entra ID") through the worker.
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, scim } from "../helpers";

type Json = Record<string, unknown>;

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("Entra ID user lifecycle (default job)", () => {
	it("test connection → create → PATCH Replace 'False'/'True' → DELETE", async () => {
		const team = await newScimTeam("Entra Co");
		const entra = (method: string, path: string, body?: unknown) =>
			scim(team.token, method, path, body);

		// Test Connection: a random GUID must give 200 and an empty ListResponse, never 404.
		const probe = await entra(
			"GET",
			`/Users?filter=${encodeURIComponent(`userName eq "${crypto.randomUUID()}"`)}`,
		);
		expect(probe.status).toBe(200);
		expect(await probe.json()).toMatchObject({ totalResults: 0, Resources: [] });
		const unquoted = await entra(
			"GET",
			`/Users?filter=${encodeURIComponent("externalId eq jyoung")}`,
		);
		expect(unquoted.status).toBe(200);

		// Create as Entra sends it: enterprise URN, meta, nulls, roles:[], and the mistyped URN.
		const created = await entra("POST", "/Users", {
			schemas: [
				"urn:ietf:params:scim:schemas:core:2.0:User",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0User",
			],
			externalId: "jyoung",
			userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
			active: true,
			emails: [
				{
					primary: true,
					type: "work",
					value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@contoso.com",
				},
			],
			meta: { resourceType: "User" },
			name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
			roles: [],
			displayName: null,
			title: null,
			addresses: null,
			phoneNumbers: null,
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
				department: "Sales",
				employeeNumber: "42",
			},
		});
		expect(created.status).toBe(201);
		const user = (await created.json()) as Json;
		expect(user).toMatchObject({
			externalId: "jyoung",
			active: true,
			meta: { resourceType: "User" },
		});
		expect(user.id).toEqual(expect.any(String));
		expect(user).not.toHaveProperty("displayName");
		expect(user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]).toMatchObject({
			department: "Sales",
		});

		// Get by query on the matching attribute.
		const byExternalId = await entra(
			"GET",
			`/Users?filter=${encodeURIComponent('externalId eq "jyoung"')}`,
		);
		expect(await byExternalId.json()).toMatchObject({
			totalResults: 1,
			Resources: [{ id: user.id }],
		});

		// Single- and multi-valued Replace with capitalised op.
		const update = await entra("PATCH", `/Users/${user.id}`, {
			schemas: [PATCH_OP],
			Operations: [
				{ op: "Replace", path: 'emails[type eq "work"].value', value: "updated@contoso.com" },
				{ op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
			],
		});
		expect(update.status).toBe(200);
		expect(await update.json()).toMatchObject({
			emails: [{ type: "work", value: "updated@contoso.com", primary: true }],
			name: { familyName: "updatedFamilyName" },
		});

		// Disable with the string "False", enable with "True".
		const off = await entra("PATCH", `/Users/${user.id}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
		expect(off.status).toBe(200);
		expect(await off.json()).toMatchObject({ active: false });
		// Inactive users are still returned.
		expect((await entra("GET", `/Users/${user.id}`)).status).toBe(200);
		const on = await entra("PATCH", `/Users/${user.id}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "Replace", path: "active", value: "True" }],
		});
		expect(await on.json()).toMatchObject({ active: true });
		const members = await apiJson<{ members: unknown[] }>("GET", `/teams/${team.teamId}/members`);
		expect(members.members).toHaveLength(1);

		// Hard delete.
		const deleted = await entra("DELETE", `/Users/${user.id}`);
		expect(deleted.status).toBe(204);
		expect((await entra("GET", `/Users/${user.id}`)).status).toBe(404);
	});

	it("accepts the compliance-flag job's path-less replace with dotted and URN keys", async () => {
		const team = await newScimTeam("Entra Flag");
		const user = (await (
			await scim(team.token, "POST", "/Users", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
				userName: "flag@contoso.com",
				emails: [{ primary: true, type: "work", value: "flag@contoso.com" }],
				name: { givenName: "Old", familyName: "Name" },
				active: true,
			})
		).json()) as Json;
		const res = await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: [PATCH_OP],
			Operations: [
				{
					op: "replace",
					value: {
						displayName: "New Name",
						"name.givenName": "New",
						"name.familyName": "Name",
						"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "1234",
					},
				},
				{ op: "replace", path: "active", value: false },
			],
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			displayName: "New Name",
			name: { givenName: "New", familyName: "Name" },
			active: false,
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { employeeNumber: "1234" },
		});
	});
});
