import type { Context } from "hono";
import type { AppEnv } from "../env";
import { type TeamRpc, teamStub } from "../team/stub";
import type { WriteCaller } from "../team/team-do";
import { verifyKey } from "./middleware/scim-auth";

/**
 * The SCIM caller as the routes hand it on: who writes (the SCIM key, for the log) and where
 * the service was reached (for Locations, `meta.location` and invite links).
 */

/** The caller of a SCIM write: its key as the actor, and this service's origin. */
export function writeInput(c: Context<AppEnv>): WriteCaller {
	return {
		actor: { type: "scim_key", id: c.var.scimCaller.keyId },
		origin: new URL(c.req.url).origin,
	};
}

/** The SCIM base URL as the client reached it. */
export function scimBaseUrl(c: Context): string {
	return `${new URL(c.req.url).origin}/scim/v2`;
}

/** The team object that makes the caller's writes, once the caller's key is checked. */
export async function teamWriter(c: Context<AppEnv>): Promise<TeamRpc> {
	await verifyKey(c);
	return teamStub(c.env, c.var.scimCaller.teamId);
}
