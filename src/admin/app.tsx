import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { getAccount, listMembers } from "../db/accounts";
import { listEventActions, listEvents } from "../db/events";
import { listInvites, publicInvite } from "../db/invites";
import { listKeys, publicKey } from "../db/keys";
import { getLoginLink } from "../db/login-links";
import type { ProvisioningEventRow } from "../db/schema";
import { listScimUsersByState } from "../db/scim-users";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../db/teams";
import { unwrap } from "../http/unwrap";
import { teamStub } from "../team/stub";
import { accessConfig } from "./access-jwt";
import { adminActor, requireAdmin } from "./auth";
import { requireCsrfToken, sameOriginForms } from "./csrf";
import { csvRow } from "./csv";
import { Document } from "./layout";
import { loginTokenHash } from "./login-links";
import { AuthenticationPage } from "./pages/authentication";
import { GRACE_CHOICES, KeysPage, NewKeyPage, RevokeKeyPage } from "./pages/keys";
import { actorLabel, type LogFilters, LogPage } from "./pages/log";
import { MembersPage, RemoveMemberPage } from "./pages/members";
import { LoginLinkPage, SignedOutPage } from "./pages/sign-in";
import { type AdminEnv, endSession, renderPage, sessionSecret, startSession } from "./session";

/**
 * The team admin page (DESIGN.md "Surfaces", STYLE.md point 18), mounted at /admin: server-rendered
 * with hono/jsx, usable without JavaScript. Reads come from the same db/* functions as the service
 * API; every write goes through the team's Durable Object with the admin as the actor.
 */
export const adminApp = new Hono<AdminEnv>();

const LOG_PAGE_SIZE = 50;
const CSV_MAX_ROWS = 50_000;

const NOTICES: Record<string, string> = {
	"scim-on": "SCIM is on. Generate a key on the SCIM keys page for your identity provider.",
	"scim-off": "SCIM is off. Your identity provider's requests are refused until it is on again.",
	"key-revoked": "The key was revoked: it no longer works.",
	"member-removed": "The member was removed from the team.",
	"invite-resent": "The invite was sent again with a new link; the old link no longer works.",
	"invite-revoked": "The invite was revoked.",
};

adminApp.use(
	"*",
	secureHeaders({
		contentSecurityPolicy: {
			defaultSrc: ["'none'"],
			styleSrc: [NONCE],
			scriptSrc: [NONCE],
			formAction: ["'self'"],
			frameAncestors: ["'none'"],
			baseUri: ["'none'"],
		},
		xFrameOptions: "DENY",
		// same-origin, not no-referrer: browsers then send a real Origin on form posts (no-referrer
		// makes it "null"), so the origin check does not rest on Sec-Fetch-Site alone.
		referrerPolicy: "same-origin",
		strictTransportSecurity: "max-age=31536000; includeSubDomains",
	}),
	createMiddleware<AdminEnv>(async (c, next) => {
		await next();
		// Pages carry tokens and member data: never cache them.
		c.header("Cache-Control", "no-store");
	}),
	sameOriginForms,
	// What hono/jsx-renderer's `jsxRenderer(layout, { docType: true })` does, without the streaming
	// renderer and client-side hono/jsx (DOM, hooks) that importing it bundles.
	createMiddleware<AdminEnv>(async (c, next) => {
		c.setRenderer((content) =>
			c.html(
				html`<!DOCTYPE html>${(
					<Document
						title={c.get("pageTitle") ?? "SCIM provisioning"}
						nonce={c.get("secureHeadersNonce")}
						admin={c.get("admin")}
						path={c.req.path}
					>
						{content}
					</Document>
				)}`,
			),
		);
		await next();
	}),
);

// ── Sign-in with a login link (only without Cloudflare Access) ──────────────────────────────

adminApp.get("/login/:token", async (c) => {
	const link = await findLink(c, c.req.param("token"));
	const [team, account] = await Promise.all([
		getTeam(c.var.db, link.teamId),
		getAccount(c.var.db, link.accountId),
	]);
	return renderPage(
		c,
		"Sign in",
		<LoginLinkPage
			token={c.req.param("token")}
			teamName={team?.name ?? link.teamId}
			email={account?.email ?? ""}
		/>,
	);
});

