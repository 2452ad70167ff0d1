// Issue 10: Microsoft's SCIM validator sends `/scim/v2/users`; resource endpoint names match in
// any case under /scim/v2, ids keep theirs, and authentication is the same (RFC 7644 §3.2).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newScimTeam, ORIGIN, oktaUser, scim, uniqueEmail } from "../helpers";

type Json = Record<string, unknown>;

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

function get(token: string | null, path: string): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}/scim/v2${path}`, {
		headers: token === null ? {} : { Authorization: `Bearer ${token}` },
	});
}

describe("SCIM endpoint names in any case", () => {
	it("serves /users, /USERS/{id} and /Users/.SEARCH as the canonical endpoints", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("case");
		const created = await scim(team.token, "POST", "/users", oktaUser(email));
		expect(created.status, await created.clone().text()).toBe(201);
		const user = (await created.json()) as Json;
		expect(created.headers.get("Location")).toBe(`${ORIGIN}/scim/v2/Users/${user.id}`);

		const list = await get(team.token, `/users?filter=userName eq "${email}"`);
		expect(list.status).toBe(200);
		expect(((await list.json()) as Json).totalResults).toBe(1);

		const one = await get(team.token, `/USERS/${user.id}`);
		expect(one.status).toBe(200);
		expect(((await one.json()) as Json).id).toBe(user.id);

		const search = await scim(team.token, "POST", "/uSeRs/.SEARCH", {
			schemas: [SEARCH],
			filter: `userName eq "${email}"`,
		});
		expect(search.status).toBe(200);
		expect(((await search.json()) as Json).totalResults).toBe(1);
	});

	it("serves the discovery endpoints, /groups, /bulk, /.search and /me in lower case", async () => {
		const team = await newScimTeam();
		for (const path of ["/schemas", "/resourcetypes", "/serviceproviderconfig", "/groups"]) {
			const res = await get(team.token, path);
			expect(res.status, path).toBe(200);
		}
		const bulk = await scim(team.token, "POST", "/bulk", {
			schemas: [BULK_REQUEST],
			Operations: [
				{
					method: "POST",
					path: "/Users",
					bulkId: "b",
					data: { schemas: [USER], userName: uniqueEmail("bulk-case") },
				},
			],
		});
		expect(bulk.status).toBe(200);
		const search = await scim(team.token, "POST", "/.Search", { schemas: [SEARCH] });
		expect(search.status).toBe(200);
		expect((await get(team.token, "/me")).status).toBe(501);
	});

	it("asks for a key on every spelling, as on the canonical one", async () => {
		for (const path of ["/users", "/GROUPS", "/schemas", "/Bulk", "/.SEARCH", "/me"]) {
			const res = await get(null, path);
			expect(res.status, path).toBe(401);
		}
		const other = await newScimTeam();
		const bad = await get(`${other.token}x`, "/users");
		expect(bad.status).toBe(401);
	});

	it("keeps ids case-sensitive", async () => {
		const team = await newScimTeam();
		const created = await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("id-case")));
		const user = (await created.json()) as Json;
		const res = await get(team.token, `/users/${String(user.id).toUpperCase()}`);
		expect(res.status).toBe(404);
	});
});
