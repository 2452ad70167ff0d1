import type { DurableObject } from "cloudflare:workers";
import type { TeamDO } from "./team-do";

/** The team object's RPC methods. Typed from the class itself: the RPC stub's own mapped types turn `Record<string, unknown>` results into `unknown`. */
type TeamMethods = Omit<TeamDO, keyof DurableObject<Env> | "alarm">;

/** A team object method without its first parameter: the team id the stub is bound to. */
type BoundToTeam<F> = F extends (teamId: string, ...rest: infer A) => infer R
	? (...rest: A) => R
	: never;

/** The team object's methods as the Worker calls them, already bound to one team. */
export type TeamRpc = { [K in keyof TeamMethods]: BoundToTeam<TeamMethods[K]> };

/**
 * The Durable Object that is the single writer of this team's changes, bound to the team: every
 * call passes `teamId` as the method's first argument, so no caller names the team twice.
 */
export function teamStub(env: Env, teamId: string): TeamRpc {
	const stub = env.TEAM.get(env.TEAM.idFromName(teamId)) as unknown as Record<
		string,
		(...args: unknown[]) => unknown
	>;
	return new Proxy({} as TeamRpc, {
		get: (_, method) =>
			// Not a thenable: `then` must stay undefined, or awaiting the stub would call the object.
			typeof method !== "string" || method === "then"
				? undefined
				: (...args: unknown[]) => stub[method]?.(teamId, ...args),
	});
}
