import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import { latestInviteLink } from "../../src/db/invites";
import { teamStub } from "../../src/team/stub";
import { apiJson, newScimTeam, ORIGIN, oktaUser, scim, uniqueEmail } from "../helpers";
import {
	ADMIN,
	invitedUser,
	invitePage,
	inviteRows,
	latestToken,
	outboxRows,
} from "../invite-helpers";

type Json = Record<string, unknown>;

afterEach(() => {
	vi.restoreAllMocks();
});

async function authCheck(teamId: string, email: string) {
	return apiJson<{ allowed: boolean; reason: string; role?: string }>("POST", "/auth/check", {
		teamId,
		email,
	});
}

async function members(teamId: string) {
	const { members } = await apiJson<{ members: { email: string; role: string }[] }>(
		"GET",
		`/teams/${teamId}/members`,
	);
	return members;
}

function setActive(token: string, id: string, active: boolean) {
	return scim(token, "PATCH", `/Users/${id}`, {
		schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		Operations: [{ op: "replace", value: { active } }],
	});
}

describe("GET /invites/:token", () => {
	it("shows the team name and an accept form, with strict security headers", async () => {
		const { email, token } = await invitedUser("Analytical Engines");
		const res = await invitePage(token);
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toContain("text/html");
		const csp = res.headers.get("Content-Security-Policy") ?? "";
		expect(csp).toContain("default-src 'none'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("form-action 'self'");
		expect(csp).not.toContain("script-src");
		expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
		expect(res.headers.get("X-Frame-Options")).toBe("DENY");
		expect(res.headers.get("Cache-Control")).toBe("no-store");
		const html = await res.text();
		expect(html).toMatch(/^<!doctype html>/);
		expect(html).toContain("Analytical Engines");
		expect(html).toContain(email);
		expect(html).toContain('<form method="post">');
		expect(html).not.toContain("<script");
		// The expiry is written for people ("1 December 2026 at 19:17 UTC"), not as an ISO string.
		expect(html).toMatch(/works until \d{1,2} \w+ \d{4} at \d{2}:\d{2} UTC/);
	});

	it("escapes the team name", async () => {
		const { token } = await invitedUser("<script>alert(1)</script>");
		const html = await (await invitePage(token)).text();
		expect(html).not.toContain("<script>");
		expect(html).toContain("&lt;script&gt;");
	});

	it("answers an unknown or malformed token with a 404 HTML page, never SCIM JSON", async () => {
		for (const path of ["A".repeat(43), "short", "x/y"]) {
			const res = await invitePage(path);
			expect(res.status, path).toBe(404);
			expect(res.headers.get("Content-Type"), path).toContain("text/html");
			expect(await res.text(), path).toMatch(/not found/i);
		}
	});

	it("links expire after INVITE_TTL_HOURS (168 hours by default)", async () => {
		const { invite } = await invitedUser();
		expect(Date.parse(invite.expires_at) - Date.parse(invite.created_at)).toBe(168 * 3600 * 1000);
	});
});

describe("POST /invites/:token (accept)", () => {
	it("joins the team as developer and activates the SCIM user", async () => {
		const { team, email, userId, token } = await invitedUser("Acme");
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: false });

		const res = await invitePage(token, "POST");
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("You joined Acme");

		expect(await members(team.teamId)).toEqual([
			expect.objectContaining({ email, role: "developer" }),
		]);
		expect(await authCheck(team.teamId, email)).toMatchObject({
			allowed: true,
			role: "developer",
		});
		const user = await scim(team.token, "GET", `/Users/${userId}`);
		expect(user.status).toBe(200);
		expect(await user.json()).toMatchObject({ id: userId, active: true });
		const row = await env.DB.prepare("select state, joined_at from scim_users where id = ?")
			.bind(userId)
			.first<{ state: string; joined_at: string | null }>();
		expect(row?.state).toBe("active");
		expect(row?.joined_at).not.toBeNull();
		const [invite] = await inviteRows(team.teamId);
		expect(invite).toMatchObject({ status: "accepted" });
		expect(invite?.accepted_at).not.toBeNull();
		const { invites } = await apiJson<{ invites: Json[] }>("GET", `/teams/${team.teamId}/invites`);
		expect(invites).toEqual([expect.objectContaining({ status: "accepted" })]);
		const event = await env.DB.prepare(
			"select actor_type, target_id from provisioning_events where team_id = ? and action = 'invite.accept'",
		)
			.bind(team.teamId)
			.first<Json>();
		expect(event).toEqual({ actor_type: "invitee", target_id: userId });
	});

	it("shows a clear 'already used' page on a second accept", async () => {
		const { team, token } = await invitedUser("Acme");
		expect((await invitePage(token, "POST")).status).toBe(200);
		for (const method of ["POST", "GET"] as const) {
			const again = await invitePage(token, method);
			expect(again.status, method).toBe(410);
			const html = await again.text();
			expect(html).toContain("already used");
			expect(html).toContain("Acme");
			expect(html).not.toContain("<form");
		}
		expect(await members(team.teamId)).toHaveLength(1);
	});

	it("refuses an expired invite and does not join", async () => {
		const { team, email, token, invite } = await invitedUser("Acme");
		await env.DB.prepare("update invites set expires_at = ? where id = ?")
			.bind(new Date(Date.now() - 1000).toISOString(), invite.id)
			.run();
		const page = await invitePage(token);
		expect(page.status).toBe(410);
		expect(await page.text()).toContain("expired");
		const accept = await invitePage(token, "POST");
		expect(accept.status).toBe(410);
		expect(await accept.text()).toContain("expired");
		expect(await members(team.teamId)).toEqual([]);
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: false });
	});

	it("refuses an invite revoked by deactivating the SCIM user", async () => {
		const { team, email, userId, token } = await invitedUser("Acme");
		expect((await setActive(team.token, userId, false)).status).toBe(200);
		const [invite] = await inviteRows(team.teamId);
		expect(invite?.status).toBe("revoked");
		const page = await invitePage(token);
		expect(page.status).toBe(410);
		expect(await page.text()).toContain("no longer valid");
		expect((await invitePage(token, "POST")).status).toBe(410);
		expect(await members(team.teamId)).toEqual([]);
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: false });
	});

	it("refuses an invite revoked by deleting the SCIM user", async () => {
		const { team, userId, token } = await invitedUser("Acme");
		expect((await scim(team.token, "DELETE", `/Users/${userId}`)).status).toBe(204);
		expect((await invitePage(token, "POST")).status).toBe(410);
		expect(await members(team.teamId)).toEqual([]);
	});

	it("refuses an invite revoked by an admin (revokeInvite)", async () => {
		const { team, token, invite } = await invitedUser("Acme");
		const revoked = await teamStub(env, team.teamId).revokeInvite(invite.id, ADMIN);
		expect(revoked).toMatchObject({ ok: true, value: { id: invite.id, status: "revoked" } });
		expect((await invitePage(token)).status).toBe(410);
		expect((await invitePage(token, "POST")).status).toBe(410);
		expect(await members(team.teamId)).toEqual([]);
		const again = await teamStub(env, team.teamId).revokeInvite(invite.id, ADMIN);
		expect(again).toMatchObject({ ok: true, value: { status: "revoked" } });
		const missing = await teamStub(env, team.teamId).revokeInvite("nope", ADMIN);
		expect(missing).toMatchObject({ ok: false, error: { status: 404 } });
	});

	it("rejects a cross-site form post (CSRF) with an HTML 403 and does not join", async () => {
		const { team, token } = await invitedUser("Acme");
		const res = await invitePage(token, "POST", { Origin: "https://evil.example" });
		expect(res.status).toBe(403);
		expect(res.headers.get("Content-Type")).toContain("text/html");
		expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
		expect(await res.text()).toContain("another site");
		expect(await members(team.teamId)).toEqual([]);
	});

	it("removes the team's block on the account when the invite is accepted", async () => {
		const { team, email, userId } = await invitedUser("Acme");
		// Deactivate (blocks the account), reactivate (unblocks and re-invites), then block again
		// by hand as a stale block would be: accepting must clear it.
		expect((await setActive(team.token, userId, false)).status).toBe(200);
		expect((await setActive(team.token, userId, true)).status).toBe(200);
		const account = await env.DB.prepare("select id from accounts where lower(email) = lower(?)")
			.bind(email)
			.first<{ id: string }>();
		await env.DB.prepare(
			"insert into account_blocks (account_id, team_id, created_at) values (?, ?, ?)",
		)
			.bind(account?.id, team.teamId, new Date().toISOString())
			.run();
		const res = await invitePage(await latestToken(team.teamId), "POST");
		expect(res.status).toBe(200);
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: true });
	});
});

