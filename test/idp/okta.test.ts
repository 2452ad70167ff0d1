// Replays Okta's OIN SCIM 2.0 user conversation (docs/idp-notes.md "Okta") through the worker.
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, scim } from "../helpers";

const OKTA_HEADERS = {
	"User-Agent": "Okta SCIM Client 1.0.0",
	Accept: "application/scim+json",
	"Accept-Charset": "utf-8",
};

type Json = Record<string, unknown>;

describe("Okta user lifecycle", () => {
	it("test credentials → existence check → create → read → PUT update → PATCH deactivate → reactivate", async () => {
		const team = await newScimTeam("Okta Co");
		const okta = (method: string, path: string, body?: unknown) =>
			scim(team.token, method, path, body, OKTA_HEADERS);

		// Test API credentials (both parameter orders Okta's test files use).
		for (const query of ["startIndex=1&count=2", "count=2&startIndex=1", "count=1"]) {
			const res = await okta("GET", `/Users?${query}`);
			expect(res.status).toBe(200);
			expect(await res.json()).toMatchObject({ totalResults: 0, startIndex: 1, Resources: [] });
		}

		// Existence check before create.
		const check = await okta(
			"GET",
			"/Users?filter=userName%20eq%20%22isaac.brock%40example.com%22&startIndex=1&count=100",
		);
		expect(check.status).toBe(200);
		expect(await check.json()).toMatchObject({ totalResults: 0, Resources: [] });

		// Create, exactly as Okta sends it.
		const createBody = {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "isaac.brock@example.com",
			name: { givenName: "Isaac", familyName: "Brock" },
			emails: [{ primary: true, value: "isaac.brock@example.com", type: "work" }],
			displayName: "Isaac Brock",
			locale: "en-US",
			externalId: "00ujl29u0le5T6Aj10h7",
			groups: [],
			password: "1mz050nq",
			active: true,
		};
		const created = await okta("POST", "/Users", createBody);
		expect(created.status).toBe(201);
		const user = (await created.json()) as Json;
		expect(user).toMatchObject({
			schemas: expect.arrayContaining(["urn:ietf:params:scim:schemas:core:2.0:User"]),
			userName: "isaac.brock@example.com",
			name: { givenName: "Isaac", familyName: "Brock" },
			emails: [{ primary: true, value: "isaac.brock@example.com", type: "work" }],
			displayName: "Isaac Brock",
			locale: "en-US",
			externalId: "00ujl29u0le5T6Aj10h7",
			active: true,
		});
		expect(typeof user.id).toBe("string");
		expect(user).not.toHaveProperty("password");

		// Duplicate create → 409 with the Error schema.
		const duplicate = await okta("POST", "/Users", {
			...createBody,
			externalId: "00uOtherOktaUser",
		});
		expect(duplicate.status).toBe(409);
		expect(await duplicate.json()).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "409",
		});

		// The existence check now finds the user.
		const found = await okta(
			"GET",
			"/Users?filter=userName%20eq%20%22isaac.brock%40example.com%22&startIndex=1&count=100",
		);
		expect(await found.json()).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });

		// Read, then PUT the whole object back with a changed name (Okta's read-modify-write).
		const read = (await (await okta("GET", `/Users/${user.id}`)).json()) as Json;
		const put = await okta("PUT", `/Users/${user.id}`, {
			...read,
			name: { givenName: "Isaac", familyName: "Brock-Smith" },
			password: "new-random-pw",
		});
		expect(put.status).toBe(200);
		expect(await put.json()).toMatchObject({ name: { familyName: "Brock-Smith" }, active: true });

		// Deactivate: path-less replace of active.
		const off = await okta("PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		expect(off.status).toBe(200);
		expect(await off.json()).toMatchObject({ active: false });
		expect(
			await apiJson("POST", "/auth/check", {
				teamId: team.teamId,
				email: "isaac.brock@example.com",
			}),
		).toMatchObject({
			allowed: false,
		});

		// Reactivate.
		const on = await okta("PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: true } }],
		});
		expect(on.status).toBe(200);
		expect(await on.json()).toMatchObject({ active: true });
		expect(
			await apiJson("POST", "/auth/check", {
				teamId: team.teamId,
				email: "isaac.brock@example.com",
			}),
		).toMatchObject({
			allowed: true,
		});

		// AIW apps deactivate with PUT active:false.
		const aiw = await okta("PUT", `/Users/${user.id}`, { ...read, active: false });
		expect(aiw.status).toBe(200);
		expect(await aiw.json()).toMatchObject({ active: false });

		// Import: pages of 100 with integer paging fields.
		const page = (await (await okta("GET", "/Users?startIndex=1&count=100")).json()) as Json;
		expect(page).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
	});
});
