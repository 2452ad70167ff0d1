import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, oktaUser, scim, uniqueEmail } from "../helpers";

/**
 * The team object decides a plain deactivation from the row its own writes last left
 * (src/team/user-rows.ts). These tests change the stored row behind its back, as no code path
 * of the product does, and show that a stale copy never answers wrongly: the version guard turns
 * the quick write into a no-op and the write is decided again from what is stored.
 */

type Json = Record<string, unknown>;

const OKTA_DEACTIVATE = {
	schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
	Operations: [{ op: "replace", value: { active: false } }],
};

async function created(token: string, email: string): Promise<Json> {
	const res = await scim(token, "POST", "/Users", oktaUser(email));
	expect(res.status).toBe(201);
	return (await res.json()) as Json;
}

/** Changes the stored user as a write outside the team object would: a new title, version + 1. */
async function changeBehindTheObject(id: string, title: string): Promise<void> {
	await env.DB.prepare(
		"update scim_users set resource = json_set(resource, '$.title', ?), version = version + 1 where id = ?",
	)
		.bind(title, id)
		.run();
}

async function authCheck(teamId: string, email: string) {
	return apiJson<{ allowed: boolean; reason: string }>("POST", "/auth/check", { teamId, email });
}

describe("a plain deactivation decided from the team object's copy of the row", () => {
	it("deactivates right after a create: 200 active false, membership gone, sign-in blocked", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail();
		const user = await created(team.token, email);
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: true });

		const res = await scim(team.token, "PATCH", `/Users/${user.id}`, OKTA_DEACTIVATE);
		expect(res.status).toBe(200);
		const body = (await res.json()) as Json;
		expect(body.active).toBe(false);
		expect(res.headers.get("ETag")).toBe('W/"2"');
		expect(await authCheck(team.teamId, email)).toMatchObject({
			allowed: false,
			reason: "blocked_by_team",
		});
		const row = await env.DB.prepare("select state, active, version from scim_users where id = ?")
			.bind(user.id)
			.first<Json>();
		expect(row).toEqual({ state: "deactivated", active: 0, version: 2 });
	});

	it("keeps a change made behind the object: a stale copy is never written over the stored row", async () => {
		const team = await newScimTeam();
		const user = await created(team.token, uniqueEmail());
		await changeBehindTheObject(String(user.id), "Changed elsewhere");

		const res = await scim(team.token, "PATCH", `/Users/${user.id}`, OKTA_DEACTIVATE);
		expect(res.status).toBe(200);
		const body = (await res.json()) as Json;
		expect(body).toMatchObject({ active: false, title: "Changed elsewhere" });
		expect(res.headers.get("ETag")).toBe('W/"3"');
		const stored = (await (await scim(team.token, "GET", `/Users/${user.id}`)).json()) as Json;
		expect(stored).toMatchObject({ active: false, title: "Changed elsewhere" });
	});

	it("answers a PUT deactivation from the stored row when the copy is stale", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail();
		const user = await created(team.token, email);
		await changeBehindTheObject(String(user.id), "Changed elsewhere");

		// The PUT body is the resource the IdP knows (no title) with active false: a full replace,
		// so the stored title goes, and the answer is version 3 (the stored 2, plus this write).
		const res = await scim(team.token, "PUT", `/Users/${user.id}`, {
			...oktaUser(email),
			active: false,
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("ETag")).toBe('W/"3"');
		const body = (await res.json()) as Json;
		expect(body.active).toBe(false);
		expect(body).not.toHaveProperty("title");
	});

	it("answers 404 to a DELETE of a user deleted behind the object, and deletes nothing else", async () => {
		const team = await newScimTeam();
		const user = await created(team.token, uniqueEmail());
		await env.DB.prepare("delete from scim_user_emails where scim_user_id = ?").bind(user.id).run();
		await env.DB.prepare("delete from scim_users where id = ?").bind(user.id).run();

		const res = await scim(team.token, "DELETE", `/Users/${user.id}`);
		expect(res.status).toBe(404);
		const deletes = await env.DB.prepare(
			"select count(*) as n from provisioning_events where team_id = ? and action = 'user.delete' and outcome = 'success'",
		)
			.bind(team.teamId)
			.first<{ n: number }>();
		expect(deletes?.n).toBe(0);
	});

	it("honours If-Match against the stored version, not the copy", async () => {
		const team = await newScimTeam();
		const user = await created(team.token, uniqueEmail());
		await changeBehindTheObject(String(user.id), "Changed elsewhere");

		const stale = await scim(team.token, "PATCH", `/Users/${user.id}`, OKTA_DEACTIVATE, {
			"If-Match": 'W/"1"',
		});
		expect(stale.status).toBe(412);
		const fresh = await scim(team.token, "PATCH", `/Users/${user.id}`, OKTA_DEACTIVATE, {
			"If-Match": 'W/"2"',
		});
		expect(fresh.status).toBe(200);
	});
});
