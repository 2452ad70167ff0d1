import { csrf } from "hono/csrf";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { Hono } from "hono/tiny";
import { findInviteByTokenHash, inviteStatusAt } from "../db/invites";
import { getTeam } from "../db/teams";
import type { AppEnv } from "../env";
import { hashSecret } from "../keys/token";
import { teamStub } from "../team/stub";
import { handleInviteError } from "./errors";
import { type InviteView, renderInvitePage } from "./pages";

/**
 * `/invites/:token`: the page an invited person opens from the email, and its accept form.
 * No session: the unguessable token in the URL is the credential. The POST is also checked
 * against cross-site submission (Origin / Sec-Fetch-Site), and the pages never leak the token
 * to another site (Referrer-Policy same-origin, no-store).
 */
export const invitesApp = new Hono<AppEnv>();

invitesApp.onError(handleInviteError);

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

invitesApp.use(
	"*",
	secureHeaders({
		contentSecurityPolicy: {
			defaultSrc: ["'none'"],
			styleSrc: [NONCE],
			formAction: ["'self'"],
			frameAncestors: ["'none'"],
			baseUri: ["'none'"],
		},
		// The token is in the URL: never send it to another site, but let the accept form carry a
		// real Origin (no-referrer would make it "null").
		referrerPolicy: "same-origin",
		xFrameOptions: "DENY",
	}),
	async (c, next) => {
		await next();
		c.header("Cache-Control", "no-store");
	},
);
invitesApp.use("/:token", csrf());

invitesApp.get("/:token", async (c) => {
	const db = c.var.db;
	const invite = await lookup(db, c.req.param("token"));
	const team = invite ? await getTeam(db, invite.teamId) : null;
	if (!invite || !team) {
		return renderInvitePage(c, { kind: "not_found" });
	}
	const status = inviteStatusAt(invite, new Date().toISOString());
	const view: InviteView =
		status === "pending"
			? { kind: "pending", teamName: team.name, email: invite.email, expiresAt: invite.expiresAt }
			: { kind: status === "accepted" ? "used" : status, teamName: team.name };
	return renderInvitePage(c, view);
});

invitesApp.post("/:token", async (c) => {
	const invite = await lookup(c.var.db, c.req.param("token"));
	if (!invite) {
		return renderInvitePage(c, { kind: "not_found" });
	}
	const result = await teamStub(c.env, invite.teamId).acceptInvite(invite.tokenHash);
	if (result.ok) {
		return renderInvitePage(c, { kind: "joined", teamName: result.value.teamName });
	}
	if (result.error === "not_found") {
		return renderInvitePage(c, { kind: "not_found" });
	}
	const team = await getTeam(c.var.db, invite.teamId);
	return renderInvitePage(c, { kind: result.error, teamName: team?.name ?? "the team" });
});

async function lookup(db: AppEnv["Variables"]["db"], token: string) {
	return TOKEN.test(token) ? findInviteByTokenHash(db, await hashSecret(token)) : null;
}
