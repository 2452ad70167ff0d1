import { env, exports } from "cloudflare:workers";

export const ORIGIN = "https://scim.example.test";
export const SERVICE_TOKEN = "test-service-token-0123456789";
export const SCIM_CONTENT_TYPE = "application/scim+json";

/** Calls the service API as the rest of the product would. */
export async function api(method: string, path: string, body?: unknown): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}/api/v1${path}`, {
		method,
		headers: { Authorization: `Bearer ${SERVICE_TOKEN}`, "Content-Type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

/** Calls the service API and returns the parsed JSON, failing loudly on an unexpected status. */
export async function apiJson<T = Record<string, unknown>>(
	method: string,
	path: string,
	body?: unknown,
	expectedStatus = 200,
): Promise<T> {
	const res = await api(method, path, body);
	if (res.status !== expectedStatus) {
		throw new Error(
			`${method} ${path}: expected ${expectedStatus}, got ${res.status}: ${await res.text()}`,
		);
	}
	return (await res.json()) as T;
}

/** Sends a SCIM request as an IdP does: raw JSON with the SCIM media type. */
export async function scim(
	token: string | null,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}/scim/v2${path}`, {
		method,
		headers: {
			...(token === null ? {} : { Authorization: `Bearer ${token}` }),
			Accept: SCIM_CONTENT_TYPE,
			...(body === undefined ? {} : { "Content-Type": `${SCIM_CONTENT_TYPE}; charset=utf-8` }),
			...headers,
		},
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	});
}

export interface TestTeam {
	teamId: string;
	token: string;
	keyId: string;
}

/** A fresh team with one SSO method, SCIM on and one key: every test gets its own. */
export async function newScimTeam(name = "Acme"): Promise<TestTeam> {
	const team = await apiJson<{ id: string }>("POST", "/teams", { name }, 201);
	await apiJson("PUT", `/teams/${team.id}/sso`, { methods: ["saml"] });
	await apiJson("PUT", `/teams/${team.id}/scim`, { enabled: true });
	const key = await apiJson<{ id: string; token: string }>(
		"POST",
		`/teams/${team.id}/scim-keys`,
		{ name: "Okta" },
		201,
	);
	return { teamId: team.id, token: key.token, keyId: key.id };
}

/** A create-user body in Okta's shape (docs/idp-notes.md "Okta"). */
/**
 * A second SCIM key of the team that this isolate has used, and so remembers, revoked behind its
 * back afterwards: only the team object's key guard can refuse it now.
 */
export async function rememberedThenRevokedKey(
	team: TestTeam,
): Promise<{ id: string; token: string }> {
	const key = await apiJson<{ id: string; token: string }>(
		"POST",
		`/teams/${team.teamId}/scim-keys`,
		{ name: `Second ${crypto.randomUUID().slice(0, 6)}` },
		201,
	);
	if ((await scim(key.token, "GET", "/Users")).status !== 200) {
		throw new Error("the second key did not work before it was revoked");
	}
	await env.DB.prepare("update scim_keys set revoked_at = ? where id = ?")
		.bind(new Date().toISOString(), key.id)
		.run();
	return key;
}

export function oktaUser(email: string, given = "Ada", family = "Lovelace") {
	return {
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
		userName: email,
		name: { givenName: given, familyName: family },
		emails: [{ primary: true, value: email, type: "work" }],
		displayName: `${given} ${family}`,
		locale: "en-US",
		externalId: `00u${crypto.randomUUID().replaceAll("-", "").slice(0, 17)}`,
		groups: [],
		password: "xK9#random-okta-password",
		active: true,
	};
}

