import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, oktaUser, scim, uniqueEmail } from "../helpers";

type Json = Record<string, unknown>;

async function createUser(token: string, body: Json): Promise<Json> {
	const res = await scim(token, "POST", "/Users", body);
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as Json;
}

async function authCheck(teamId: string, email: string) {
	return apiJson<{ allowed: boolean; reason: string; role?: string }>("POST", "/auth/check", {
		teamId,
		email,
	});
}

async function memberEmails(teamId: string): Promise<string[]> {
	const { members } = await apiJson<{ members: { email: string; role: string }[] }>(
		"GET",
		`/teams/${teamId}/members`,
	);
	return members.map((m) => m.email);
}

function deactivate(token: string, id: string, value: unknown = false) {
	return scim(token, "PATCH", `/Users/${id}`, {
		schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		Operations: [{ op: "replace", value: { active: value } }],
	});
}

describe("POST /Users (product rules)", () => {
	it("creates an account and an active developer membership for a new email", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("ada");
		const res = await scim(team.token, "POST", "/Users", oktaUser(email));
		expect(res.status).toBe(201);
		expect(res.headers.get("Content-Type")).toContain("application/scim+json");
		const user = (await res.json()) as Json;
		expect(res.headers.get("Location")).toBe(`https://scim.example.test/scim/v2/Users/${user.id}`);
		expect(res.headers.get("ETag")).toBe('W/"1"');
		expect(user).toMatchObject({
			userName: email,
			active: true,
			name: { givenName: "Ada", familyName: "Lovelace" },
			meta: { resourceType: "User", version: 'W/"1"' },
		});
		expect(user).not.toHaveProperty("password");
		const { members } = await apiJson<{ members: { email: string; role: string }[] }>(
			"GET",
			`/teams/${team.teamId}/members`,
		);
		expect(members).toEqual([expect.objectContaining({ email, role: "developer" })]);
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: true, reason: "member" });
	});

	it("never stores Okta's password", async () => {
		const team = await newScimTeam();
		const body = oktaUser(uniqueEmail());
		const user = await createUser(team.token, body);
		const row = await env.DB.prepare("select resource from scim_users where id = ?")
			.bind(user.id)
			.first<{ resource: string }>();
		expect(row?.resource).not.toContain(body.password);
		const fetched = (await (await scim(team.token, "GET", `/Users/${user.id}`)).json()) as Json;
		expect(fetched).not.toHaveProperty("password");
	});

	it("invites an account that exists outside the team instead of adding it", async () => {
		const other = await newScimTeam("Other");
		const email = uniqueEmail("grace");
		await createUser(other.token, oktaUser(email, "Grace", "Hopper"));

		const team = await newScimTeam();
		const user = await createUser(team.token, oktaUser(email, "Grace", "Hopper"));
		expect(user.active).toBe(true);
		expect(await memberEmails(team.teamId)).toEqual([]);
		const { invites } = await apiJson<{ invites: { email: string; status: string }[] }>(
			"GET",
			`/teams/${team.teamId}/invites`,
		);
		expect(invites).toEqual([expect.objectContaining({ email, status: "pending" })]);
		const outbox = await env.DB.prepare("select * from email_outbox where team_id = ?")
			.bind(team.teamId)
			.all<Json>();
		expect(outbox.results).toHaveLength(1);
		expect(outbox.results[0]?.to_email).toBe(email);
		// The team object's alarm may already have settled the email (in local dev it counts as
		// sent at once), and a settled email no longer keeps its link (invites-outbox.test.ts).
		const row = outbox.results[0];
		if (row?.status === "pending") {
			expect(row.body).toMatch(/https:\/\/scim\.example\.test\/invites\/[A-Za-z0-9_-]{43}/);
		} else {
			expect(row?.status).toBe("delivered");
		}
		expect(await authCheck(team.teamId, email)).toMatchObject({
			allowed: false,
			reason: "not_a_member",
		});
	});

	it("links an account that is already a member without inviting it", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("admin");
		await apiJson("POST", `/teams/${team.teamId}/admins`, { email }, 201);
		await createUser(team.token, oktaUser(email));
		const { members } = await apiJson<{ members: { email: string; role: string }[] }>(
			"GET",
			`/teams/${team.teamId}/members`,
		);
		expect(members).toEqual([expect.objectContaining({ email, role: "admin" })]);
		const { invites } = await apiJson<{ invites: unknown[] }>(
			"GET",
			`/teams/${team.teamId}/invites`,
		);
		expect(invites).toEqual([]);
	});

	it("answers 409 uniqueness when userName differs only in case", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("case");
		await createUser(team.token, oktaUser(email));
		const res = await scim(team.token, "POST", "/Users", oktaUser(email.toUpperCase()));
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ status: "409", scimType: "uniqueness" });
	});

	// Regression: the 409 said only "A unique value is already in use." SQLite names a composite
	// index's columns in its error, and only the first (team_id) was read. Okta retries a failing
	// create forever, so the detail must say what to fix.
	it("answers 409 uniqueness naming the email for a second userName with an email already provisioned", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("dup");
		await createUser(team.token, oktaUser(email));
		const res = await scim(team.token, "POST", "/Users", {
			...oktaUser(email.toUpperCase()),
			userName: "another-name",
		});
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({
			scimType: "uniqueness",
			detail: "Another user of this team is already provisioned with that email.",
		});
	});

	// Okta's required conformance test: a create that repeats an earlier one word for word is a
	// duplicate; IdPs recover a lost answer by searching for the userName, not by a second 201.
	it("answers 409 uniqueness to a create that repeats an earlier create's body, and to a different person", async () => {
		const team = await newScimTeam();
		const body = oktaUser(uniqueEmail("retry"));
		const first = await createUser(team.token, body);
		const retry = await scim(team.token, "POST", "/Users", body);
		expect(retry.status).toBe(409);
		expect(await retry.json()).toMatchObject({ scimType: "uniqueness" });
		const found = (await (
			await scim(
				team.token,
				"GET",
				`/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`,
			)
		).json()) as Json;
		expect(found).toMatchObject({ totalResults: 1, Resources: [{ id: first.id }] });
		const impostor = await scim(team.token, "POST", "/Users", {
			...body,
			externalId: "00uSomeoneElse",
		});
		expect(impostor.status).toBe(409);
	});

	it.each([
		["malformed JSON", '{"userName": ', "invalidSyntax"],
		["an array body", "[]", "invalidSyntax"],
		[
			"a missing userName",
			JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"] }),
			"invalidValue",
		],
		[
			"active that is not a boolean",
			JSON.stringify({ ...oktaUser("x@example.com"), active: "maybe" }),
			"invalidValue",
		],
	])("answers 400 SCIM error for %s", async (_case, body, scimType) => {
		const team = await newScimTeam();
		const res = await scim(team.token, "POST", "/Users", body);
		expect(res.status).toBe(400);
		expect(res.headers.get("Content-Type")).toContain("application/scim+json");
		expect(await res.json()).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "400",
			scimType,
		});
	});
});

