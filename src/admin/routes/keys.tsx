import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { listKeys, publicKey } from "../../db/keys";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../../db/teams";
import { unwrap } from "../../http/unwrap";
import { teamStub } from "../../team/stub";
import { adminActor } from "../auth";
import { notice } from "../notices";
import { GRACE_CHOICES, KeysPage, NewKeyPage, RevokeKeyPage } from "../pages/keys";
import { type AdminEnv, renderPage } from "../session";

/** The SCIM keys: generate, list, regenerate, revoke. */
export const keysRoutes = new Hono<AdminEnv>();

keysRoutes.get("/keys", async (c) => renderKeys(c, { notice: notice(c) }));

keysRoutes.post("/keys", async (c) => {
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

keysRoutes.post("/keys/:keyId/regenerate", async (c) => {
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
	unwrap(await teamStub(c.env, teamId).revokeKey(teamId, key.id, adminActor(c)));
	return c.redirect("/admin/keys?notice=key-revoked", 303);
});

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
		? `No SCIM key can be generated: ${sso}`
		: team?.scimEnabled
			? null
			: "No SCIM key can be generated: turn SCIM on first, on the Authentication page.";
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

async function findKey(c: Context<AdminEnv>, keyId: string) {
	const key = (await listKeys(c.var.db, c.var.admin.teamId)).find((k) => k.id === keyId);
	if (!key) {
		throw new HTTPException(404, { message: "This SCIM key does not exist in your team." });
	}
	return publicKey(key, new Date().toISOString());
}