/** A unique email for a test. */
export function uniqueEmail(prefix = "user"): string {
	return `${prefix}.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export interface AdminSession {
	/** The `Cookie` header value that carries the session. */
	cookie: string;
	/** The session's CSRF token, as the pages put it in every form. */
	csrf: string;
}

/** A login link for a team admin, minted by the service API. */
export async function adminLoginLink(teamId: string, email: string): Promise<string> {
	const { url } = await apiJson<{ url: string }>(
		"POST",
		"/admin-login-links",
		{ teamId, email },
		201,
	);
	return url;
}

/** Signs a team admin in with a fresh login link and returns the session cookie header. */
export async function adminLogin(teamId: string, email: string): Promise<string> {
	const url = await adminLoginLink(teamId, email);
	const res = await adminPost(null, "/admin/login", { token: url.split("/").at(-1) ?? "" });
	if (res.status !== 303) {
		throw new Error(`admin login: expected 303, got ${res.status}: ${await res.text()}`);
	}
	return sessionCookie(res);
}

/** Signs a team admin in and reads the CSRF token from a page, ready to post forms. */
export async function adminSession(teamId: string, email: string): Promise<AdminSession> {
	const cookie = await adminLogin(teamId, email);
	const page = await (await adminGet(cookie, "/admin")).text();
	const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
	if (!csrf) {
		throw new Error("no CSRF token on the admin page");
	}
	return { cookie, csrf };
}

/** The `name=value` of the session cookie a response sets. */
export function sessionCookie(res: Response): string {
	const cookie = res.headers
		.getSetCookie()
		.find((c) => c.startsWith("__Host-scim_admin="))
		?.split(";")[0];
	if (!cookie) {
		throw new Error("no session cookie was set");
	}
	return cookie;
}

/** A browser GET of an admin page. */
export async function adminGet(
	cookie: string | null,
	path: string,
	headers: Record<string, string> = {},
): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}${path}`, {
		headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers },
		redirect: "manual",
	});
}

/** A same-origin browser form POST; with a session, its CSRF token is added unless given. */
export async function adminPost(
	session: AdminSession | null,
	path: string,
	fields: Record<string, string> = {},
	headers: Record<string, string> = {},
): Promise<Response> {
	const body = new URLSearchParams(session ? { _csrf: session.csrf, ...fields } : fields);
	return exports.default.fetch(`${ORIGIN}${path}`, {
		method: "POST",
		headers: {
			"Content-Type": "application/x-www-form-urlencoded",
			Origin: ORIGIN,
			...(session ? { Cookie: session.cookie } : {}),
			...headers,
		},
		body,
		redirect: "manual",
	});
}

/** A fresh team with one SSO method, SCIM on, one key, and an admin. */
export async function newAdminTeam(name = "Acme") {
	const team = await newScimTeam(name);
	const email = uniqueEmail("admin");
	const admin = await apiJson<{ accountId: string }>(
		"POST",
		`/teams/${team.teamId}/admins`,
		{ email },
		201,
	);
	return { ...team, email, accountId: admin.accountId };
}

/**
 * Everything one team owns in D1, row by row and column by column, in a stable order, so an
 * update that leaves counts alone (a silent rewrite of one attribute) shows as well as an insert
 * or a delete. Left out on purpose: the provisioning log (refused writes are recorded there), a
 * key's last use (every authenticated request may touch it) and the outbox's delivery progress
 * (the team object's alarm moves it on its own).
 */
export async function teamSnapshot(teamId: string): Promise<Record<string, unknown>> {
	const { env } = await import("cloudflare:workers");
	const teamAccounts =
		"(select account_id from memberships where team_id = ?1 union select account_id from scim_users where team_id = ?1 union select id from accounts where created_by_team_id = ?1)";
	const queries: Record<string, string> = {
		teams: "select * from teams where id = ?1",
		ssoMethods: "select * from team_sso_methods where team_id = ?1 order by method",
		accounts: `select * from accounts where id in ${teamAccounts} order by id`,
		accountBlocks: "select * from account_blocks where team_id = ?1 order by account_id",
		memberships: "select * from memberships where team_id = ?1 order by account_id",
		scimUsers: "select * from scim_users where team_id = ?1 order by id",
		scimUserEmails:
			"select * from scim_user_emails where team_id = ?1 order by scim_user_id, position",
		scimGroups: "select * from scim_groups where team_id = ?1 order by id",
		scimGroupMembers:
			"select * from scim_group_members where team_id = ?1 order by group_id, scim_user_id",
		invites: "select * from invites where team_id = ?1 order by id",
		emailOutbox:
			"select id, invite_id, to_email, subject, body from email_outbox where team_id = ?1 order by id",
		scimKeys:
			"select id, name, secret_hash, created_at, expires_at, revoked_at, replaced_by_key_id from scim_keys where team_id = ?1 order by id",
	};
	const names = Object.keys(queries);
	const results = await env.DB.batch(
		names.map((name) => env.DB.prepare(queries[name] as string).bind(teamId)),
	);
	return Object.fromEntries(names.map((name, i) => [name, results[i]?.results ?? []]));
}
