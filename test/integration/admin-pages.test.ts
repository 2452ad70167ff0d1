import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	adminGet,
	adminPost,
	adminSession,
	api,
	apiJson,
	newAdminTeam,
	oktaUser,
	scim,
	uniqueEmail,
} from "../helpers";

const TOKEN_PATTERN = /scim_[0-9a-f]{24}_[A-Za-z0-9_-]{43}/g;

async function teamWithSso(methods: string[], scimOn = false) {
	const team = await apiJson<{ id: string }>("POST", "/teams", { name: "Globex" }, 201);
	await apiJson("PUT", `/teams/${team.id}/sso`, { methods });
	if (scimOn) {
		await apiJson("PUT", `/teams/${team.id}/scim`, { enabled: true });
	}
	const email = uniqueEmail("admin");
	const admin = await apiJson<{ accountId: string }>(
		"POST",
		`/teams/${team.id}/admins`,
		{ email },
		201,
	);
	return { teamId: team.id, email, accountId: admin.accountId };
}

async function html(res: Response | Promise<Response>): Promise<string> {
	return (await res).text();
}

describe("Authentication page", () => {
	it("shows the SSO methods, the SCIM switch and the SCIM base URL with setup notes", async () => {
		const team = await teamWithSso(["saml"]);
		const s = await adminSession(team.teamId, team.email);
		const page = await html(adminGet(s.cookie, "/admin"));
		expect(page).toContain("<strong>saml</strong>");
		expect(page).toContain("Exactly one SSO method is configured");
		expect(page).toContain("Turn SCIM on");
		expect(page).toContain("https://scim.example.test/scim/v2");
		for (const idp of ["Okta", "Microsoft Entra ID", "OneLogin"]) {
			expect(page).toContain(`<summary>${idp}</summary>`);
		}
	});

	it.each([
		[[], "This team has no SSO method; SCIM needs exactly one SSO method. Configure one first."],
		[
			["saml", "oidc"],
			"This team has 2 SSO methods (oidc, saml); SCIM needs exactly one SSO method.",
		],
	])("explains why SCIM cannot be turned on with SSO methods %j", async (methods, message) => {
		const team = await teamWithSso(methods);
		const s = await adminSession(team.teamId, team.email);
		const page = await html(adminGet(s.cookie, "/admin"));
		expect(page).toContain(message);
		expect(page).toMatch(/<button type="submit" class="primary" disabled="">Turn SCIM on/);
		const res = await adminPost(s, "/admin/scim", { enabled: "true" });
		expect(res.status).toBe(409);
		expect(await res.text()).toContain(`SCIM cannot be turned on. ${message}`);
		const after = await apiJson<{ scimEnabled: boolean }>("GET", `/teams/${team.teamId}`);
		expect(after.scimEnabled).toBe(false);
	});

	it("turns SCIM on and off with the form, recorded as the admin's actions", async () => {
		const team = await teamWithSso(["oidc"]);
		const s = await adminSession(team.teamId, team.email);
		const on = await adminPost(s, "/admin/scim", { enabled: "true" });
		expect(on.status).toBe(303);
		expect(on.headers.get("Location")).toBe("/admin?notice=scim-on");
		const page = await html(adminGet(s.cookie, "/admin?notice=scim-on"));
		expect(page).toContain("SCIM is on.");
		expect(page).toContain("Turn SCIM off");
		expect(
			(await apiJson<{ scimEnabled: boolean }>("GET", `/teams/${team.teamId}`)).scimEnabled,
		).toBe(true);
		expect((await adminPost(s, "/admin/scim", { enabled: "false" })).status).toBe(303);
		expect(
			(await apiJson<{ scimEnabled: boolean }>("GET", `/teams/${team.teamId}`)).scimEnabled,
		).toBe(false);
		const events = await env.DB.prepare(
			"select action, actor_type, actor_id from provisioning_events where team_id = ? and action like 'scim.%' order by id",
		)
			.bind(team.teamId)
			.all();
		expect(events.results).toEqual([
			{ action: "scim.enable", actor_type: "admin", actor_id: team.accountId },
			{ action: "scim.disable", actor_type: "admin", actor_id: team.accountId },
		]);
	});
});

