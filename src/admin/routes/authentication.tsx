import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { Hono } from "hono/tiny";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../../db/teams";
import { unwrap } from "../../http/unwrap";
import { teamStub } from "../../team/stub";
import { adminActor } from "../auth";
import { notice } from "../notices";
import { AuthenticationPage, ScimOffPage } from "../pages/authentication";
import { type AdminEnv, renderPage } from "../session";

/** Team settings → Authentication: the SSO precondition and the SCIM switch. */
export const authenticationRoutes = new Hono<AdminEnv>();

const NOTICES = {
	"scim-on": (
		<>
			SCIM is on. Generate a key for your identity provider on the{" "}
			<a href="/admin/keys">SCIM keys</a> page.
		</>
	),
	"scim-off": (
		<>
			SCIM is off. Your identity provider's requests are refused until it is on again; its{" "}
			<a href="/admin/keys">SCIM keys</a> are kept.
		</>
	),
};

authenticationRoutes.get("/", async (c) => renderAuthentication(c, { notice: notice(c, NOTICES) }));

// Turning SCIM off stops the IdP at once, so it has its own confirmation step.
authenticationRoutes.get("/scim/off", async (c) => {
	const team = await getTeam(c.var.db, c.var.admin.teamId);
	if (!team?.scimEnabled) {
		return c.redirect("/admin", 303);
	}
	return renderPage(c, "Turn SCIM off", <ScimOffPage csrf={c.var.admin.csrf} />);
});

authenticationRoutes.post("/scim", async (c) => {
	const body = await c.req.parseBody();
	const enabled = body.enabled === "true";
	if (!enabled && body.confirm !== "yes") {
		c.status(400);
		return renderPage(
			c,
			"Turn SCIM off",
			<ScimOffPage csrf={c.var.admin.csrf} error="Tick the box to confirm." />,
		);
	}
	const { teamId } = c.var.admin;
	const result = await teamStub(c.env, teamId).setScimEnabled(enabled, adminActor(c));
	if (!result.ok && result.error.status === 409) {
		c.status(409);
		return renderAuthentication(c, { error: result.error.detail });
	}
	unwrap(result);
	return c.redirect(`/admin?notice=${enabled ? "scim-on" : "scim-off"}`, 303);
});

async function renderAuthentication(
	c: Context<AdminEnv>,
	messages: { error?: string; notice?: Child },
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
