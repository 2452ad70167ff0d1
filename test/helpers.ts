import { exports } from "cloudflare:workers";

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

/** A create-user body in Okta's shape (IDP-COMPAT.md §2.1). */
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
 * A cheap fingerprint of everything one team owns in D1: row counts, plus the sum of versions
 * where rows carry one, so an update shows as well as an insert or a delete. The provisioning
 * log is left out on purpose: refused writes are recorded there.
 */
export async function teamSnapshot(teamId: string): Promise<Record<string, unknown>> {
	const { env } = await import("cloudflare:workers");
	const queries: Record<string, string> = {
		teams: "select count(*) as n, max(updated_at) as v from teams where id = ?1",
		ssoMethods: "select count(*) as n from team_sso_methods where team_id = ?1",
		accounts:
			"select count(*) as n, sum(length(email) + length(coalesce(given_name, '')) + length(coalesce(family_name, ''))) as v from accounts where created_by_team_id = ?1",
		accountBlocks: "select count(*) as n from account_blocks where team_id = ?1",
		memberships:
			"select count(*) as n, group_concat(role) as v from memberships where team_id = ?1",
		scimUsers: "select count(*) as n, sum(version) as v from scim_users where team_id = ?1",
		scimUserEmails: "select count(*) as n from scim_user_emails where team_id = ?1",
		scimGroups: "select count(*) as n, sum(version) as v from scim_groups where team_id = ?1",
		scimGroupMembers: "select count(*) as n from scim_group_members where team_id = ?1",
		invites: "select count(*) as n, group_concat(status) as v from invites where team_id = ?1",
		emailOutbox: "select count(*) as n from email_outbox where team_id = ?1",
		scimKeys:
			"select count(*) as n, group_concat(revoked_at) as v from scim_keys where team_id = ?1",
	};
	const names = Object.keys(queries);
	const results = await env.DB.batch(
		names.map((name) => env.DB.prepare(queries[name] as string).bind(teamId)),
	);
	return Object.fromEntries(names.map((name, i) => [name, results[i]?.results[0]]));
}