adminApp.post("/login", async (c) => {
	const token = (await c.req.parseBody()).token;
	const link = await findLink(c, typeof token === "string" ? token : "");
	const used = unwrap(
		await teamStub(c.env, link.teamId).useAdminLoginLink(link.teamId, link.tokenHash),
	);
	await startSession(c, {
		teamId: link.teamId,
		accountId: used.accountId,
		email: used.email,
		via: "link",
	});
	return c.redirect("/admin", 303);
});

// ── Everything below needs a signed-in team admin, and a CSRF token on every POST ──────────

adminApp.use("*", requireAdmin, requireCsrfToken);

adminApp.post("/logout", async (c) => {
	const { id, teamId, accountId, expiresAt } = c.var.admin;
	unwrap(
		await teamStub(c.env, teamId).endAdminSession(teamId, {
			sessionId: id,
			accountId,
			expiresAt: new Date(expiresAt).toISOString(),
		}),
	);
	endSession(c);
	c.set("admin", undefined as never);
	return renderPage(c, "Signed out", <SignedOutPage />);
});

adminApp.get("/", async (c) => renderAuthentication(c, { notice: notice(c) }));

adminApp.post("/scim", async (c) => {
	const enabled = (await c.req.parseBody()).enabled === "true";
	const { teamId } = c.var.admin;
	const result = await teamStub(c.env, teamId).setScimEnabled(teamId, enabled, adminActor(c));
	if (!result.ok && result.error.status === 409) {
		c.status(409);
		return renderAuthentication(c, { error: result.error.detail });
	}
	unwrap(result);
	return c.redirect(`/admin?notice=${enabled ? "scim-on" : "scim-off"}`, 303);
});

adminApp.get("/keys", async (c) => renderKeys(c, { notice: notice(c) }));

adminApp.post("/keys", async (c) => {
	const name = String((await c.req.parseBody()).name ?? "").trim();
	if (name.length === 0 || name.length > 100) {
		c.status(400);
		return renderKeys(c, { error: "Give the key a name of 1 to 100 characters." });
	}
	const { teamId } = c.var.admin;
	const result = await teamStub(c.env, teamId).createKey(teamId, name, adminActor(c));
	if (!result.ok && result.error.status === 409) {
		c.status(409);
		return renderKeys(c, { error: result.error.detail });
	}
	c.status(201);
	return renderPage(c, "New SCIM key", <NewKeyPage item={unwrap(result)} />);
});

adminApp.post("/keys/:keyId/regenerate", async (c) => {
	const grace = Number((await c.req.parseBody()).graceSeconds);
	if (!GRACE_CHOICES.some(([seconds]) => seconds === grace)) {
		c.status(400);
		return renderKeys(c, { error: "Choose a grace period: none, 1 hour or 24 hours." });
	}
	const { teamId } = c.var.admin;
	const keyId = c.req.param("keyId");
	const result = await teamStub(c.env, teamId).regenerateKey(teamId, keyId, grace, adminActor(c));
	if (!result.ok && result.error.status === 409) {
		c.status(409);
		return renderKeys(c, { error: result.error.detail });
	}
	const key = unwrap(result);
	const replaced =
		grace === 0
			? "The old key stopped working."
			: `The old key keeps working for ${grace === 3600 ? "1 hour" : "24 hours"}, while you switch your identity provider over.`;
	c.status(201);
	return renderPage(c, "Regenerated SCIM key", <NewKeyPage item={key} replaced={replaced} />);
});

adminApp.get("/keys/:keyId/revoke", async (c) => {
	const key = await findKey(c, c.req.param("keyId"));
	return renderPage(c, "Revoke SCIM key", <RevokeKeyPage item={key} csrf={c.var.admin.csrf} />);
});

adminApp.post("/keys/:keyId/revoke", async (c) => {
	const key = await findKey(c, c.req.param("keyId"));
	if ((await c.req.parseBody()).confirm !== "yes") {
		c.status(400);
		return renderPage(
			c,
			"Revoke SCIM key",
			<RevokeKeyPage item={key} csrf={c.var.admin.csrf} error="Tick the box to confirm." />,
		);
	}
	const { teamId } = c.var.admin;
	unwrap(await teamStub(c.env, teamId).revokeKey(teamId, key.id, adminActor(c)));
	return c.redirect("/admin/keys?notice=key-revoked", 303);
});

