import { sql } from "drizzle-orm";
import type { Statement } from "../db/batch";
import type { Db } from "../db/client";
import { keyStatus } from "../db/keys";
import type { ScimKeyRow } from "../db/schema";
import { type ScimError, scimErrors } from "../scim/errors";

/**
 * The one rule for whether a SCIM key may be used now (docs/architecture.md "One round trip per
 * request"). The Worker applies it to the key row it reads in the same D1 batch as a request's
 * data, and the team object to the row it reads in the same batch as a write's reads.
 */

/** What a request presents: the key id and the SHA-256 of its secret. */
export interface KeyCredential {
	keyId: string;
	secretHash: string;
}

/** The key row and its team's SCIM switch, as `keyForAuthQuery` reads them. */
export interface KeyForAuth {
	key: Pick<
		ScimKeyRow,
		"id" | "teamId" | "secretHash" | "lastUsedAt" | "expiresAt" | "revokedAt" | "replacedByKeyId"
	>;
	scimEnabled: boolean;
}

/**
 * Why `found` does not let `credential` in at `now`, or null when it does: 401 for an unknown,
 * wrong, revoked or expired key, 403 when the team has SCIM switched off.
 */
export function keyRefusal(
	found: KeyForAuth | null | undefined,
	credential: KeyCredential,
	now: string,
): ScimError | null {
	if (!found || !hashesMatch(credential.secretHash, found.key.secretHash)) {
		return scimErrors.unauthorized("Invalid SCIM API key.");
	}
	const status = keyStatus(found.key, now);
	if (status === "revoked" || status === "expired") {
		const why =
			status === "revoked"
				? "was revoked"
				: found.key.replacedByKeyId
					? "was replaced and its grace period has ended"
					: "has expired";
		return scimErrors.unauthorized(`This SCIM API key ${why}.`);
	}
	if (!found.scimEnabled) {
		return scimErrors.forbidden(
			"SCIM provisioning is switched off for this team; a team admin can turn it on.",
		);
	}
	return null;
}

/** How stale a key's last-used time may get before a request refreshes it. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;

/** What the error of a batch aborted by {@link keyGuard} says. */
const KEY_REFUSED = "scim key refused";

/**
 * A statement that aborts its D1 batch unless `credential` may be used at `now` for `teamId`: the
 * team object puts it first in every batch of a write whose key the Worker has not checked, so
 * the key check costs no round trip of its own and a refused key writes nothing.
 *
 * It is {@link keyRefusal} in SQL and must match it (test/integration/key-guard.test.ts holds
 * them to the same cases): the key id with that secret hash, not revoked, no `expires_at` at or
 * before `now` (ISO text compares in time order), and its team's SCIM switch on. It also asks
 * that the key belong to `teamId`, which keyRefusal leaves to the caller. The abort is the one
 * `versionGuard` uses (src/db/batch.ts): SQLite has no RAISE outside triggers, so a
 * malformed `json_extract` path makes the error. Recognise it with {@link isKeyRefused}, then
 * read the key row and answer with keyRefusal's 401 or 403.
 */
export function keyGuard(
	db: Db,
	credential: KeyCredential,
	teamId: string,
	now: string,
): Statement {
	// A select builder, not db.run: drizzle's D1 batch cannot bind the parameters of a raw run.
	return db
		.select({
			allowed: sql`json_extract('{}', iif(exists (
				select 1 from scim_keys k join teams t on t.id = k.team_id
				where k.id = ${credential.keyId} and k.secret_hash = ${credential.secretHash}
					and k.team_id = ${teamId} and k.revoked_at is null
					and (k.expires_at is null or k.expires_at > ${now}) and t.scim_enabled = 1
			), '$', ${sql.raw(`'${KEY_REFUSED}'`)}))`,
		})
		.from(sql`(select 1)`);
}

/** Whether a failed batch was aborted by a {@link keyGuard}. */
export function isKeyRefused(error: unknown): boolean {
	for (let e: unknown = error; e instanceof Error; e = e.cause) {
		if (e.message.includes(KEY_REFUSED)) {
			return true;
		}
	}
	return false;
}

/** Compares two hex hashes in constant time. */
export function hashesMatch(presented: string, stored: string): boolean {
	const a = new TextEncoder().encode(presented);
	const b = new TextEncoder().encode(stored);
	return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
