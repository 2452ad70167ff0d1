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
		expect((await adminPost(s, "/admin/scim", { enabled: "false", confirm: "yes" })).status).toBe(
			303,
		);
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
		const okta = '<td data-label="Identity provider">Okta</td>';
		for (let i = 0; i < 50 && !list.includes(okta); i++) {
			await new Promise((r) => setTimeout(r, 20));
			list = await html(adminGet(s.cookie, "/admin/keys"));
		}
		expect(list).toContain("Okta production");
		expect(list).toContain(`<tr id="key-${keyId}">`);
		expect(list).toContain('<span class="status-active">active</span>');
		expect(list).toContain(okta);
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
		// Without grace, a confirmation step first: nothing has changed yet.
		const confirm = await adminPost(s, `/admin/keys/${keyId}/regenerate`, { graceSeconds: "0" });
		expect(confirm.status).toBe(200);
		const confirmPage = await confirm.text();
		expect(confirmPage).toContain("The old key stops working at once");
		expect(confirmPage).toContain('name="confirm" value="yes" required');
		expect(confirmPage).not.toMatch(TOKEN_PATTERN);
		expect((await scim(token ?? "", "GET", "/Users")).status).toBe(200);
		const page = await html(
			adminPost(s, `/admin/keys/${keyId}/regenerate`, { graceSeconds: "0", confirm: "yes" }),
		);
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

	it("offers 1 hour of grace first and no Regenerate on a key already being replaced", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const keyId = (await html(adminPost(s, "/admin/keys", { name: "Okta" })))
			.match(TOKEN_PATTERN)?.[0]
			?.slice(5, 29);
		const before = await html(adminGet(s.cookie, "/admin/keys"));
		expect(before).toMatch(/<select name="graceSeconds"><option value="3600">1 hour<\/option>/);
		await adminPost(s, `/admin/keys/${keyId}/regenerate`, { graceSeconds: "3600" });
		const after = await html(adminGet(s.cookie, "/admin/keys"));
		const oldRow = after.slice(after.indexOf(`<tr id="key-${keyId}">`)).split("</tr>")[0] ?? "";
		expect(oldRow).toContain("expiring at");
		expect(oldRow).toContain("replaced by a new key");
		expect(oldRow).not.toContain("Regenerate");
		expect(oldRow).toContain("Revoke…");
		// The new key (the other live row) can be regenerated.
		expect(after.match(/<button type="submit">Regenerate<\/button>/g)?.length).toBe(1);
	});

	it("lists live keys first and folds revoked and expired ones away", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const ids: string[] = [];
		for (const name of ["Old", "Live"]) {
			const token = (await html(adminPost(s, "/admin/keys", { name }))).match(TOKEN_PATTERN)?.[0];
			ids.push(token?.slice(5, 29) ?? "");
		}
		await adminPost(s, `/admin/keys/${ids[0]}/revoke`, { confirm: "yes" });
		const page = await html(adminGet(s.cookie, "/admin/keys"));
		const [live, folded] = page.split('<details id="old-keys">');
		expect(live).toContain("Keys in use (1)");
		expect(live).toContain(`key-${ids[1]}`);
		expect(live).not.toContain(`key-${ids[0]}`);
		expect(folded).toContain("<summary>Revoked and expired keys (1)</summary>");
		expect(folded).toContain(`key-${ids[0]}`);
		expect(folded).not.toContain("Revoke…");
		expect(folded).not.toContain("Regenerate");
	});

	it("creates a key with an expiry date, shows it and warns 14 days ahead", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
		const soon = await adminPost(s, "/admin/keys", { name: "Soon", expiresOn: inDays(5) });
		expect(soon.status).toBe(201);
		const soonPage = await soon.text();
		expect(soonPage).toContain(`It works until <time datetime="${inDays(5)}T00:00:00.000Z">`);
		const token = soonPage.match(TOKEN_PATTERN)?.[0] ?? "";
		expect((await scim(token, "GET", "/Users")).status).toBe(200);
		await adminPost(s, "/admin/keys", { name: "Later", expiresOn: inDays(60) });

		const page = await html(adminGet(s.cookie, "/admin/keys"));
		const warning = page.match(/<div class="warn" role="status">(.*?)<\/div><h2>/s)?.[1] ?? "";
		expect(warning).toContain(
			`<a href="#key-${token.slice(5, 29)}">“Soon”</a> expires ${inDays(5)} 00:00 UTC`,
		);
		expect(warning).not.toContain("Later");
		expect(page).toContain(`expires <time datetime="${inDays(60)}T00:00:00.000Z">`);
		// Both keys still count as in use, and can be regenerated before they expire.
		expect(page).toContain("Keys in use (2)");
		expect(page.match(/<button type="submit">Regenerate<\/button>/g)?.length).toBe(2);
	});

	it.each([
		["a past date", "2020-01-01", "must be in the future"],
		["not a date", "soon", "Give the expiry as a date"],
		["a date that does not exist", "2030-02-30", "Give the expiry as a date"],
	])("refuses a key expiry that is %s", async (_, expiresOn, message) => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const res = await adminPost(s, "/admin/keys", { name: "X", expiresOn });
		expect(res.status).toBe(400);
		const page = await res.text();
		expect(page).toContain(message);
		expect(page).not.toMatch(TOKEN_PATTERN);
	});
});

