import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { findAccountByEmail, listAdminTeams } from "../db/accounts";
import { readSignInFacts } from "../db/authority";
import { isAdminSessionEnded } from "../db/login-links";
import { getTeam } from "../db/teams";
import type { Actor } from "../provisioning/actor";
import { signInDecision } from "../provisioning/authority";
import { foldCase } from "../scim/fold";
import { ACCESS_JWT_HEADER, AccessJwtError, accessConfig, verifyAccessJwt } from "./access-jwt";
import { TeamPickerPage } from "./pages/sign-in";
import {
	type AdminEnv,
	type AdminSession,
	endSession,
	readSession,
	renderPage,
	startSession,
} from "./session";

/**
 * The admin area's own auth (docs/architecture.md "Code style"), separate from the SCIM bearer auth. With
 * Cloudflare Access configured, every request must carry a valid Access JWT and its email picks
 * the admin; without it, a session started by a login link. Either way, each request re-checks
 * that the account is still an admin of the session's team, so removing an admin ends their
 * session at once.
 */
export const requireAdmin = createMiddleware<AdminEnv>(async (c, next) => {
	const access = accessConfig(c.env);
	let session = await readSession(c);
	if (access) {
		const token = c.req.header(ACCESS_JWT_HEADER);
		if (!token) {
			throw new HTTPException(401, {
				message: "This page is behind Cloudflare Access, but the request carried no Access token.",
			});
		}
		let email: string;
		try {
			email = (await verifyAccessJwt(token, access)).email;
		} catch (error) {
			if (error instanceof AccessJwtError) {
				throw new HTTPException(401, { message: error.message });
			}
			throw error;
		}
		const wantedTeam = c.req.query("team");
		if (
			session?.via !== "access" ||
			foldCase(session.email) !== foldCase(email) ||
			(wantedTeam && wantedTeam !== session.teamId)
		) {
			const picked = await accessSession(c, email, wantedTeam);
			if (picked instanceof Response) {
				return picked;
			}
			session = picked;
		}
	}
	if (!session) {
		throw new HTTPException(401, { message: "Sign in to see the team's admin page." });
	}
	const db = c.var.db;
	const [facts, team, ended] = await Promise.all([
		readSignInFacts(db, session.teamId, session.accountId),
		getTeam(db, session.teamId),
		isAdminSessionEnded(db, session.id),
	]);
	// The same rule as the product's sign-in (auth/check): only blocks this team, or the team
	// managing the account, set count.
	const decision = signInDecision(session.teamId, facts);
	if (ended) {
		endSession(c);
		throw new HTTPException(401, { message: "You signed out of this session. Sign in again." });
	}
	if (!decision.allowed || decision.role !== "admin" || !team) {
		endSession(c);
		throw new HTTPException(403, {
			message: `${session.email} is not an admin of this team (any more). Only team admins can use this page.`,
		});
	}
	c.set("admin", { ...session, teamName: team.name });
	await next();
});

/** The actor recorded for an admin's writes. */
export function adminActor(c: Context<AdminEnv>): Actor {
	return { type: "admin", id: c.var.admin.accountId };
}

/** Maps an Access email to a team it administers: the one team, `?team=`, or a picker page. */
async function accessSession(
	c: Context<AdminEnv>,
	email: string,
	wantedTeam: string | undefined,
): Promise<AdminSession | Response> {
	const account = await findAccountByEmail(c.var.db, email);
	const teams = account ? await listAdminTeams(c.var.db, account.id) : [];
	if (!account || teams.length === 0) {
		throw new HTTPException(403, {
			message: `${email} is not an admin of any team. Only team admins can use this page.`,
		});
	}
	const team = wantedTeam ? teams.find((t) => t.id === wantedTeam) : teams[0];
	if (!team) {
		throw new HTTPException(403, { message: `${email} is not an admin of that team.` });
	}
	if (!wantedTeam && teams.length > 1) {
		return renderPage(c, "Choose a team", <TeamPickerPage teams={teams} />);
	}
	return startSession(c, {
		teamId: team.id,
		accountId: account.id,
		email: account.email,
		via: "access",
	});
}
