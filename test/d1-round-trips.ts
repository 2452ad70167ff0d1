import {
	createExecutionContext,
	runInDurableObject,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createDb, type Db } from "../src/db/client";
import worker from "../src/index";
import type { TeamDO } from "../src/team/team-do";
import { interceptRoundTrips } from "./bench/d1-delay";
import { ORIGIN, SCIM_CONTENT_TYPE } from "./helpers";

/**
 * The real D1 binding, counting the round trips made through it: each `batch`, each `exec`, and
 * each `all`, `first`, `run` or `raw` of a prepared statement (which runs on its own, outside a
 * batch). Every call is forwarded to the binding (the bench's `interceptRoundTrips`).
 */
export interface CountedD1 {
	db: D1Database;
	/** One entry per round trip, in order: "batch(3)", "exec", or the statement's method name. */
	trips: string[];
}

export function countingD1(db: D1Database): CountedD1 {
	const trips: string[] = [];
	return { db: interceptRoundTrips(db, (trip) => void trips.push(trip)), trips };
}

/**
 * Sends a SCIM request to the Worker's default export over a counting wrapper of the real D1
 * binding, waits for everything the request left running (waitUntil), and returns the response
 * with the round trips the Worker made. The team object keeps its own binding: its D1 calls are
 * not the Worker's and are not counted.
 */
export async function countedScim(
	token: string,
	method: string,
	path: string,
	body?: unknown,
): Promise<{ res: Response; trips: string[] }> {
	const counted = countingD1(env.DB);
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request(`${ORIGIN}/scim/v2${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${token}`,
				Accept: SCIM_CONTENT_TYPE,
				...(body === undefined ? {} : { "Content-Type": SCIM_CONTENT_TYPE }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		}),
		{ ...env, DB: counted.db },
		ctx,
	);
	await res.clone().arrayBuffer();
	await waitOnExecutionContext(ctx);
	return { res, trips: counted.trips };
}

/**
 * Counts the round trips of a team object from here on: its D1 client is swapped for one over a
 * counting wrapper of the real binding (as the race tests swap it to inject faults). Evicting the
 * object, or a reset, drops the swap with the instance.
 */
export async function countTeamObjectTrips(
	stub: DurableObjectStub<TeamDO>,
): Promise<{ trips: string[] }> {
	const counted = countingD1(env.DB);
	await runInDurableObject(stub, (instance) => {
		(instance as unknown as { db: Db }).db = createDb(counted.db);
	});
	return { trips: counted.trips };
}
