import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../src/index";
import { ORIGIN, SCIM_CONTENT_TYPE } from "./helpers";

/**
 * The real D1 binding, counting the round trips made through it: each `batch`, each `exec`, and
 * each `all`, `first`, `run` or `raw` of a prepared statement (which runs on its own, outside a
 * batch). Every call is forwarded to the binding; statements keep their real objects underneath,
 * so a batch hands D1 its own statements back (the same shape as test/bench/d1-delay.ts).
 */
export interface CountedD1 {
	db: D1Database;
	/** One entry per round trip, in order: "batch(3)", "exec", or the statement's method name. */
	trips: string[];
}

type Method = (...args: unknown[]) => unknown;

const STATEMENT_TRIPS = new Set(["all", "first", "run", "raw"]);

export function countingD1(db: D1Database): CountedD1 {
	const trips: string[] = [];
	const real = new WeakMap<object, D1PreparedStatement>();

	const statement = (target: D1PreparedStatement): D1PreparedStatement => {
		const proxy = new Proxy(target, {
			get(stmt, prop) {
				const value = Reflect.get(stmt, prop, stmt) as unknown;
				if (typeof value !== "function") {
					return value;
				}
				const method = value as Method;
				if (prop === "bind") {
					return (...values: unknown[]) =>
						statement(method.apply(stmt, values) as D1PreparedStatement);
				}
				if (typeof prop === "string" && STATEMENT_TRIPS.has(prop)) {
					return (...args: unknown[]) => {
						trips.push(prop);
						return method.apply(stmt, args);
					};
				}
				return method.bind(stmt);
			},
		});
		real.set(proxy, target);
		return proxy;
	};

	const database = <T extends object>(target: T): T =>
		new Proxy(target, {
			get(d1, prop) {
				const value = Reflect.get(d1, prop, d1) as unknown;
				if (typeof value !== "function") {
					return value;
				}
				const method = value as Method;
				switch (prop) {
					case "prepare":
						return (query: string) => statement(method.call(d1, query) as D1PreparedStatement);
					case "batch":
						return (statements: D1PreparedStatement[]) => {
							trips.push(`batch(${statements.length})`);
							return method.call(
								d1,
								statements.map((s) => real.get(s) ?? s),
							);
						};
					case "exec":
						return (...args: unknown[]) => {
							trips.push("exec");
							return method.apply(d1, args);
						};
					case "withSession":
						return (...args: unknown[]) => database(method.apply(d1, args) as object);
					default:
						return method.bind(d1);
				}
			},
		});

	return { db: database(db), trips };
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
