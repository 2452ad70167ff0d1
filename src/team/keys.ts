import { and, eq, isNull, lt, or } from "drizzle-orm";
import { runBatch, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent } from "../db/events";
import { getKey, keyStatus, publicKey } from "../db/keys";
import { type ScimKeyRow, scimKeys } from "../db/schema";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../db/teams";
import { KEY_TOUCH_INTERVAL_MS } from "../keys/auth";
import { hashSecret, newKeyToken } from "../keys/token";
import { scimErrors } from "../scim/errors";
import { err, ok, type Result } from "../scim/result";
import { settingsEvent as event, type SettingsContext, teamNotFound } from "./settings-context";

/**
 * A team's SCIM keys: generate (only while SCIM is on with exactly one SSO method), regenerate
 * with a grace period, revoke, and record their use. They run inside the team's Durable Object.
 */

export const MAX_GRACE_SECONDS = 86_400;

export type PublicKey = ReturnType<typeof publicKey>;

/**
 * Generates a named SCIM key; the token is returned this once and only its hash is kept. A key
 * given an expiry (an ISO time in the future) stops working then, like a grace period's end.
 */
export async function createKey(
	db: Db,
	ctx: SettingsContext,
	name: string,
	expiresAt: string | null = null,
): Promise<Result<PublicKey & { token: string }>> {
	if (expiresAt !== null && expiresAt <= ctx.now) {
		return err(scimErrors.invalidValue("A key's expiry must be in the future.").toData());
	}
	const problem = await keyPrecondition(db, ctx.teamId);
	if (problem) {
		return err(problem);
	}
	const { key, token, statement } = await newKeyStatement(db, ctx, name, expiresAt);
	await runBatch(db, [
		statement,
		insertEvent(
			db,
			event(ctx, "key.create", { targetType: "ScimKey", targetId: key.id, targetLabel: name }),
		),
	]);
	return ok({ ...publicKey(key, ctx.now), token });
}

/**
 * Replaces a key with a new one of the same name. The old key keeps working for `graceSeconds`
 * (0 to 86400) while the IdP is switched over, and not a second longer.
 */
export async function regenerateKey(
	db: Db,
	ctx: SettingsContext,
	keyId: string,
	graceSeconds: number,
): Promise<Result<PublicKey & { token: string }>> {
	const old = await getKey(db, ctx.teamId, keyId);
	if (!old) {
		return err(scimErrors.notFound(`SCIM key ${keyId} not found.`).toData());
	}
	const status = keyStatus(old, ctx.now);
	if (status === "revoked" || status === "expired") {
		return err(
			scimErrors.conflict(`SCIM key ${keyId} is ${status}; generate a new key instead.`).toData(),
		);
	}
	if (old.replacedByKeyId !== null) {
		// A second regenerate would leave the first replacement working with nothing pointing to it.
		return err(
			scimErrors
				.conflict(
					`SCIM key ${keyId} was already regenerated: key ${old.replacedByKeyId} replaces it, and it works only until its grace period ends. Regenerate key ${old.replacedByKeyId} instead, or generate a new key if it was revoked.`,
				)
				.toData(),
		);
	}
	const problem = await keyPrecondition(db, ctx.teamId);
	if (problem) {
		return err(problem);
	}
	const { key, token, statement } = await newKeyStatement(db, ctx, old.name);
	const graceEnd = new Date(Date.parse(ctx.now) + graceSeconds * 1000).toISOString();
	// An old key already inside a grace period never gets a longer one.
	const expiresAt = old.expiresAt !== null && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
	await runBatch(db, [
		statement,
		db
			.update(scimKeys)
			.set(
				graceSeconds === 0
					? { revokedAt: ctx.now, replacedByKeyId: key.id }
					: { expiresAt, replacedByKeyId: key.id },
			)
			.where(eq(scimKeys.id, old.id)),
		insertEvent(
			db,
			event(ctx, "key.regenerate", {
				targetType: "ScimKey",
				targetId: key.id,
				targetLabel: old.name,
				detail: `Replaces key ${old.id}, which works for ${graceSeconds} more seconds`,
			}),
		),
	]);
	return ok({ ...publicKey(key, ctx.now), token });
}

/** Revokes a key: it stops working at once. */
export async function revokeKey(
	db: Db,
	ctx: SettingsContext,
	keyId: string,
): Promise<Result<null>> {
	const key = await getKey(db, ctx.teamId, keyId);
	if (!key) {
		return err(scimErrors.notFound(`SCIM key ${keyId} not found.`).toData());
	}
	if (key.revokedAt !== null) {
		return ok(null);
	}
	await runBatch(db, [
		db.update(scimKeys).set({ revokedAt: ctx.now }).where(eq(scimKeys.id, keyId)),
		insertEvent(
			db,
			event(ctx, "key.revoke", { targetType: "ScimKey", targetId: keyId, targetLabel: key.name }),
		),
	]);
	return ok(null);
}

/** Records when a key was last used, and by which client. */
export async function touchKey(
	db: Db,
	ctx: SettingsContext,
	keyId: string,
	userAgent: string | null,
): Promise<Result<null>> {
	await db
		.update(scimKeys)
		.set({ lastUsedAt: ctx.now, lastUserAgent: userAgent })
		.where(and(eq(scimKeys.teamId, ctx.teamId), eq(scimKeys.id, keyId)));
	return ok(null);
}

/**
 * Records a key's use inside a write's own batch, as the Worker's touch would, but only when the
 * last record is older than the touch interval: a busy key is not rewritten on every write.
 */
export function touchKeyStatement(
	db: Db,
	keyId: string,
	userAgent: string | null,
	now: string,
): Statement {
	const staleBefore = new Date(Date.parse(now) - KEY_TOUCH_INTERVAL_MS).toISOString();
	return db
		.update(scimKeys)
		.set({ lastUsedAt: now, lastUserAgent: userAgent })
		.where(
			and(
				eq(scimKeys.id, keyId),
				or(isNull(scimKeys.lastUsedAt), lt(scimKeys.lastUsedAt, staleBefore)),
			),
		);
}

async function keyPrecondition(db: Db, teamId: string) {
	const team = await getTeam(db, teamId);
	if (!team) {
		return teamNotFound();
	}
	const problem = ssoPreconditionProblem(await listSsoMethods(db, teamId));
	if (problem) {
		return scimErrors.conflict(`No SCIM key can be generated. ${problem}`).toData();
	}
	if (!team.scimEnabled) {
		return scimErrors
			.conflict("No SCIM key can be generated while SCIM is off: turn SCIM on first.")
			.toData();
	}
	return null;
}

async function newKeyStatement(
	db: Db,
	ctx: SettingsContext,
	name: string,
	expiresAt: string | null = null,
) {
	const { keyId, secret, token } = newKeyToken();
	const key: ScimKeyRow = {
		id: keyId,
		teamId: ctx.teamId,
		name,
		secretHash: await hashSecret(secret),
		createdAt: ctx.now,
		lastUsedAt: null,
		lastUserAgent: null,
		expiresAt,
		revokedAt: null,
		replacedByKeyId: null,
	};
	return { key, token, statement: db.insert(scimKeys).values(key) };
}
