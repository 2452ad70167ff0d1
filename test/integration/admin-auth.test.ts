import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	adminGet,
	adminLogin,
	adminLoginLink,
	adminPost,
	adminSession,
	api,
	apiJson,
	newAdminTeam,
	oktaUser,
	scim,
	sessionCookie,
	uniqueEmail,
} from "../helpers";

const PAGES = ["/admin", "/admin/keys", "/admin/members", "/admin/log", "/admin/log.csv"];

function tokenOf(url: string): string {
	return url.split("/").at(-1) ?? "";
}

describe("admin sign-in required", () => {
	it.each(PAGES)("answers GET %s without a session with a 401 HTML page", async (path) => {
		const res = await adminGet(null, path);
		expect(res.status).toBe(401);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
		const html = await res.text();
		expect(html).toContain("Sign-in required");
		// Written for a company admin: where a link comes from, not operator commands.
		expect(html).toContain("Team settings → Authentication → SCIM provisioning");
		expect(html).toContain("Ask another admin of your team");
		expect(html).not.toContain("npm run");
		expect(html).not.toContain("/api/v1");
	});

	it("refuses a forged or tampered session cookie", async () => {
		const team = await newAdminTeam();
		const cookie = await adminLogin(team.teamId, team.email);
		const [name, value] = cookie.split("=") as [string, string];
		const decoded = decodeURIComponent(value);
		const tampered = decoded.replace(team.teamId, crypto.randomUUID());
		const res = await adminGet(null, "/admin", {
			Cookie: `${name}=${encodeURIComponent(tampered)}`,
		});
		expect(res.status).toBe(401);
	});

	it("answers an unknown /admin path with an HTML page, not SCIM JSON", async () => {
		const team = await newAdminTeam();
		const cookie = await adminLogin(team.teamId, team.email);
		const res = await adminGet(cookie, "/admin/nope");
		expect(res.status).toBe(404);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
		expect(await res.text()).toContain("No such endpoint");
	});
});

describe("POST /api/v1/admin-login-links", () => {
	it("answers 201 with a URL and an expiry 15 minutes away", async () => {
		const team = await newAdminTeam();
		const before = Date.now();
		const link = await apiJson<{ url: string; expiresAt: string }>(
			"POST",
			"/admin-login-links",
			{ teamId: team.teamId, email: team.email.toUpperCase() },
			201,
		);
		expect(link.url).toMatch(/^https:\/\/scim\.example\.test\/admin\/login\/[\w-]{43}\.[\w-]{43}$/);
		const ttl = Date.parse(link.expiresAt) - before;
		expect(ttl).toBeGreaterThan(14 * 60 * 1000);
		expect(ttl).toBeLessThanOrEqual(15 * 60 * 1000 + 1000);
	});

	it("refuses a developer member of the team with 403 and a clear message", async () => {
		const team = await newAdminTeam();
		const email = uniqueEmail("dev");
		expect((await scim(team.token, "POST", "/Users", oktaUser(email))).status).toBe(201);
		const res = await api("POST", "/admin-login-links", { teamId: team.teamId, email });
		expect(res.status).toBe(403);
		expect(await res.json()).toMatchObject({
			error: {
				code: "forbidden",
				message: `${email} is not an admin of this team; only team admins can sign in.`,
			},
		});
	});

	it("answers 403 for an account that is not an admin of the team, 404 for unknowns", async () => {
		const a = await newAdminTeam("A");
		const b = await newAdminTeam("B");
		const wrongTeam = await api("POST", "/admin-login-links", { teamId: b.teamId, email: a.email });
		expect(wrongTeam.status).toBe(403);
		expect(await wrongTeam.json()).toMatchObject({
			error: { code: "forbidden", message: expect.stringContaining("not an admin of this team") },
		});
		const noTeam = await api("POST", "/admin-login-links", {
			teamId: crypto.randomUUID(),
			email: a.email,
		});
		expect(noTeam.status).toBe(404);
		expect(await noTeam.json()).toMatchObject({ error: { message: "Team not found." } });
		const noAccount = await api("POST", "/admin-login-links", {
			teamId: a.teamId,
			email: uniqueEmail("nobody"),
		});
		expect(noAccount.status).toBe(404);
		expect(await noAccount.json()).toMatchObject({
			error: { message: expect.stringContaining("No account has the email") },
		});
	});
});

