import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { timingSafeEqual } from "hono/utils/buffer";
import { accessConfig } from "../admin/access-jwt";
import { newLoginToken } from "../admin/login-links";
import { sessionSecret } from "../admin/session";
import { findAccountByEmail, listMembers } from "../db/accounts";
import { listTeamDomains, readSignInFacts } from "../db/authority";
import { listInvites, publicInvite } from "../db/invites";
import { listKeys, publicKey } from "../db/keys";
import { getTeam, listSsoMethods, scimDriftWarning, ssoPreconditionProblem } from "../db/teams";
import type { AppEnv } from "../env";
import { MAX_SERVICE_API_BODY_BYTES, readJsonBody } from "../http/body";
import { unwrap } from "../http/unwrap";
import type { Actor } from "../provisioning/actor";
import { signInDecision } from "../provisioning/authority";
import { scimErrors } from "../scim/errors";
import { MAX_GRACE_SECONDS } from "../team/keys";
import { teamStub } from "../team/stub";
import * as z from "../zod";
import { handleApiError } from "./errors";

/**
 * The service API (docs/architecture.md "Surfaces"): how the rest of the product, and operators, use
 * scim-edge. JSON in and out; errors as `{"error": {"code", "message"}}`, `code` in snake_case.
 * Described in ./openapi.ts (GET /api/v1/openapi.json); a test keeps the two in step.
 */
export const serviceApi = new Hono<AppEnv>();

serviceApi.onError(handleApiError);

const SERVICE: Actor = { type: "service", id: null };

/**
 * The API's OpenAPI 3.1 description; public, so tools can read it without the token. It is the
 * static asset public/openapi.json, written from ./openapi.ts by `npm run openapi`, so the
 * document's 3.5 KiB (gzipped) stay out of the Worker's bundle.
 */
serviceApi.get("/openapi.json", async (c) => {
	const asset = await c.env.ASSETS.fetch(new URL("/openapi.json", c.req.url));
	if (!asset.ok) {
		throw new Error(`public/openapi.json is missing from the static assets (${asset.status})`);
	}
	return new Response(asset.body, { headers: { "Content-Type": "application/json" } });
});

/**
 * Every failure is the same 401, whether the header is missing, malformed or wrong (Hono's
 * bearerAuth answers 400 to a malformed one, which tells a prober more than it needs to know).
 */
serviceApi.use("*", async (c, next) => {
	const match = /^Bearer +(\S+) *$/i.exec(c.req.header("Authorization") ?? "");
	const expected = c.env.SERVICE_TOKEN;
	// An unset or short secret disables the API rather than accepting a guessable token.
	const valid =
		match?.[1] !== undefined &&
		expected !== undefined &&
		expected.length >= 16 &&
		(await timingSafeEqual(match[1], expected));
	if (!valid) {
		throw scimErrors.unauthorized(
			"Missing or invalid service token: send 'Authorization: Bearer <SERVICE_TOKEN>'.",
		);
	}
	await next();
});

const teamBody = z.object({ name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) });
const ssoBody = z.object({
	methods: z
		.array(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(50)))
		.check(z.maxLength(20)),
});
const scimBody = z.object({ enabled: z.boolean() });
const keyBody = z.object({
	name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
	/** Optional: when the key stops working (ISO 8601 with an offset, in the future). */
	expiresAt: z.optional(z.nullable(z.iso.datetime({ offset: true }))),
});
const regenerateBody = z.object({
	graceSeconds: z._default(z.int().check(z.minimum(0), z.maximum(MAX_GRACE_SECONDS)), 0),
});
/** A domain as DNS spells it: labels of letters, digits and hyphens (IDNs in punycode). */
const domainName = z
	.string()
	.check(
		z.trim(),
		z.toLowerCase(),
		z.maxLength(253),
		z.regex(
			/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
			"must be a domain name such as example.com",
		),
	);
const domainsBody = z.object({ domains: z.array(domainName).check(z.maxLength(100)) });
const emailBody = z.object({ email: z.email().check(z.maxLength(320)) });
const loginLinkBody = z.object({
	teamId: z.string().check(z.minLength(1)),
	email: z.string().check(z.minLength(1), z.maxLength(320)),
});
const authCheckBody = z.object({
	teamId: z.string().check(z.minLength(1)),
	email: z.string().check(z.minLength(1), z.maxLength(320)),
});

serviceApi.post("/teams", async (c) => {
	const { name } = await parseBody(c, teamBody);
	const teamId = crypto.randomUUID();
	const team = unwrap(await teamStub(c.env, teamId).createTeam(name, SERVICE));
	return c.json({ ...team, ssoMethods: [] }, 201);
});

serviceApi.get("/teams/:teamId", async (c) => {
	const team = await requireTeam(c.var.db, c.req.param("teamId"));
	const ssoMethods = await listSsoMethods(c.var.db, team.id);
	return c.json({
		...team,
		ssoMethods,
		scimPrecondition: ssoPreconditionProblem(ssoMethods),
		scimWarning: scimDriftWarning(team.scimEnabled, ssoMethods),
	});
});

serviceApi.put("/teams/:teamId/sso", async (c) => {
	const { methods } = await parseBody(c, ssoBody);
	const teamId = c.req.param("teamId");
	return c.json(unwrap(await teamStub(c.env, teamId).setSsoMethods(methods, SERVICE)));
});

serviceApi.put("/teams/:teamId/scim", async (c) => {
	const { enabled } = await parseBody(c, scimBody);
	const teamId = c.req.param("teamId");
	return c.json(unwrap(await teamStub(c.env, teamId).setScimEnabled(enabled, SERVICE)));
});