adminApp.get("/members", async (c) => {
	const { teamId, accountId, csrf } = c.var.admin;
	const db = c.var.db;
	const now = new Date().toISOString();
	const [members, deactivated, invites] = await Promise.all([
		listMembers(db, teamId),
		listScimUsersByState(db, teamId, "deactivated"),
		listInvites(db, teamId),
	]);
	return renderPage(
		c,
		"Members",
		<MembersPage
			csrf={csrf}
			selfAccountId={accountId}
			members={members}
			deactivated={deactivated}
			invites={invites.filter((i) => i.status === "pending").map((i) => publicInvite(i, now))}
			notice={notice(c)}
		/>,
	);
});

adminApp.get("/members/:accountId/remove", async (c) => {
	const member = await findRemovableMember(c, c.req.param("accountId"));
	const team = await getTeam(c.var.db, c.var.admin.teamId);
	return renderPage(
		c,
		"Remove member",
		<RemoveMemberPage
			member={member}
			csrf={c.var.admin.csrf}
			scimEnabled={team?.scimEnabled ?? false}
		/>,
	);
});

adminApp.post("/members/:accountId/remove", async (c) => {
	const member = await findRemovableMember(c, c.req.param("accountId"));
	if ((await c.req.parseBody()).confirm !== "yes") {
		throw new HTTPException(400, { message: "Tick the box to confirm the removal." });
	}
	const { teamId } = c.var.admin;
	unwrap(await teamStub(c.env, teamId).removeMember(teamId, member.accountId, adminActor(c)));
	return c.redirect("/admin/members?notice=member-removed", 303);
});

adminApp.post("/invites/:inviteId/resend", async (c) => {
	const { teamId } = c.var.admin;
	unwrap(
		await teamStub(c.env, teamId).resendInvite(teamId, c.req.param("inviteId"), adminActor(c)),
	);
	return c.redirect("/admin/members?notice=invite-resent", 303);
});

adminApp.post("/invites/:inviteId/revoke", async (c) => {
	const { teamId } = c.var.admin;
	unwrap(
		await teamStub(c.env, teamId).revokeInvite(teamId, c.req.param("inviteId"), adminActor(c)),
	);
	return c.redirect("/admin/members?notice=invite-revoked", 303);
});

adminApp.get("/log", async (c) => {
	const { teamId } = c.var.admin;
	const db = c.var.db;
	const filters = logFilters(c);
	const before = cursor(c.req.query("before"));
	const [rows, actions, names] = await Promise.all([
		listEvents(db, teamId, { ...eventQuery(filters), before, limit: LOG_PAGE_SIZE + 1 }),
		listEventActions(db, teamId),
		actorNames(c),
	]);
	const events = rows.slice(0, LOG_PAGE_SIZE);
	const last = events.at(-1);
	return renderPage(
		c,
		"Provisioning log",
		<LogPage
			events={events}
			filters={filters}
			actions={actions}
			keys={names.keys}
			actorNames={names.byId}
			nextBefore={rows.length > LOG_PAGE_SIZE && last ? last.id : null}
			firstPage={before === undefined}
		/>,
	);
});

adminApp.get("/log.csv", async (c) => {
	const { teamId } = c.var.admin;
	const filters = logFilters(c);
	const names = await actorNames(c);
	let csv = csvRow([
		"id",
		"at",
		"actor_type",
		"actor_id",
		"actor",
		"action",
		"target_type",
		"target_id",
		"target_label",
		"outcome",
		"status",
		"changes",
		"detail",
	]);
	let before: number | undefined;
	for (let total = 0; total < CSV_MAX_ROWS; ) {
		const rows: ProvisioningEventRow[] = await listEvents(c.var.db, teamId, {
			...eventQuery(filters),
			before,
			limit: 1000,
		});
		for (const e of rows) {
			csv += csvRow([
				e.id,
				e.at,
				e.actorType,
				e.actorId,
				actorLabel(e, names.byId),
				e.action,
				e.targetType,
				e.targetId,
				e.targetLabel,
				e.outcome,
				e.status,
				(e.changes ?? []).join(" "),
				e.detail,
			]);
		}
		total += rows.length;
		before = rows.at(-1)?.id;
		if (rows.length < 1000 || before === undefined) {
			break;
		}
	}
	const date = new Date().toISOString().slice(0, 10);
	return c.body(csv, 200, {
		"Content-Type": "text/csv; charset=utf-8",
		"Content-Disposition": `attachment; filename="provisioning-log-${date}.csv"`,
	});
});

// ── helpers ──────────────────────────────────────────────────────────────────────────────

