import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { Hono } from "hono/tiny";
import { getAccount } from "../../db/accounts";
import { getLoginLink } from "../../db/login-links";
import { getTeam } from "../../db/teams";
import { unwrap } from "../../http/unwrap";
import { teamStub } from "../../team/stub";
import { accessConfig } from "../access-jwt";
import { loginTokenHash } from "../login-links";
import { LoginLinkPage } from "../pages/sign-in";
import { type AdminEnv, renderPage, sessionSecret, startSession } from "../session";

/** Sign-in with a login link (only without Cloudflare Access): GET shows a button, POST uses it. */
export const signInRoutes = new Hono<AdminEnv>();

signInRoutes.get("/login/:token", async (c) => {
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

signInRoutes.post("/login", async (c) => {
	const token = (await c.req.parseBody()).token;
	const link = await findLink(c, typeof token === "string" ? token : "");
	const used = unwrap(await teamStub(c.env, link.teamId).useAdminLoginLink(link.tokenHash));
	await startSession(c, {
		teamId: link.teamId,
		accountId: used.accountId,
		email: used.email,
		via: "link",
	});
	return c.redirect("/admin", 303);
});

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
