/**
 * Bench-only entry of scim-edge for `npm run bench -- --d1-delay MS`: the product's Worker and team
 * object, unchanged, over an env whose DB waits BENCH_D1_DELAY_MS before each round trip
 * (./d1-delay.ts). Only the bench's generated wrangler config points here, and only with a delay;
 * the deployed Worker (src/index.ts) has neither the var nor the wrapper. Wrapping env.DB before any
 * product code sees it covers every Drizzle client (the http db middleware's and the team object's).
 */
import app from "../../src/index.ts";
import { TeamDO as ProductTeamDO } from "../../src/team/team-do.ts";
import { d1DelayMs, withD1Delay } from "./d1-delay.ts";

type BenchEnv = Env & { BENCH_D1_DELAY_MS?: string };

const delayed = new WeakMap<object, Env>();

function delayedEnv(env: BenchEnv): Env {
	const ms = d1DelayMs(env.BENCH_D1_DELAY_MS);
	if (ms === 0) {
		return env;
	}
	let wrapped = delayed.get(env);
	if (!wrapped) {
		wrapped = { ...env, DB: withD1Delay(env.DB, ms) };
		delayed.set(env, wrapped);
	}
	return wrapped;
}

export default {
	fetch: (request, env, ctx) => app.fetch(request, delayedEnv(env), ctx),
} satisfies ExportedHandler<BenchEnv>;

export class TeamDO extends ProductTeamDO {
	constructor(ctx: DurableObjectState, env: BenchEnv) {
		super(ctx, delayedEnv(env));
	}
}