describe("re-inviting", () => {
	it("reactivating a user who never accepted sends a new invite that works", async () => {
		const { team, email, userId, token } = await invitedUser("Acme");
		expect((await setActive(team.token, userId, false)).status).toBe(200);
		expect((await setActive(team.token, userId, true)).status).toBe(200);
		const invites = await inviteRows(team.teamId);
		expect(invites.map((i) => i.status)).toEqual(["pending", "revoked"]);
		expect(await outboxRows(team.teamId)).toHaveLength(2);
		const fresh = await latestToken(team.teamId);
		expect(fresh).not.toBe(token);
		expect((await invitePage(token)).status).toBe(410);
		expect((await invitePage(fresh, "POST")).status).toBe(200);
		expect(await members(team.teamId)).toEqual([
			expect.objectContaining({ email, role: "developer" }),
		]);
	});

	it("resendInvite replaces the invite: the new token works, the old one is dead", async () => {
		const { team, email, token, invite } = await invitedUser("Acme");
		const resent = await teamStub(env, team.teamId).resendInvite(invite.id, ADMIN);
		expect(resent).toMatchObject({ ok: true, value: { status: "pending", email } });
		const invites = await inviteRows(team.teamId);
		expect(invites).toHaveLength(2);
		expect(invites.find((i) => i.id === invite.id)?.status).toBe("revoked");
		const outbox = await outboxRows(team.teamId);
		expect(outbox).toHaveLength(2);
		expect(outbox[0]?.status).toBe("pending");
		const fresh = await latestToken(team.teamId);
		expect(fresh).not.toBe(token);
		// What the admin page shows in local dev: the link of the newest email of an invite.
		const db = createDb(env.DB);
		// The replaced invite's cancelled email no longer keeps its token; its origin stays.
		expect(await latestInviteLink(db, team.teamId, invite.id)).toBe(`${ORIGIN}/invites/redacted`);
		const newId = resent.ok ? resent.value.id : "";
		expect(await latestInviteLink(db, team.teamId, newId)).toBe(`${ORIGIN}/invites/${fresh}`);
		expect(await latestInviteLink(db, "other-team", newId)).toBeNull();
		expect((await invitePage(token, "POST")).status).toBe(410);
		expect((await invitePage(fresh)).status).toBe(200);
		expect((await invitePage(fresh, "POST")).status).toBe(200);
		expect(await members(team.teamId)).toHaveLength(1);

		const afterAccept = await teamStub(env, team.teamId).resendInvite(
			resent.ok ? resent.value.id : "",
			ADMIN,
		);
		expect(afterAccept).toMatchObject({ ok: false, error: { status: 409 } });
	});

	it("resendInvite refuses a user who was deactivated meanwhile", async () => {
		const { team, userId, invite } = await invitedUser("Acme");
		expect((await setActive(team.token, userId, false)).status).toBe(200);
		const resent = await teamStub(env, team.teamId).resendInvite(invite.id, ADMIN);
		expect(resent).toMatchObject({ ok: false, error: { status: 409 } });
	});

	// Regression (outside-in probe): after the user's email moved its link to another account,
	// resending the old account's (revoked) invite let that account join, and no SCIM write of the
	// user could remove it again.
	it("resendInvite refuses the invite of an account the user's link moved away from", async () => {
		const { team, email, userId, invite } = await invitedUser("Acme");
		const elsewhere = await newScimTeam("Elsewhere");
		const moved = uniqueEmail("moved");
		expect((await scim(elsewhere.token, "POST", "/Users", oktaUser(moved))).status).toBe(201);
		const patched = await scim(team.token, "PATCH", `/Users/${userId}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [
				{ op: "replace", value: { userName: moved, emails: [{ value: moved, primary: true }] } },
			],
		});
		expect(patched.status).toBe(200);
		const resent = await teamStub(env, team.teamId).resendInvite(invite.id, ADMIN);
		expect(resent).toMatchObject({ ok: false, error: { status: 409 } });
		expect(await authCheck(team.teamId, email)).toMatchObject({ allowed: false });
		const current = (await inviteRows(team.teamId)).find((i) => i.status === "pending");
		expect(current?.email).toBe(moved);
	});

	it("an account this team created joins directly, with no invite", async () => {
		const team = await newScimTeam();
		const res = await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("direct")));
		expect(res.status).toBe(201);
		expect(await inviteRows(team.teamId)).toEqual([]);
		expect(ORIGIN).toMatch(/^https:/);
	});
});