describe("login links", () => {
	it("shows a sign-in button on GET and does not spend the link", async () => {
		const team = await newAdminTeam("Initech");
		const url = await adminLoginLink(team.teamId, team.email);
		const first = await adminGet(null, new URL(url).pathname);
		expect(first.status).toBe(200);
		const html = await first.text();
		expect(html).toContain("Initech");
		expect(html).toContain(team.email);
		expect(html).toContain('action="/admin/login"');
		expect((await adminGet(null, new URL(url).pathname)).status).toBe(200);
	});

	it("starts an 8-hour __Host- session cookie, HttpOnly, Secure, SameSite=Lax", async () => {
		const team = await newAdminTeam();
		const url = await adminLoginLink(team.teamId, team.email);
		const res = await adminPost(null, "/admin/login", { token: tokenOf(url) });
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/admin");
		const setCookie = res.headers.getSetCookie().join("\n");
		expect(setCookie).toMatch(/^__Host-scim_admin=/);
		expect(setCookie).toContain("Max-Age=28800");
		expect(setCookie).toContain("Path=/");
		expect(setCookie).toContain("HttpOnly");
		expect(setCookie).toContain("Secure");
		expect(setCookie).toContain("SameSite=Lax");
		const page = await adminGet(sessionCookie(res), "/admin");
		expect(page.status).toBe(200);
		expect(await page.text()).toContain(`Signed in as ${team.email}`);
	});

	it("works once: the second use is refused with 401", async () => {
		const team = await newAdminTeam();
		const url = await adminLoginLink(team.teamId, team.email);
		expect((await adminPost(null, "/admin/login", { token: tokenOf(url) })).status).toBe(303);
		const again = await adminPost(null, "/admin/login", { token: tokenOf(url) });
		expect(again.status).toBe(401);
		expect(await again.text()).toContain("already used");
		expect(again.headers.getSetCookie()).toEqual([]);
		const row = await env.DB.prepare(
			"select used_at from admin_login_links where team_id = ? and account_id = ?",
		)
			.bind(team.teamId, team.accountId)
			.first<{ used_at: string | null }>();
		expect(row?.used_at).toMatch(/^\d{4}-/);
	});

	it("is refused after it expires", async () => {
		const team = await newAdminTeam();
		const url = await adminLoginLink(team.teamId, team.email);
		await env.DB.prepare("update admin_login_links set expires_at = ? where team_id = ?")
			.bind(new Date(Date.now() - 1000).toISOString(), team.teamId)
			.run();
		const res = await adminPost(null, "/admin/login", { token: tokenOf(url) });
		expect(res.status).toBe(401);
		expect(await res.text()).toContain("expired");
		expect((await adminGet(null, new URL(url).pathname)).status).toBe(401);
	});

	it("refuses a link whose signature is not ours", async () => {
		const team = await newAdminTeam();
		const url = await adminLoginLink(team.teamId, team.email);
		const [nonce] = tokenOf(url).split(".");
		const forged = `${nonce}.${"A".repeat(43)}`;
		const res = await adminPost(null, "/admin/login", { token: forged });
		expect(res.status).toBe(401);
		expect(await res.text()).toContain("not valid");
	});

	it("is refused when the account stopped being an admin after the link was minted", async () => {
		const team = await newAdminTeam();
		const email = uniqueEmail("second");
		const second = await apiJson<{ accountId: string }>(
			"POST",
			`/teams/${team.teamId}/admins`,
			{ email },
			201,
		);
		const url = await adminLoginLink(team.teamId, email);
		await api("DELETE", `/teams/${team.teamId}/members/${second.accountId}`);
		const res = await adminPost(null, "/admin/login", { token: tokenOf(url) });
		expect(res.status).toBe(403);
		expect(await res.text()).toContain("no longer an admin");
	});
});