describe("SCIM keys page", () => {
	it("says why no key can be generated while SCIM is off or the precondition fails", async () => {
		const off = await teamWithSso(["saml"]);
		const s1 = await adminSession(off.teamId, off.email);
		expect(await html(adminGet(s1.cookie, "/admin/keys"))).toContain("turn SCIM on first");
		const two = await teamWithSso(["saml", "oidc"]);
		const s2 = await adminSession(two.teamId, two.email);
		expect(await html(adminGet(s2.cookie, "/admin/keys"))).toContain(
			"No SCIM key can be generated. This team has 2 SSO methods (oidc, saml); SCIM needs exactly one",
		);
		const res = await adminPost(s2, "/admin/keys", { name: "Okta" });
		expect(res.status).toBe(409);
		expect(await res.text()).toContain("exactly one SSO method");
	});

	it("generates, lists, regenerates with grace and revokes a key", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);

		// Generate: the token is on the answer page, once.
		const created = await adminPost(s, "/admin/keys", { name: "Okta production" });
		expect(created.status).toBe(201);
		const createdPage = await created.text();
		const token = createdPage.match(TOKEN_PATTERN)?.[0] ?? "";
		expect(token).not.toBe("");
		expect(createdPage).toContain("only time it is shown");
		expect(createdPage).toContain('data-copy="new-key"');
		expect(created.headers.get("Cache-Control")).toBe("no-store");
		const keyId = token.slice(5, 29);

		// The key works, and the IdP it was seen with shows on the list.
		const used = await scim(token, "GET", "/Users", undefined, {
			"User-Agent": "Okta SCIM Client 1.0.0",
		});
		expect(used.status).toBe(200);
		let list = "";
		for (let i = 0; i < 50 && !list.includes("<td>Okta</td>"); i++) {
			await new Promise((r) => setTimeout(r, 20));
			list = await html(adminGet(s.cookie, "/admin/keys"));
		}
		expect(list).toContain("Okta production");
		expect(list).toContain(`<tr id="key-${keyId}">`);
		expect(list).toContain('<span class="status-active">active</span>');
		expect(list).toContain("<td>Okta</td>");
		expect(list).not.toMatch(TOKEN_PATTERN);

		// Regenerate with a one-hour grace period: a new token; the old one keeps working.
		const regenerated = await adminPost(s, `/admin/keys/${keyId}/regenerate`, {
			graceSeconds: "3600",
		});
		expect(regenerated.status).toBe(201);
		const regeneratedPage = await regenerated.text();
		const newToken = regeneratedPage.match(TOKEN_PATTERN)?.[0] ?? "";
		expect(newToken).not.toBe(token);
		expect(regeneratedPage).toContain("keeps working for 1 hour");
		expect((await scim(token, "GET", "/Users")).status).toBe(200);
		expect((await scim(newToken, "GET", "/Users")).status).toBe(200);
		list = await html(adminGet(s.cookie, "/admin/keys"));
		expect(list).toMatch(
			new RegExp(
				`key-${keyId}.*?<span class="status-expiring">expiring at <time datetime="[^"]+"><span>\\d{4}-\\d\\d-\\d\\d</span> <span>\\d\\d:\\d\\d UTC</span></time>`,
			),
		);

		// Revoke: a confirmation step first.
		const confirm = await adminGet(s.cookie, `/admin/keys/${keyId}/revoke`);
		expect(confirm.status).toBe(200);
		expect(await confirm.text()).toContain('name="confirm" value="yes" required');
		const unconfirmed = await adminPost(s, `/admin/keys/${keyId}/revoke`);
		expect(unconfirmed.status).toBe(400);
		expect(await unconfirmed.text()).toContain("Tick the box to confirm");
		expect((await scim(token, "GET", "/Users")).status).toBe(200);
		const revoked = await adminPost(s, `/admin/keys/${keyId}/revoke`, { confirm: "yes" });
		expect(revoked.status).toBe(303);
		expect(revoked.headers.get("Location")).toBe("/admin/keys?notice=key-revoked");
		expect((await scim(token, "GET", "/Users")).status).toBe(401);
		expect((await scim(newToken, "GET", "/Users")).status).toBe(200);
		list = await html(adminGet(s.cookie, "/admin/keys?notice=key-revoked"));
		expect(list).toContain("The key was revoked");
		expect(list).toMatch(new RegExp(`key-${keyId}.*?<span class="status-revoked">revoked`));
	});

	it("regenerates without grace: the old key stops at once", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const token = (await html(adminPost(s, "/admin/keys", { name: "Entra" }))).match(
			TOKEN_PATTERN,
		)?.[0];
		const keyId = token?.slice(5, 29) ?? "";
		const page = await html(adminPost(s, `/admin/keys/${keyId}/regenerate`, { graceSeconds: "0" }));
		expect(page).toContain("The old key stopped working.");
		expect((await scim(token ?? "", "GET", "/Users")).status).toBe(401);
	});

	it("refuses a grace period that is not offered, and an empty name", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const keyId = (await html(adminPost(s, "/admin/keys", { name: "A" })))
			.match(TOKEN_PATTERN)?.[0]
			?.slice(5, 29);
		const res = await adminPost(s, `/admin/keys/${keyId}/regenerate`, { graceSeconds: "999999" });
		expect(res.status).toBe(400);
		expect(await res.text()).toContain("Choose a grace period");
		expect((await adminPost(s, "/admin/keys", { name: "  " })).status).toBe(400);
	});
});

