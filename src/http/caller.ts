import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { Result } from "../scim/result";
import { type TeamRpc, teamStub } from "../team/stub";
import type { WriteCaller, WriteResult } from "../team/team-do";
import { keyCheckedByWrite, verifyKey } from "./middleware/scim-auth";
import { unwrap } from "./unwrap";

/**
 * The SCIM caller as the routes hand it on: who writes (the SCIM key, for the log) and where
 * the service was reached (for Locations, `meta.location` and invite links).
 */

/**
 * The caller of a SCIM write: its key as the actor, this service's origin, and the presented key
 * while it is unchecked, so that the team object checks it inside the write's own batch.
 */
export function writeInput(c: Context<AppEnv>): WriteCaller {
	return {
		actor: { type: "scim_key", id: c.var.scimCaller.keyId },
		origin: new URL(c.req.url).origin,
		credential: c.var.scimCaller.unverified,
		userAgent: c.req.header("User-Agent") ?? null,
	};
}

/** The SCIM base URL as the client reached it. */
export function scimBaseUrl(c: Context): string {
	return `${new URL(c.req.url).origin}/scim/v2`;
}

/**
 * The team object that makes the caller's single writes. The key need not be checked yet: the
 * write's batch checks it (see `writeAnswer`).
 */
export function teamOf(c: Context<AppEnv>): TeamRpc {
	return teamStub(c.env, c.var.scimCaller.teamId);
}

/** The team object for a Bulk request, once the caller's key is checked: one check for many writes. */
export async function teamWriter(c: Context<AppEnv>): Promise<TeamRpc> {
	await verifyKey(c);
	return teamOf(c);
}

/**
 * The value of a single write's answer, or its error thrown for the error mapper. When a batch
 * with the key's guard committed, the key counts as checked and the middleware's check after
 * the route costs nothing; otherwise (a 404, a no-op) that check reads the key before any answer
 * leaves.
 */
export function writeAnswer<T>(c: Context<AppEnv>, result: WriteResult<T> | Result<T>): T {
	if ("keyChecked" in result && result.keyChecked === true) {
		keyCheckedByWrite(c);
	}
	return unwrap(result);
}
