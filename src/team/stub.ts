import type { DurableObject } from "cloudflare:workers";
import type { TeamDO } from "./team-do";

/**
 * The team object's methods as the Worker calls them. Typed from the class itself: the RPC
 * stub's own mapped types turn `Record<string, unknown>` results into `unknown`.
 */
export type TeamRpc = Omit<TeamDO, keyof DurableObject<Env>>;

/** The Durable Object that is the single writer of this team's changes. */
export function teamStub(env: Env, teamId: string): TeamRpc {
	return env.TEAM.get(env.TEAM.idFromName(teamId)) as unknown as TeamRpc;
}