describe("POST /api/v1/teams/:teamId/scim-keys with expiresAt", () => {
	it("creates a key that works until expiresAt, then answers 401 saying it expired", async () => {
		const team = await teamWithSso(["saml"], true);
		const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
		const res = await api("POST", `/teams/${team.teamId}/scim-keys`, { name: "Temp", expiresAt });
		expect(res.status).toBe(201);
		const key = (await res.json()) as { id: string; token: string; expiresAt: string };
		expect(key.expiresAt).toBe(expiresAt);
		expect((await scim(key.token, "GET", "/Users")).status).toBe(200);
		await env.DB.prepare("update scim_keys set expires_at = ? where id = ?")
			.bind(new Date(Date.now() - 1000).toISOString(), key.id)
			.run();
		const expired = await scim(key.token, "GET", "/Users");
		expect(expired.status).toBe(401);
		expect(await expired.json()).toMatchObject({ detail: "This SCIM API key has expired." });
	});

	it.each([
		["in the past", "2020-01-01T00:00:00Z", "must be in the future"],
		["not a time", "next week", "expiresAt"],
	])("refuses an expiresAt %s with 400", async (_, expiresAt, message) => {
		const team = await teamWithSso(["saml"], true);
		const res = await api("POST", `/teams/${team.teamId}/scim-keys`, { name: "T", expiresAt });
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toContain(message);
	});
});

describe("Turning SCIM off", () => {
	it("asks for a confirmation that says what stops; without it nothing changes", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const authPage = await html(adminGet(s.cookie, "/admin"));
		expect(authPage).toContain(
			'<a class="button danger" href="/admin/scim/off">Turn SCIM off…</a>',
		);
		const confirm = await adminGet(s.cookie, "/admin/scim/off");
		expect(confirm.status).toBe(200);
		const page = await confirm.text();
		expect(page).toContain("<code>403 Forbidden</code>");
		expect(page).toContain("are kept but cannot be used");
		expect(page).toContain("Nobody is removed or deactivated");
		expect(page).toContain('name="confirm" value="yes" required');

		const unconfirmed = await adminPost(s, "/admin/scim", { enabled: "false" });
		expect(unconfirmed.status).toBe(400);
		expect(await unconfirmed.text()).toContain("Tick the box to confirm");
		expect(
			(await apiJson<{ scimEnabled: boolean }>("GET", `/teams/${team.teamId}`)).scimEnabled,
		).toBe(true);

		const off = await adminPost(s, "/admin/scim", { enabled: "false", confirm: "yes" });
		expect(off.headers.get("Location")).toBe("/admin?notice=scim-off");
		expect(
			(await apiJson<{ scimEnabled: boolean }>("GET", `/teams/${team.teamId}`)).scimEnabled,
		).toBe(false);
		// Already off: the confirmation page sends the admin back.
		expect((await adminGet(s.cookie, "/admin/scim/off")).headers.get("Location")).toBe("/admin");
	});
});

describe("Navigation and notices", () => {
	it.each([
		["/admin", "Authentication"],
		["/admin/scim/off", "Authentication"],
		["/admin/keys", "SCIM keys"],
		["/admin/members", "Members"],
		["/admin/log", "Provisioning log"],
	])("highlights the current tab on %s", async (path, tab) => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const page = await html(adminGet(s.cookie, path));
		expect(page.match(/aria-current="page">([^<]+)</g)).toEqual([`aria-current="page">${tab}<`]);
	});

	it("highlights SCIM keys on the answer and confirm pages of a key", async () => {
		const team = await teamWithSso(["saml"], true);
		const s = await adminSession(team.teamId, team.email);
		const created = await html(adminPost(s, "/admin/keys", { name: "Okta" }));
		const keyId = created.match(TOKEN_PATTERN)?.[0]?.slice(5, 29);
		const pages = [
			created,
			await html(adminPost(s, `/admin/keys/${keyId}/regenerate`, { graceSeconds: "0" })),
			await html(adminGet(s.cookie, `/admin/keys/${keyId}/revoke`)),
			await html(adminPost(s, `/admin/keys/${keyId}/regenerate`, { graceSeconds: "3600" })),
		];
		for (const page of pages) {
			expect(page).toContain('<a href="/admin/keys" aria-current="page">SCIM keys</a>');
		}
	});

	it("shows one green notice after turning SCIM on, linking to the keys page it names", async () => {
		const team = await teamWithSso(["saml"]);
		const s = await adminSession(team.teamId, team.email);
		await adminPost(s, "/admin/scim", { enabled: "true" });
		const page = await html(adminGet(s.cookie, "/admin?notice=scim-on"));
		expect(page.match(/class="ok"/g)?.length).toBe(1);
		expect(page).toMatch(
			/<div class="ok" role="status">SCIM is on\..*?<a href="\/admin\/keys">SCIM keys<\/a>/,
		);
	});
});

describe("Members page", () => {
	it("lists active members, deactivated SCIM users apart, and removes a member into the log as a deactivation", async () => {
		const team = await newAdminTeam("Members Inc");
		const s = await adminSession(team.teamId, team.email);
		const alice = uniqueEmail("alice");
		const bob = uniqueEmail("bob");
		const aliceUser = (await (
			await scim(team.token, "POST", "/Users", oktaUser(alice, "Alice", "Active"))
		).json()) as { id: string };
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
		const after = await html(adminGet(s.cookie, "/admin/members"));
		expect(after.split("Deactivated by SCIM")[0]).not.toContain(alice);
		expect(after.split("Deactivated by SCIM")[1]).toContain(alice);
		// The IdP sees the removal: the SCIM user now reads active: false.
		const read = await scim(team.token, "GET", `/Users/${aliceUser.id}`);
		expect(await read.json()).toMatchObject({ active: false });
		const event = await env.DB.prepare(
			"select actor_type, actor_id, target_id, detail from provisioning_events where team_id = ? and action = 'member.remove'",
		)
			.bind(team.teamId)
			.first();
		expect(event).toMatchObject({
			actor_type: "admin",
			actor_id: team.accountId,
			target_id: aliceUser.id,
			detail: expect.stringContaining("Removed from the team by a team admin"),
		});
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
