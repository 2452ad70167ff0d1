/**
 * Bench-only (`npm run bench -- --d1-delay MS`): a D1 binding that waits a fixed time before each
 * round trip, so a local run shows what distance to D1's primary does to a request. The wrapper
 * under it, `interceptRoundTrips`, also serves the tests that count round trips
 * (test/d1-round-trips.ts).
 */

type Method = (...args: unknown[]) => unknown;

const STATEMENT_TRIPS = new Set(["all", "first", "run", "raw"]);

/** The delay a `BENCH_D1_DELAY_MS` var asks for: 0 (no wrapper) when unset, empty or not > 0. */
export function d1DelayMs(value: unknown): number {
	const ms = Number(value ?? 0);
	return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** The binding, waiting `ms` before each round trip. */
export function withD1Delay(db: D1Database, ms: number): D1Database {
	return interceptRoundTrips(db, () => new Promise<void>((done) => setTimeout(done, ms)));
}

/**
 * The binding, calling `before` ahead of each round trip: each `all`, `first`, `run` or `raw` of a
 * prepared statement (named so), each `batch` ("batch(N)") and each `exec`; the same holds inside
 * `withSession`. Every call is forwarded to the real binding, and statements keep their real
 * objects underneath, so a batch of wrapped statements hands D1 its own statements back.
 */
export function interceptRoundTrips(
	db: D1Database,
	before: (trip: string) => void | Promise<void>,
): D1Database {
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
					return async (...args: unknown[]) => {
						await before(prop);
						return method.apply(stmt, args);
					};
				}
				return method.bind(stmt);
			},
		});
		real.set(proxy, target);
		return proxy;
	};

	// D1Database and the D1DatabaseSession of `withSession` share prepare and batch.
	const database = <T extends object>(target: T): T =>
		new Proxy(target, {
			get(db, prop) {
				const value = Reflect.get(db, prop, db) as unknown;
				if (typeof value !== "function") {
					return value;
				}
				const method = value as Method;
				switch (prop) {
					case "prepare":
						return (query: string) => statement(method.call(db, query) as D1PreparedStatement);
					case "batch":
						return async (statements: D1PreparedStatement[]) => {
							await before(`batch(${statements.length})`);
							return method.call(
								db,
								statements.map((s) => real.get(s) ?? s),
							);
						};
					case "exec":
						return async (...args: unknown[]) => {
							await before("exec");
							return method.apply(db, args);
						};
					case "withSession":
						return (...args: unknown[]) => database(method.apply(db, args) as object);
					default:
						return method.bind(db);
				}
			},
		});

	return database(db);
}
