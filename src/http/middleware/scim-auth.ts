import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { keyForAuthQuery } from "../../db/keys";
import type { AppEnv } from "../../env";
import {
	hashesMatch,
	KEY_TOUCH_INTERVAL_MS,
	type KeyCredential,
	type KeyForAuth,
	keyRefusal,
} from "../../keys/auth";
import { hashSecret, parseKeyToken } from "../../keys/token";
import { scimErrors } from "../../scim/errors";
import { teamStub } from "../../team/stub";

/** Keys remembered per isolate before the memory is dropped (it stays bounded). */
const MAX_KNOWN_KEYS = 10_000;

/**
 * What this isolate knows of keys it has seen: the team and the secret's hash. Neither ever
 * changes for a key id (a regenerated key is a new key), so they are safe to remember; whether
 * the key still works (revoked, expired, SCIM switched off) is never remembered, but read again
 * by every request (docs/architecture.md "One round trip per request").
 */
const knownKeys = new Map<string, { teamId: string; secretHash: string }>();

/**
 * Authenticates a SCIM request by its bearer key: 401 for a missing, unknown, wrong, revoked or
 * expired key; 403 when the key's team has SCIM switched off. The key names the team.
 *
 * A key this isolate has seen costs no round trip of its own: the middleware knows its team and
 * hash, so a wrong secret is refused at once, and the key row is read in the same D1 batch as the
 * request's data (`readWithKey`), or by the team object in a write's own batch. A key seen for the
 * first time is read and checked here. Whatever a route does, the key is checked before the
 * answer leaves (the check after `next`).
 */
export const scimAuth = createMiddleware<AppEnv>(async (c, next) => {
	const credential = await presentedCredential(c.req.header("Authorization"));
	const known = knownKeys.get(credential.keyId);
	if (known && !hashesMatch(credential.secretHash, known.secretHash)) {
		throw scimErrors.unauthorized("Invalid SCIM API key.");
	}
	c.set("scimCaller", {
		teamId: known?.teamId ?? "",
		keyId: credential.keyId,
		unverified: credential,
	});
	if (!known) {
		await verifyKey(c);
	}
	await next();
	// A route that read nothing (discovery) or that a write answered before any read.
	await verifyKey(c);
});

/**
 * Runs `queries` in one D1 batch with the caller's key check in front, when the key is not yet
 * checked: a read and its authentication are one round trip, and a refused key sees nothing.
 */
export async function readWithKey<T extends [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]>(
	c: Context<AppEnv>,
	queries: T,
): Promise<BatchResponse<T>> {
	const { db, scimCaller } = c.var;
	const credential = scimCaller.unverified;
	if (credential === null) {
		return db.batch(queries);
	}
	const [found, ...results] = (await db.batch([
		keyForAuthQuery(db, credential.keyId),
		...queries,
	])) as unknown as [KeyForAuth[], ...BatchResponse<T>];
	acceptKey(c, found[0], credential);
	return results as unknown as BatchResponse<T>;
}

/** Reads and checks the caller's key on its own, unless a batch already did. */
export async function verifyKey(c: Context<AppEnv>): Promise<void> {
	const credential = c.var.scimCaller.unverified;
	if (credential !== null) {
		const [found] = await keyForAuthQuery(c.var.db, credential.keyId);
		acceptKey(c, found, credential);
	}
}

/**
 * Marks the caller's key as checked because the team object ran a write's batch with the key's
 * guard in front (`keyGuard`, src/keys/auth.ts) and it committed: the check after `next` then
 * costs no round trip. The team object also refreshed the key's last use in that batch.
 */
export function keyCheckedByWrite(c: Context<AppEnv>): void {
	c.set("scimCaller", { ...c.var.scimCaller, unverified: null });
}

/**
 * Marks the caller's key as checked, given the key row a batch read (or what the team object
 * read for a write): throws the refusal, else remembers the key and refreshes its last use.
 */
export function acceptKey(
	c: Context<AppEnv>,
	found: KeyForAuth | undefined,
	credential: KeyCredential,
): void {
	const refusal = keyRefusal(found, credential, new Date().toISOString());
	if (refusal !== null || found === undefined) {
		throw refusal ?? scimErrors.unauthorized("Invalid SCIM API key.");
	}
	const { teamId } = found.key;
	if (knownKeys.size >= MAX_KNOWN_KEYS) {
		knownKeys.clear();
	}
	knownKeys.set(credential.keyId, { teamId, secretHash: found.key.secretHash });
	c.set("scimCaller", { teamId, keyId: credential.keyId, unverified: null });
	const lastUsed = found.key.lastUsedAt ? Date.parse(found.key.lastUsedAt) : 0;
	if (Date.now() - lastUsed > KEY_TOUCH_INTERVAL_MS) {
		c.executionCtx.waitUntil(
			teamStub(c.env, teamId)
				.touchKey(found.key.id, c.req.header("User-Agent") ?? null)
				.catch((error: unknown) => console.error("touchKey failed", error)),
		);
	}
}

/** The key id and secret hash of an `Authorization: Bearer <key>` header, or the 401. */
async function presentedCredential(header: string | undefined): Promise<KeyCredential> {
	const token = bearerToken(header);
	if (token === null) {
		throw scimErrors.unauthorized("Missing SCIM API key: send 'Authorization: Bearer <key>'.");
	}
	const parsed = parseKeyToken(token);
	if (!parsed) {
		throw scimErrors.unauthorized("Invalid SCIM API key.");
	}
	return { keyId: parsed.keyId, secretHash: await hashSecret(parsed.secret) };
}

/** The key id an `Authorization` header names, when it carries a token shaped like our keys. */
export function presentedKeyId(header: string | undefined): string | null {
	const token = bearerToken(header);
	return token === null ? null : (parseKeyToken(token)?.keyId ?? null);
}

function bearerToken(header: string | undefined): string | null {
	return /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1] ?? null;
}