describe("user lifecycle", () => {
	it("deactivates: removes the membership, blocks sign-in, keeps the account; reactivates: back in", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("cycle");
		const user = await createUser(team.token, oktaUser(email));

		const off = await deactivate(team.token, String(user.id));
		expect(off.status).toBe(200);
		expect(await off.json()).toMatchObject({ id: user.id, active: false });
		expect(await memberEmails(team.teamId)).toEqual([]);
		expect(await authCheck(team.teamId, email)).toMatchObject({
			allowed: false,
			reason: "blocked_by_team",
		});
		const got = await scim(team.token, "GET", `/Users/${user.id}`);
		expect(got.status).toBe(200);
		expect(await got.json()).toMatchObject({ active: false });

		const on = await deactivate(team.token, String(user.id), true);
		expect(on.status).toBe(200);
		expect(await memberEmails(team.teamId)).toEqual([email]);
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: true });
	});

	it("revokes the pending invite on deactivation and re-invites on reactivation", async () => {
		const other = await newScimTeam("Other");
		const email = uniqueEmail("inv");
		await createUser(other.token, oktaUser(email));
		const team = await newScimTeam();
		const user = await createUser(team.token, oktaUser(email));
		await deactivate(team.token, String(user.id));
		let { invites } = await apiJson<{ invites: { status: string }[] }>(
			"GET",
			`/teams/${team.teamId}/invites`,
		);
		expect(invites.map((i) => i.status)).toEqual(["revoked"]);
		await deactivate(team.token, String(user.id), true);
		({ invites } = await apiJson<{ invites: { status: string }[] }>(
			"GET",
			`/teams/${team.teamId}/invites`,
		));
		expect(invites.map((i) => i.status).sort()).toEqual(["pending", "revoked"]);
		expect(await memberEmails(team.teamId)).toEqual([]);
	});

	it("flows name changes into the account", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("name");
		const user = await createUser(team.token, oktaUser(email));
		const res = await scim(team.token, "PUT", `/Users/${user.id}`, {
			...oktaUser(email, "Augusta", "King"),
			externalId: user.externalId,
		});
		expect(res.status).toBe(200);
		const { members } = await apiJson<{ members: { givenName: string; familyName: string }[] }>(
			"GET",
			`/teams/${team.teamId}/members`,
		);
		expect(members[0]).toMatchObject({ givenName: "Augusta", familyName: "King" });
	});

	it("keeps a deactivated user deactivated when a PUT leaves out active", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("put");
		const user = await createUser(team.token, oktaUser(email));
		await deactivate(team.token, String(user.id));
		const { active: _dropped, ...withoutActive } = oktaUser(email, "New", "Name");
		const res = await scim(team.token, "PUT", `/Users/${user.id}`, withoutActive);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ active: false, name: { givenName: "New" } });
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: false });
	});

	it("DELETE deactivates and detaches: 204, then 404, the account kept and blocked", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("del");
		const user = await createUser(team.token, oktaUser(email));
		expect((await scim(team.token, "DELETE", `/Users/${user.id}`)).status).toBe(204);
		const gone = await scim(team.token, "GET", `/Users/${user.id}`);
		expect(gone.status).toBe(404);
		expect(await gone.json()).toMatchObject({ status: "404" });
		expect(await authCheck(team.teamId, email)).toMatchObject({
			allowed: false,
			reason: "blocked_by_team",
		});
		const account = await env.DB.prepare("select id from accounts where email = ?")
			.bind(email)
			.first();
		expect(account).not.toBeNull();
		expect((await scim(team.token, "DELETE", `/Users/${user.id}`)).status).toBe(404);
	});

	it("lets a deleted user be provisioned again with the same userName", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("again");
		const user = await createUser(team.token, oktaUser(email));
		await scim(team.token, "DELETE", `/Users/${user.id}`);
		const again = await createUser(team.token, oktaUser(email));
		expect(again.id).not.toBe(user.id);
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: true });
	});
});