serviceApi.post("/teams/:teamId/scim-keys", async (c) => {
	const { name, expiresAt } = await parseBody(c, keyBody);
	const teamId = c.req.param("teamId");
	const expiry = expiresAt ? new Date(expiresAt).toISOString() : null;
	return c.json(unwrap(await teamStub(c.env, teamId).createKey(name, SERVICE, expiry)), 201);
});

serviceApi.post("/teams/:teamId/scim-keys/:keyId/regenerate", async (c) => {
	const { graceSeconds } = await parseBody(c, regenerateBody);
	const { teamId, keyId } = c.req.param();
	return c.json(
		unwrap(await teamStub(c.env, teamId).regenerateKey(keyId, graceSeconds, SERVICE)),
		201,
	);
});

serviceApi.get("/teams/:teamId/scim-keys", async (c) => {
	const team = await requireTeam(c.var.db, c.req.param("teamId"));
	const now = new Date().toISOString();
	return c.json({ keys: (await listKeys(c.var.db, team.id)).map((k) => publicKey(k, now)) });
});

serviceApi.delete("/teams/:teamId/scim-keys/:keyId", async (c) => {
	const { teamId, keyId } = c.req.param();
	unwrap(await teamStub(c.env, teamId).revokeKey(keyId, SERVICE));
	return c.body(null, 204);
});

serviceApi.get("/teams/:teamId/members", async (c) => {
	const team = await requireTeam(c.var.db, c.req.param("teamId"));
	return c.json({ members: await listMembers(c.var.db, team.id) });
});

serviceApi.delete("/teams/:teamId/members/:accountId", async (c) => {
	const { teamId, accountId } = c.req.param();
	unwrap(await teamStub(c.env, teamId).removeMember(accountId, SERVICE));
	return c.body(null, 204);
});

// Verified email domains: the product proves ownership (e.g. by DNS) and tells the service; the
// team then manages every account in them (README "Tenancy and account authority").
serviceApi.put("/teams/:teamId/domains", async (c) => {
	const { domains } = await parseBody(c, domainsBody);
	const teamId = c.req.param("teamId");
	return c.json(unwrap(await teamStub(c.env, teamId).setDomains(domains, SERVICE)));
});

serviceApi.get("/teams/:teamId/domains", async (c) => {
	const team = await requireTeam(c.var.db, c.req.param("teamId"));
	return c.json({ domains: await listTeamDomains(c.var.db, team.id) });
});

serviceApi.get("/teams/:teamId/invites", async (c) => {
	const team = await requireTeam(c.var.db, c.req.param("teamId"));
	const now = new Date().toISOString();
	return c.json({
		invites: (await listInvites(c.var.db, team.id)).map((i) => publicInvite(i, now)),
	});
});

serviceApi.post("/teams/:teamId/admins", async (c) => {
	const { email } = await parseBody(c, emailBody);
	const teamId = c.req.param("teamId");
	return c.json(unwrap(await teamStub(c.env, teamId).addAdmin(email, SERVICE)), 201);
});

// Self-service actions that SCIM locks: 403 with the reason while the team is SCIM-managed.
serviceApi.post("/teams/:teamId/members/:accountId/leave", async (c) => {
	const { teamId, accountId } = c.req.param();
	unwrap(await teamStub(c.env, teamId).leaveTeam(accountId, SERVICE));
	return c.body(null, 204);
});

serviceApi.put("/teams/:teamId/members/:accountId/email", async (c) => {
	const { email } = await parseBody(c, emailBody);
	const { teamId, accountId } = c.req.param();
	return c.json(unwrap(await teamStub(c.env, teamId).changeEmail(accountId, email, SERVICE)));
});

serviceApi.post("/teams/:teamId/members/:accountId/password", async (c) => {
	const { teamId, accountId } = c.req.param();
	unwrap(await teamStub(c.env, teamId).checkPasswordChange(accountId, SERVICE));
	return c.json({ allowed: true });
});

/** A single-use, 15-minute admin login link for a team admin (without Cloudflare Access). */
serviceApi.post("/admin-login-links", async (c) => {
	const { teamId, email } = await parseBody(c, loginLinkBody);
	if (accessConfig(c.env)) {
		throw scimErrors.conflict(
			"Admins sign in through Cloudflare Access on this deployment; login links are off.",
		);
	}
	const { token, tokenHash } = await newLoginToken(sessionSecret(c.env));
	const link = unwrap(
		await teamStub(c.env, teamId).createAdminLoginLink(email, tokenHash, SERVICE),
	);
	const url = `${new URL(c.req.url).origin}/admin/login/${token}`;
	return c.json({ url, expiresAt: link.expiresAt, teamId, accountId: link.accountId }, 201);
});

/**
 * May this person sign in to this team now: a member the team has not blocked, whom the team
 * managing the account (if any) has not blocked everywhere. No other team's action counts.
 */
serviceApi.post("/auth/check", async (c) => {
	const { teamId, email } = await parseBody(c, authCheckBody);
	const db = c.var.db;
	await requireTeam(db, teamId);
	const account = await findAccountByEmail(db, email);
	const decision = signInDecision(
		teamId,
		account ? await readSignInFacts(db, teamId, account.id) : null,
	);
	return c.json({ ...decision, ...(account ? { accountId: account.id } : {}) });
});

async function parseBody<T extends z.ZodMiniType>(
	c: Context<AppEnv>,
	schema: T,
): Promise<z.infer<T>> {
	const parsed = schema.safeParse(await readJsonBody(c, MAX_SERVICE_API_BODY_BYTES));
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
		throw scimErrors.invalidValue(`${where}${issue?.message ?? "invalid request body"}`);
	}
	return parsed.data;
}

async function requireTeam(db: AppEnv["Variables"]["db"], teamId: string) {
	const team = await getTeam(db, teamId);
	if (!team) {
		throw scimErrors.notFound("Team not found.");
	}
	return team;
}
