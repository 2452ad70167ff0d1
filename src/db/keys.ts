import { and, desc, eq } from "drizzle-orm";
import type { Db } from "./client";
import { type ScimKeyRow, scimKeys, teams } from "./schema";

export type KeyStatus = "active" | "expiring" | "expired" | "revoked";

/** A key's status at `now`. */
export function keyStatus(
	key: Pick<ScimKeyRow, "revokedAt" | "expiresAt">,
	now: string,
): KeyStatus {
	if (key.revokedAt !== null) {
		return "revoked";
	}
	if (key.expiresAt !== null) {
		return key.expiresAt > now ? "expiring" : "expired";
	}
	return "active";
}

/**
 * What authenticating a SCIM request reads of a key (src/keys/auth.ts): not its name, creation
 * time or last user agent, which every request would otherwise carry back from D1.
 */
const KEY_FOR_AUTH = {
	id: scimKeys.id,
	teamId: scimKeys.teamId,
	secretHash: scimKeys.secretHash,
	lastUsedAt: scimKeys.lastUsedAt,
	expiresAt: scimKeys.expiresAt,
	revokedAt: scimKeys.revokedAt,
	replacedByKeyId: scimKeys.replacedByKeyId,
};

/**
 * The key with its team's SCIM switch, for authenticating a SCIM request (src/keys/auth.ts),
 * built but not run: it goes into the same D1 batch as the request's own statements.
 */
export function keyForAuthQuery(db: Db, keyId: string) {
	return db
		.select({ key: KEY_FOR_AUTH, scimEnabled: teams.scimEnabled })
		.from(scimKeys)
		.innerJoin(teams, eq(teams.id, scimKeys.teamId))
		.where(eq(scimKeys.id, keyId))
		.limit(1);
}

/** The team's keys, newest first. */
export async function listKeys(db: Db, teamId: string): Promise<ScimKeyRow[]> {
	return db
		.select()
		.from(scimKeys)
		.where(eq(scimKeys.teamId, teamId))
		.orderBy(desc(scimKeys.createdAt), scimKeys.id);
}

/** What the API and admin page may show of a key: never the hash. */
export function publicKey(key: ScimKeyRow, now: string) {
	return {
		id: key.id,
		name: key.name,
		status: keyStatus(key, now),
		createdAt: key.createdAt,
		lastUsedAt: key.lastUsedAt,
		lastUserAgent: key.lastUserAgent,
		expiresAt: key.expiresAt,
		revokedAt: key.revokedAt,
		replacedByKeyId: key.replacedByKeyId,
	};
}

/** The team's key with this id, or null. */
export async function getKey(db: Db, teamId: string, keyId: string): Promise<ScimKeyRow | null> {
	return (
		(await db
			.select()
			.from(scimKeys)
			.where(and(eq(scimKeys.teamId, teamId), eq(scimKeys.id, keyId)))
			.get()) ?? null
	);
}