describe("GET /Users", () => {
	it("filters by userName, externalId, id and emails.value, combined with and", async () => {
		const team = await newScimTeam();
		const a = await createUser(team.token, oktaUser(uniqueEmail("a")));
		await createUser(team.token, oktaUser(uniqueEmail("b")));
		const emailA = (a.emails as { value: string }[])[0]?.value ?? "";
		for (const filter of [
			`userName eq "${String(a.userName).toUpperCase()}"`,
			`externalId eq "${a.externalId}"`,
			`id eq "${a.id}"`,
			`emails.value eq "${emailA}"`,
			`emails[type eq "work"].value eq "${emailA}"`,
			`userName eq "${a.userName}" and externalId eq "${a.externalId}"`,
		]) {
			const res = await scim(team.token, "GET", `/Users?filter=${encodeURIComponent(filter)}`);
			expect(res.status, filter).toBe(200);
			const list = (await res.json()) as { totalResults: number; Resources: Json[] };
			expect(list.totalResults, filter).toBe(1);
			expect(list.Resources[0]?.id, filter).toBe(a.id);
		}
	});

	it("matches externalId exactly (case-sensitive)", async () => {
		const team = await newScimTeam();
		const a = await createUser(team.token, oktaUser(uniqueEmail("x")));
		const res = await scim(
			team.token,
			"GET",
			`/Users?filter=${encodeURIComponent(`externalId eq "${String(a.externalId).toUpperCase()}"`)}`,
		);
		expect(((await res.json()) as { totalResults: number }).totalResults).toBe(0);
	});

	it("answers a filter that matches nothing with 200 and an empty ListResponse", async () => {
		const team = await newScimTeam();
		const res = await scim(
			team.token,
			"GET",
			`/Users?filter=${encodeURIComponent(`userName eq "${crypto.randomUUID()}"`)}`,
		);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
			totalResults: 0,
			itemsPerPage: 0,
			startIndex: 1,
			Resources: [],
		});
	});

	it("answers 400 invalidFilter for a bad filter", async () => {
		const team = await newScimTeam();
		for (const filter of [
			"userName eq",
			'nosuchattr eq "x"',
			'userName zz "x"',
			'(userName eq "x"',
		]) {
			const res = await scim(team.token, "GET", `/Users?filter=${encodeURIComponent(filter)}`);
			expect(res.status, filter).toBe(400);
			expect(await res.json(), filter).toMatchObject({ status: "400", scimType: "invalidFilter" });
		}
	});

	it("pages in a stable order with integer paging fields", async () => {
		const team = await newScimTeam();
		const ids: unknown[] = [];
		for (let i = 0; i < 5; i++) {
			ids.push((await createUser(team.token, oktaUser(uniqueEmail(`p${i}`)))).id);
		}
		const seen: unknown[] = [];
		for (let start = 1; start <= 5; start += 2) {
			const res = await scim(team.token, "GET", `/Users?startIndex=${start}&count=2`);
			const page = (await res.json()) as {
				totalResults: number;
				startIndex: number;
				itemsPerPage: number;
				Resources: Json[];
			};
			expect(page).toMatchObject({ totalResults: 5, startIndex: start });
			expect(Number.isInteger(page.itemsPerPage)).toBe(true);
			seen.push(...page.Resources.map((r) => r.id));
		}
		expect(seen).toEqual(ids);
	});
});

