import { and, eq, isNull, lt } from "drizzle-orm";
import { decodeBase64Url, encodeBase64Url } from "hono/utils/encode";
import { findAccountByEmail, getAccount, getMembershipRole } from "../db/accounts";
import { runBatch } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent } from "../db/events";
import { getLoginLink } from "../db/login-links";
import { adminLoginLinks, endedAdminSessions } from "../db/schema";
import { getTeam } from "../db/teams";
import { hashSecret, randomToken } from "../keys/token";
import { scimErrors } from "../scim/errors";
import { err, ok, type Result } from "../scim/result";
import type { SettingsContext } from "../team/settings-context";

/**
 * Admin login links (docs/architecture.md "Admin auth", without Cloudflare Access): `<random>.<HMAC>`.
 * The HMAC (key SESSION_SECRET) lets the Worker turn away forged links before touching D1 and
 * ends every outstanding link when the secret rotates; the D1 row, keyed by the SHA-256 of the
 * random part, makes the link expire and work once.
 */

export const LOGIN_LINK_TTL_MS = 15 * 60 * 1000;

/** A fresh login-link token and the hash under which its row is stored. */
export async function newLoginToken(secret: string): Promise<{ token: string; tokenHash: string }> {
	const nonce = randomToken();
	const signature = await crypto.subtle.sign(
		"HMAC",
		await hmacKey(secret),
		new TextEncoder().encode(nonce),
	);
	return {
		token: `${nonce}.${encodeBase64Url(signature).replace(/=+$/, "")}`,
		tokenHash: await hashSecret(nonce),
	};
}

/** The stored hash of a presented token, or null when its signature is not ours. */
export async function loginTokenHash(token: string, secret: string): Promise<string | null> {
	const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(token);
	if (!match?.[1] || !match[2]) {
		return null;
	}
	const valid = await crypto.subtle.verify(
		"HMAC",
		await hmacKey(secret),
		decodeBase64Url(match[2]),
		new TextEncoder().encode(match[1]),
	);
	return valid ? hashSecret(match[1]) : null;
}

/** Records a login link for a team admin; refused unless the email belongs to one. */
export async function createLoginLink(
	db: Db,
	ctx: SettingsContext,
	email: string,
	tokenHash: string,
): Promise<Result<{ accountId: string; email: string; expiresAt: string }>> {
	if (!(await getTeam(db, ctx.teamId))) {
		return err(scimErrors.notFound("Team not found.").toData());
	}
	const account = await findAccountByEmail(db, email);
	if (!account) {
		return err(scimErrors.notFound(`No account has the email "${email}".`).toData());
	}
	if ((await getMembershipRole(db, ctx.teamId, account.id)) !== "admin") {
		return err(
			scimErrors
				.forbidden(`${account.email} is not an admin of this team; only team admins can sign in.`)
				.toData(),
		);
	}
	const expiresAt = new Date(Date.parse(ctx.now) + LOGIN_LINK_TTL_MS).toISOString();
	await db.insert(adminLoginLinks).values({
		tokenHash,
		teamId: ctx.teamId,
		accountId: account.id,
		createdAt: ctx.now,
		expiresAt,
	});
	return ok({ accountId: account.id, email: account.email, expiresAt });
}

/** Spends a login link: it must be unused, unexpired and still belong to a team admin. */
export async function useLoginLink(
	db: Db,
	ctx: SettingsContext,
	tokenHash: string,
): Promise<Result<{ accountId: string; email: string }>> {
	const link = await getLoginLink(db, tokenHash);
	if (!link || link.teamId !== ctx.teamId) {
		return err(scimErrors.unauthorized("This login link is not valid.").toData());
	}
	if (link.usedAt !== null) {
		return err(
			scimErrors
				.unauthorized("This login link was already used. Ask for a new one: each link works once.")
				.toData(),
		);
	}
	if (link.expiresAt <= ctx.now) {
		return err(
			scimErrors
				.unauthorized("This login link has expired (links work for 15 minutes). Ask for a new one.")
				.toData(),
		);
	}
	if ((await getMembershipRole(db, ctx.teamId, link.accountId)) !== "admin") {
		return err(scimErrors.forbidden("This account is no longer an admin of the team.").toData());
	}
	const email = (await getAccount(db, link.accountId))?.email ?? null;
	await runBatch(db, [
		db
			.update(adminLoginLinks)
			.set({ usedAt: ctx.now })
			.where(and(eq(adminLoginLinks.tokenHash, tokenHash), isNull(adminLoginLinks.usedAt))),
		insertEvent(db, {
			teamId: ctx.teamId,
			at: ctx.now,
			actorType: "admin",
			actorId: link.accountId,
			action: "admin.login",
			targetType: "Account",
			targetId: link.accountId,
			targetLabel: email,
			outcome: "success",
			status: 200,
			detail: "Signed in with a login link",
		}),
	]);
	return ok({ accountId: link.accountId, email: email ?? "" });
}

async function hmacKey(secret: string): Promise<CryptoKey> {
	return crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign", "verify"],
	);
}

/**
 * Ends an admin session on the server as well (signing out): its cookie stops working even if
 * it was copied. Expired entries of the team are cleared on the way.
 */
export async function endAdminSession(
	db: Db,
	ctx: SettingsContext,
	session: { sessionId: string; accountId: string; expiresAt: string },
): Promise<Result<null>> {
	await runBatch(db, [
		db
			.delete(endedAdminSessions)
			.where(
				and(eq(endedAdminSessions.teamId, ctx.teamId), lt(endedAdminSessions.expiresAt, ctx.now)),
			),
		db
			.insert(endedAdminSessions)
			.values({ ...session, teamId: ctx.teamId, endedAt: ctx.now })
			.onConflictDoNothing(),
		insertEvent(db, {
			teamId: ctx.teamId,
			at: ctx.now,
			actorType: "admin",
			actorId: session.accountId,
			action: "admin.logout",
			targetType: "Account",
			targetId: session.accountId,
			outcome: "success",
			status: 200,
		}),
	]);
	return ok(null);
}
