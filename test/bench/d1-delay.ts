/**
 * Bench-only (`npm run bench -- --d1-delay MS`): a D1 binding that waits a fixed time before each
 * round trip, so a local run shows what distance to D1's primary does to a request. A round trip
 * is each `all`, `first`, `run` or `raw` of a prepared statement, each `batch` and each `exec`; the
 * same holds inside `withSession`. Statements keep their real objects underneath, so a batch of
 * wrapped statements hands D1 its own statements back.
 */

type Method = (...args: unknown[]) => unknown;

const ROUND_TRIPS = new Set(["all", "first", "run", "raw"]);

/** The delay a `BENCH_D1_DELAY_MS` var asks for: 0 (no wrapper) when unset, empty or not > 0. */
export function d1DelayMs(value: unknown): number {
	const ms = Number(value ?? 0);
	return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

export function withD1Delay(db: D1Database, ms: number): D1Database {
	const wait = () => new Promise<void>((done) => setTimeout(done, ms));
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
				if (typeof prop === "string" && ROUND_TRIPS.has(prop)) {
					return async (...args: unknown[]) => {
						await wait();
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
							await wait();
							return method.call(
								db,
								statements.map((s) => real.get(s) ?? s),
							);
						};
					case "exec":
						return async (...args: unknown[]) => {
							await wait();
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