describe("Members page", () => {
	it("lists active members, deactivated SCIM users apart, and removes a member into the log", async () => {
		const team = await newAdminTeam("Members Inc");
		const s = await adminSession(team.teamId, team.email);
		const alice = uniqueEmail("alice");
		const bob = uniqueEmail("bob");
		await scim(team.token, "POST", "/Users", oktaUser(alice, "Alice", "Active"));
		const bobUser = (await (
			await scim(team.token, "POST", "/Users", oktaUser(bob, "Bob", "Gone"))
		).json()) as { id: string };
		await scim(team.token, "PATCH", `/Users/${bobUser.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		const page = await html(adminGet(s.cookie, "/admin/members"));
		const [active, deactivated] = page.split("Deactivated by SCIM");
		expect(active).toContain(alice);
		expect(active).toContain("Alice Active");
		expect(active).not.toContain(bob);
		expect(deactivated).toContain(bob);

		const members = await apiJson<{ members: { accountId: string; email: string }[] }>(
			"GET",
			`/teams/${team.teamId}/members`,
		);
		const aliceId = members.members.find((m) => m.email === alice)?.accountId ?? "";
		const confirm = await adminGet(s.cookie, `/admin/members/${aliceId}/remove`);
		expect(confirm.status).toBe(200);
		expect(await confirm.text()).toContain("may add them again");
		const removed = await adminPost(s, `/admin/members/${aliceId}/remove`, { confirm: "yes" });
		expect(removed.status).toBe(303);
		expect(await html(adminGet(s.cookie, "/admin/members"))).not.toContain(alice);
		const event = await env.DB.prepare(
			"select actor_type, actor_id, target_id from provisioning_events where team_id = ? and action = 'member.remove'",
		)
			.bind(team.teamId)
			.first();
		expect(event).toEqual({ actor_type: "admin", actor_id: team.accountId, target_id: aliceId });
		const log = await html(adminGet(s.cookie, "/admin/log?action=member.remove"));
		expect(log).toContain(`admin ${team.email}`);
	});

	it("does not let an admin remove themselves", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const res = await adminPost(s, `/admin/members/${team.accountId}/remove`, { confirm: "yes" });
		expect(res.status).toBe(409);
		expect(await res.text()).toContain("You cannot remove yourself");
	});

	it("refuses a removal without the confirmation box", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const other = await apiJson<{ accountId: string }>(
			"POST",
			`/teams/${team.teamId}/admins`,
			{ email: uniqueEmail("co-admin") },
			201,
		);
		expect((await adminPost(s, `/admin/members/${other.accountId}/remove`)).status).toBe(400);
	});

	it("resends and revokes pending invites", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		// An account that exists outside the team is invited instead of added.
		const outsider = uniqueEmail("outsider");
		const elsewhere = await newAdminTeam("Elsewhere");
		await apiJson("POST", `/teams/${elsewhere.teamId}/admins`, { email: outsider }, 201);
		expect((await scim(team.token, "POST", "/Users", oktaUser(outsider))).status).toBe(201);
		const invites = async () =>
			(
				await apiJson<{ invites: { id: string; email: string; status: string }[] }>(
					"GET",
					`/teams/${team.teamId}/invites`,
				)
			).invites;
		const [first] = await invites();
		expect(first).toMatchObject({ email: outsider, status: "pending" });
		expect(await html(adminGet(s.cookie, "/admin/members"))).toContain(
			`/admin/invites/${first?.id}/resend`,
		);

		const resent = await adminPost(s, `/admin/invites/${first?.id}/resend`);
		expect(resent.status).toBe(303);
		const afterResend = await invites();
		expect(afterResend.find((i) => i.id === first?.id)?.status).toBe("revoked");
		const fresh = afterResend.find((i) => i.status === "pending");
		expect(fresh?.email).toBe(outsider);

		expect((await adminPost(s, `/admin/invites/${fresh?.id}/revoke`)).status).toBe(303);
		expect((await invites()).every((i) => i.status === "revoked")).toBe(true);
		expect(await html(adminGet(s.cookie, "/admin/members"))).toContain("No open invites.");
		// Revoking again is a harmless no-op (the invites module makes revoke idempotent).
		expect((await adminPost(s, `/admin/invites/${fresh?.id}/revoke`)).status).toBe(303);
		expect((await invites()).every((i) => i.status === "revoked")).toBe(true);
	});

	it("answers 404 pages for another team's member or invite", async () => {
		const a = await newAdminTeam("A");
		const b = await newAdminTeam("B");
		const s = await adminSession(a.teamId, a.email);
		expect((await adminGet(s.cookie, `/admin/members/${b.accountId}/remove`)).status).toBe(404);
		const res = await adminPost(s, `/admin/members/${b.accountId}/remove`, { confirm: "yes" });
		expect(res.status).toBe(404);
		expect((await api("GET", `/teams/${b.teamId}/members`)).status).toBe(200);
		expect((await adminPost(s, `/admin/invites/${crypto.randomUUID()}/revoke`)).status).toBe(404);
	});
});
