import { type Context, Hono } from "hono";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../../db/teams";
import { unwrap } from "../../http/unwrap";
import { teamStub } from "../../team/stub";
import { adminActor } from "../auth";
import { notice } from "../notices";
import { AuthenticationPage } from "../pages/authentication";
import { type AdminEnv, renderPage } from "../session";

/** Team settings → Authentication: the SSO precondition and the SCIM switch. */
export const authenticationRoutes = new Hono<AdminEnv>();

authenticationRoutes.get("/", async (c) => renderAuthentication(c, { notice: notice(c) }));

authenticationRoutes.post("/scim", async (c) => {
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