describe("tenant isolation", () => {
	it("never shows or changes team A's users with team B's key", async () => {
		const a = await newScimTeam("A");
		const b = await newScimTeam("B");
		const user = await createUser(a.token, oktaUser(uniqueEmail("iso")));
		expect((await scim(b.token, "GET", `/Users/${user.id}`)).status).toBe(404);
		const list = (await (await scim(b.token, "GET", "/Users")).json()) as { totalResults: number };
		expect(list.totalResults).toBe(0);
		const filtered = await scim(
			b.token,
			"GET",
			`/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`,
		);
		expect(((await filtered.json()) as { totalResults: number }).totalResults).toBe(0);
		expect((await deactivate(b.token, String(user.id))).status).toBe(404);
		expect(
			(await scim(b.token, "PUT", `/Users/${user.id}`, oktaUser(String(user.userName)))).status,
		).toBe(404);
		expect((await scim(b.token, "DELETE", `/Users/${user.id}`)).status).toBe(404);
		expect(await authCheck(a.teamId, String(user.userName))).toMatchObject({ allowed: true });
	});
});

describe("concurrency: uniqueness holds under concurrent writes (the single writer itself: races.test.ts)", () => {
	it("20 concurrent POSTs of one userName give one 201, nineteen 409 and one row", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("race");
		const responses = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				scim(team.token, "POST", "/Users", { ...oktaUser(email), externalId: `00u-race-${i}` }),
			),
		);
		const statuses = responses.map((r) => r.status).sort();
		expect(statuses.filter((s) => s === 201)).toHaveLength(1);
		expect(statuses.filter((s) => s === 409)).toHaveLength(19);
		const rows = await env.DB.prepare("select count(*) as n from scim_users where team_id = ?")
			.bind(team.teamId)
			.first<{ n: number }>();
		expect(rows?.n).toBe(1);
	});

	it("concurrent deactivate/reactivate ends in a state that matches the user's active flag", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("flip");
		const user = await createUser(team.token, oktaUser(email));
		await Promise.all(
			Array.from({ length: 10 }, (_, i) => deactivate(team.token, String(user.id), i % 2 === 1)),
		);
		const final = (await (await scim(team.token, "GET", `/Users/${user.id}`)).json()) as Json;
		const members = await memberEmails(team.teamId);
		const check = await authCheck(team.teamId, email);
		if (final.active) {
			expect(members).toEqual([email]);
			expect(check.allowed).toBe(true);
		} else {
			expect(members).toEqual([]);
			expect(check).toMatchObject({ allowed: false, reason: "blocked_by_team" });
		}
		expect(final.meta).toMatchObject({ version: expect.stringMatching(/^W\/"\d+"$/) });
	});
});

describe("unknown routes", () => {
	it("answer a SCIM 404", async () => {
		const team = await newScimTeam();
		const res = await scim(team.token, "GET", "/Nope");
		expect(res.status).toBe(404);
		expect(res.headers.get("Content-Type")).toContain("application/scim+json");
		expect(await res.json()).toMatchObject({ status: "404" });
	});
});

describe("provisioning log", () => {
	it("records who did what to whom, with the answered status and outcome", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("log");
		const user = await createUser(team.token, oktaUser(email));
		await deactivate(team.token, String(user.id));
		expect(
			(await scim(team.token, "POST", "/Users", { ...oktaUser(email), externalId: "other" }))
				.status,
		).toBe(409);
		await scim(team.token, "DELETE", `/Users/${user.id}`);
		const { results } = await env.DB.prepare(
			"select action, actor_type, actor_id, target_label, outcome, status, changes from provisioning_events where team_id = ? and target_type = 'User' order by id",
		)
			.bind(team.teamId)
			.all<Record<string, unknown>>();
		expect(results.map((e) => [e.action, e.outcome, e.status])).toEqual([
			["user.create", "success", 201],
			["user.patch", "success", 200],
			["user.create", "failure", 409],
			["user.delete", "success", 204],
		]);
		for (const event of results) {
			expect(event).toMatchObject({
				actor_type: "scim_key",
				actor_id: team.keyId,
				target_label: email,
			});
		}
		expect(JSON.parse(String(results[1]?.changes))).toEqual([
			{ attribute: "active", before: "true", after: "false" },
		]);
	});
});

describe("/Me", () => {
	it("answers 501 with a SCIM error: a key is an identity provider, not a person", async () => {
		const team = await newScimTeam();
		for (const path of ["/Me", "/Me/x"]) {
			const res = await scim(team.token, "GET", path);
			expect(res.status, path).toBe(501);
			expect(await res.json()).toMatchObject({ status: "501" });
		}
		expect((await scim(null, "GET", "/Me")).status).toBe(401);
	});
});