describe("admin session", () => {
	it("shows only the session's team: an admin of team A never sees team B", async () => {
		const a = await newAdminTeam("Team A");
		const b = await newAdminTeam("Team B");
		const cookie = await adminLogin(a.teamId, a.email);
		const html = await (await adminGet(cookie, `/admin?team=${b.teamId}`)).text();
		expect(html).toContain("Team A");
		expect(html).not.toContain("Team B");
		const keys = await (await adminGet(cookie, "/admin/keys")).text();
		expect(keys).toContain(a.keyId);
		expect(keys).not.toContain(b.keyId);
		const revoke = await adminGet(cookie, `/admin/keys/${b.keyId}/revoke`);
		expect(revoke.status).toBe(404);
	});

	it("ends at once when the admin is removed from the team", async () => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		await api("DELETE", `/teams/${team.teamId}/members/${team.accountId}`);
		const res = await adminGet(session.cookie, "/admin");
		expect(res.status).toBe(403);
		expect(await res.text()).toContain("not an admin of this team");
		expect(res.headers.getSetCookie().join()).toMatch(/__Host-scim_admin=;.*Max-Age=0/);
	});

	it("refuses a member who is no longer an admin (demoted to developer)", async () => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		await env.DB.prepare(
			"update memberships set role = 'developer' where team_id = ? and account_id = ?",
		)
			.bind(team.teamId, team.accountId)
			.run();
		expect((await adminGet(session.cookie, "/admin/keys")).status).toBe(403);
	});

	it("signs out with POST /admin/logout, which clears the cookie", async () => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		const res = await adminPost(session, "/admin/logout");
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("signed out");
		expect(res.headers.getSetCookie().join()).toMatch(/__Host-scim_admin=;.*Max-Age=0/);
		expect((await adminGet(null, "/admin")).status).toBe(401);
	});

	it("ends the session on the server too: a copy of the signed-out cookie no longer works", async () => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		const other = await adminSession(team.teamId, team.email);
		expect((await adminGet(session.cookie, "/admin/keys")).status).toBe(200);
		expect((await adminPost(session, "/admin/logout")).status).toBe(200);
		const replayed = await adminGet(session.cookie, "/admin/keys");
		expect(replayed.status).toBe(401);
		expect(await replayed.text()).toContain("signed out");
		// Only that session ends: the admin's other session (another browser) goes on.
		expect((await adminGet(other.cookie, "/admin/keys")).status).toBe(200);
	});

	it("refuses GET /admin/logout (logout is a POST)", async () => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		expect((await adminGet(session.cookie, "/admin/logout")).status).toBe(404);
	});
});

describe("CSRF protection", () => {
	const FORMS = [
		["/admin/scim", { enabled: "false" }],
		["/admin/keys", { name: "Sneaky" }],
		["/admin/logout", {}],
	] as const;

	it.each(FORMS)("refuses POST %s without the CSRF token (403)", async (path, fields) => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		const res = await adminPost({ cookie: session.cookie, csrf: "" }, path, { ...fields });
		expect(res.status).toBe(403);
		expect(await res.text()).toContain("This form was refused");
	});

	it.each(FORMS)("refuses POST %s with another session's token (403)", async (path, fields) => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		const other = await adminSession(team.teamId, team.email);
		const res = await adminPost({ cookie: session.cookie, csrf: other.csrf }, path, { ...fields });
		expect(res.status).toBe(403);
	});

	it("refuses a cross-site form post even with the right token (Origin check)", async () => {
		const team = await newAdminTeam();
		const session = await adminSession(team.teamId, team.email);
		const res = await adminPost(
			session,
			"/admin/scim",
			{ enabled: "false" },
			{ Origin: "https://evil.example" },
		);
		expect(res.status).toBe(403);
		const team2 = await apiJson<{ scimEnabled: boolean }>("GET", `/teams/${team.teamId}`);
		expect(team2.scimEnabled).toBe(true);
	});

	it("refuses a cross-site login post (login CSRF)", async () => {
		const team = await newAdminTeam();
		const url = await adminLoginLink(team.teamId, team.email);
		const res = await adminPost(
			null,
			"/admin/login",
			{ token: tokenOf(url) },
			{ Origin: "https://evil.example" },
		);
		expect(res.status).toBe(403);
	});
});

describe("security headers on /admin", () => {
	it.each([
		["a page", true],
		["the 401 page", false],
	])("are set on %s", async (_label, signedIn) => {
		const team = await newAdminTeam();
		const cookie = signedIn ? await adminLogin(team.teamId, team.email) : null;
		const res = await adminGet(cookie, "/admin");
		const csp = res.headers.get("Content-Security-Policy") ?? "";
		expect(csp).toContain("default-src 'none'");
		expect(csp).toMatch(/style-src 'nonce-[^']+'/);
		expect(csp).toMatch(/script-src 'nonce-[^']+'/);
		expect(csp).toContain("form-action 'self'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("base-uri 'none'");
		expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
		expect(res.headers.get("X-Frame-Options")).toBe("DENY");
		expect(res.headers.get("Strict-Transport-Security")).toContain("max-age=");
		expect(res.headers.get("Cache-Control")).toBe("no-store");
		const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
		expect(await res.text()).toContain(`<style nonce="${nonce}">`);
	});
});
