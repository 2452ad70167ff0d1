import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Child } from "hono/jsx";
import { Hono } from "hono/tiny";
import { listKeys, publicKey } from "../../db/keys";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../../db/teams";
import { unwrap } from "../../http/unwrap";
import { teamStub } from "../../team/stub";
import { adminActor } from "../auth";
import { notice } from "../notices";
import {
	GRACE_CHOICES,
	KeysPage,
	NewKeyPage,
	RegenerateNowPage,
	RevokeKeyPage,
} from "../pages/keys";
import { type AdminEnv, renderPage } from "../session";

/** The SCIM keys: generate, list, regenerate, revoke. */
export const keysRoutes = new Hono<AdminEnv>();

const NOTICES = {
	"key-revoked": (
		<>
			The key was revoked: it no longer works. It is listed under{" "}
			<a href="#old-keys">Revoked and expired keys</a>.
		</>
	),
};

keysRoutes.get("/keys", async (c) => renderKeys(c, { notice: notice(c, NOTICES) }));

keysRoutes.post("/keys", async (c) => {
	const body = await c.req.parseBody();
	const name = String(body.name ?? "").trim();
	if (name.length === 0 || name.length > 100) {
		c.status(400);
		return renderKeys(c, { error: "Give the key a name of 1 to 100 characters." });
	}
	const expiresOn = String(body.expiresOn ?? "").trim();
	const expiresAt = expiresOn === "" ? null : startOfDay(expiresOn);
	if (expiresAt === undefined) {
		c.status(400);
		return renderKeys(c, { error: "Give the expiry as a date (YYYY-MM-DD), or leave it empty." });
	}
	const { teamId } = c.var.admin;
	const result = await teamStub(c.env, teamId).createKey(name, adminActor(c), expiresAt);
	if (!result.ok && (result.error.status === 409 || result.error.status === 400)) {
		c.status(result.error.status);
		return renderKeys(c, { error: result.error.detail });
	}
	c.status(201);
	return renderPage(c, "New SCIM key", <NewKeyPage item={unwrap(result)} />);
});

keysRoutes.post("/keys/:keyId/regenerate", async (c) => {
	const body = await c.req.parseBody();
	const grace = Number(body.graceSeconds);
	if (!GRACE_CHOICES.some(([seconds]) => seconds === grace)) {
		c.status(400);
		return renderKeys(c, { error: "Choose a grace period: 1 hour, 24 hours or none." });
	}
	const { teamId } = c.var.admin;
	const keyId = c.req.param("keyId");
	// Cutting the old key off at once breaks the IdP until it has the new key: confirm first.
	if (grace === 0 && body.confirm !== "yes") {
		const key = await findKey(c, keyId);
		return renderPage(
			c,
			"Regenerate SCIM key",
			<RegenerateNowPage item={key} csrf={c.var.admin.csrf} />,
		);
	}
	const result = await teamStub(c.env, teamId).regenerateKey(keyId, grace, adminActor(c));
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

keysRoutes.get("/keys/:keyId/revoke", async (c) => {
	const key = await findKey(c, c.req.param("keyId"));
	return renderPage(c, "Revoke SCIM key", <RevokeKeyPage item={key} csrf={c.var.admin.csrf} />);
});

keysRoutes.post("/keys/:keyId/revoke", async (c) => {
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
	unwrap(await teamStub(c.env, teamId).revokeKey(key.id, adminActor(c)));
	return c.redirect("/admin/keys?notice=key-revoked", 303);
});

async function renderKeys(c: Context<AdminEnv>, messages: { error?: string; notice?: Child }) {
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
			now={now}
			problem={problem}
			{...messages}
		/>,
	);
}

async function findKey(c: Context<AdminEnv>, keyId: string) {
	const key = (await listKeys(c.var.db, c.var.admin.teamId)).find((k) => k.id === keyId);
	if (!key) {
		throw new HTTPException(404, { message: "This SCIM key does not exist in your team." });
	}
	return publicKey(key, new Date().toISOString());
}

/** A YYYY-MM-DD date as the ISO time its day starts (UTC), or undefined when it is not a date. */
function startOfDay(date: string): string | undefined {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
		return undefined;
	}
	const time = Date.parse(`${date}T00:00:00.000Z`);
	const iso = Number.isNaN(time) ? "" : new Date(time).toISOString();
	// Date.parse rolls 2027-02-30 over into March: only a date that round-trips is one.
	return iso.startsWith(date) ? iso : undefined;
}