async function renderAuthentication(
	c: Context<AdminEnv>,
	messages: { error?: string; notice?: string },
) {
	const { teamId, csrf } = c.var.admin;
	const [team, ssoMethods] = await Promise.all([
		getTeam(c.var.db, teamId),
		listSsoMethods(c.var.db, teamId),
	]);
	return renderPage(
		c,
		"SCIM provisioning",
		<AuthenticationPage
			csrf={csrf}
			ssoMethods={ssoMethods}
			problem={ssoPreconditionProblem(ssoMethods)}
			scimEnabled={team?.scimEnabled ?? false}
			scimBaseUrl={`${new URL(c.req.url).origin}/scim/v2`}
			{...messages}
		/>,
	);
}

async function renderKeys(c: Context<AdminEnv>, messages: { error?: string; notice?: string }) {
	const { teamId, csrf } = c.var.admin;
	const db = c.var.db;
	const [team, ssoMethods, keys] = await Promise.all([
		getTeam(db, teamId),
		listSsoMethods(db, teamId),
		listKeys(db, teamId),
	]);
	const now = new Date().toISOString();
	const sso = ssoPreconditionProblem(ssoMethods);
	const problem = sso
		? `No SCIM key can be generated. ${sso}`
		: team?.scimEnabled
			? null
			: "No SCIM key can be generated while SCIM is off: turn SCIM on first, on the Authentication page.";
	return renderPage(
		c,
		"SCIM keys",
		<KeysPage
			csrf={csrf}
			keys={keys.map((k) => publicKey(k, now))}
			problem={problem}
			{...messages}
		/>,
	);
}

/** A login link that is ours, unused and unexpired; otherwise a 401 page saying why. */
async function findLink(c: Context<AdminEnv>, token: string) {
	if (accessConfig(c.env)) {
		throw new HTTPException(404, {
			message:
				"Login links are off: this deployment signs admins in with Cloudflare Access. Open /admin.",
		});
	}
	const tokenHash = await loginTokenHash(token, sessionSecret(c.env));
	const link = tokenHash ? await getLoginLink(c.var.db, tokenHash) : null;
	if (!link) {
		throw new HTTPException(401, { message: "This login link is not valid." });
	}
	if (link.usedAt !== null) {
		throw new HTTPException(401, {
			message: "This login link was already used. Ask for a new one: each link works once.",
		});
	}
	if (link.expiresAt <= new Date().toISOString()) {
		throw new HTTPException(401, {
			message: "This login link has expired (links work for 15 minutes). Ask for a new one.",
		});
	}
	return link;
}

async function findKey(c: Context<AdminEnv>, keyId: string) {
	const key = (await listKeys(c.var.db, c.var.admin.teamId)).find((k) => k.id === keyId);
	if (!key) {
		throw new HTTPException(404, { message: "This SCIM key does not exist in your team." });
	}
	return publicKey(key, new Date().toISOString());
}

async function findRemovableMember(c: Context<AdminEnv>, accountId: string) {
	if (accountId === c.var.admin.accountId) {
		throw new HTTPException(409, {
			message: "You cannot remove yourself. Ask another team admin to do it.",
		});
	}
	const member = (await listMembers(c.var.db, c.var.admin.teamId)).find(
		(m) => m.accountId === accountId,
	);
	if (!member) {
		throw new HTTPException(404, { message: "That account is not a member of this team." });
	}
	return member;
}

function notice(c: Context<AdminEnv>): string | undefined {
	return NOTICES[c.req.query("notice") ?? ""];
}

function logFilters(c: Context<AdminEnv>): LogFilters {
	const text = (name: string, max: number) => (c.req.query(name) ?? "").trim().slice(0, max);
	return { action: text("action", 100), user: text("user", 200), key: text("key", 100) };
}

function eventQuery(filters: LogFilters) {
	return {
		action: filters.action || undefined,
		target: filters.user || undefined,
		actorId: filters.key || undefined,
	};
}

function cursor(value: string | undefined): number | undefined {
	const n = Number(value);
	return value && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

async function actorNames(c: Context<AdminEnv>) {
	const { teamId } = c.var.admin;
	const [keys, members] = await Promise.all([
		listKeys(c.var.db, teamId),
		listMembers(c.var.db, teamId),
	]);
	const byId = new Map<string, string>();
	for (const k of keys) {
		byId.set(k.id, k.name);
	}
	for (const m of members) {
		byId.set(m.accountId, m.email);
	}
	return { byId, keys: keys.map((k) => ({ id: k.id, name: k.name })) };
}
