/**
 * The benchmark's baselines: for each SCIM request the benchmark sends, only the D1 work it cannot
 * do without, behind a bearer check as strict as scim-edge's (key id and SHA-256 of the secret).
 * Minimal JSON out, no framework, no Durable Object, no validation beyond what routing needs.
 * BASELINE_ROUND_TRIPS picks one of two:
 *
 * - "1" (the true minimum): ONE D1 round trip per request. The key check is folded into the
 *   request's statement (`team_id = (SELECT team_id FROM keys WHERE id = ? AND secret_hash = ?)`),
 *   so nothing is read or written for a bad key, and sent in one `db.batch` with the key check on
 *   its own, which explains a refusal (401) from the same round trip.
 * - "2": TWO round trips, as scim-edge's reads make today: an indexed SELECT of the key's hash,
 *   a SHA-256 of the presented secret and a constant-time compare, then the statement.
 *
 * BENCH_D1_DELAY_MS (only `npm run bench -- --d1-delay MS` sets it) delays each round trip.
 */
import { d1DelayMs, withD1Delay } from "../d1-delay.ts";

interface BaselineEnv {
	DB: D1Database;
	BASELINE_ROUND_TRIPS?: string;
	BENCH_D1_DELAY_MS?: string;
}

interface UserRow {
	id: string;
	user_name: string;
	active: number;
}

/** The presented key: its id and the hex SHA-256 of its secret. */
interface Key {
	id: string;
	hash: string;
}

/**
 * Runs one statement for a key (`all`, which D1's `first` and `run` are made of); null when the
 * key is refused. The SQL names the key's team
 * `@team`, and `binds` holds TEAM where the team's binds go: in one round trip, the subquery on
 * the key (its id and hash); in two, the team id the key lookup found.
 */
type Run = (key: Key, sql: string, binds: unknown[]) => Promise<D1Result<UserRow> | null>;

const TOKEN = /^Bearer scim_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;
const USER_PATH = /^\/scim\/v2\/Users(?:\/([^/]+))?$/;
const USER_NAME_EQ = /^userName eq "([^"]*)"$/i;
const TEAM = Symbol("team");

const dbs = new WeakMap<object, D1Database>();

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		if (url.pathname === "/") {
			return new Response("baseline");
		}
		const db = database(env);
		const key = await presentedKey(request.headers.get("Authorization") ?? "");
		if (key === null) {
			return unauthorized();
		}
		const run = env.BASELINE_ROUND_TRIPS === "1" ? oneRoundTrip(db) : twoRoundTrips(db);
		const route = USER_PATH.exec(url.pathname);
		if (!route) {
			return json({ detail: "not found" }, 404);
		}
		const id = route[1];
		if (id === undefined && request.method === "GET") {
			return list(run, key, url.searchParams);
		}
		if (id === undefined && request.method === "POST") {
			return create(run, key, await request.json());
		}
		if (id !== undefined && request.method === "GET") {
			const done = await run(
				key,
				"SELECT id, user_name, active FROM users WHERE team_id = @team AND id = ?",
				[TEAM, id],
			);
			if (!done) {
				return unauthorized();
			}
			const row = done.results[0];
			return row ? json(toUser(row)) : json({ detail: "not found" }, 404);
		}
		if (id !== undefined && request.method === "PATCH") {
			await request.json();
			const done = await run(key, "UPDATE users SET active = 0 WHERE team_id = @team AND id = ?", [
				TEAM,
				id,
			]);
			if (!done) {
				return unauthorized();
			}
			return done.meta.changes === 1
				? json({ id, active: false })
				: json({ detail: "not found" }, 404);
		}
		return json({ detail: "method not allowed" }, 405);
	},
} satisfies ExportedHandler<BaselineEnv>;

function database(env: BaselineEnv): D1Database {
	const ms = d1DelayMs(env.BENCH_D1_DELAY_MS);
	if (ms === 0) {
		return env.DB;
	}
	let db = dbs.get(env.DB);
	if (!db) {
		db = withD1Delay(env.DB, ms);
		dbs.set(env.DB, db);
	}
	return db;
}

async function presentedKey(header: string): Promise<Key | null> {
	const match = TOKEN.exec(header);
	if (!match?.[1] || !match[2]) {
		return null;
	}
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(match[2]));
	const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
	return { id: match[1], hash };
}

/** One `db.batch`: the key check, and the statement whose team is the key's (none if refused). */
function oneRoundTrip(db: D1Database): Run {
	return async (key, sql, binds) => {
		const [check, data] = await db.batch<UserRow>([
			db
				.prepare("SELECT 1 AS ok FROM keys WHERE id = ? AND secret_hash = ?")
				.bind(key.id, key.hash),
			db
				.prepare(
					sql.replace("@team", "(SELECT team_id FROM keys WHERE id = ? AND secret_hash = ?)"),
				)
				.bind(...binds.flatMap((b) => (b === TEAM ? [key.id, key.hash] : [b]))),
		]);
		if (!check?.results.length || !data) {
			return null;
		}
		return data;
	};
}

/** The key's row, a constant-time compare, then the statement. */
function twoRoundTrips(db: D1Database): Run {
	return async (key, sql, binds) => {
		const row = await db
			.prepare("SELECT team_id, secret_hash FROM keys WHERE id = ?")
			.bind(key.id)
			.first<{ team_id: string; secret_hash: string }>();
		if (!row) {
			return null;
		}
		const presented = new TextEncoder().encode(key.hash);
		const stored = new TextEncoder().encode(row.secret_hash);
		if (
			presented.byteLength !== stored.byteLength ||
			!crypto.subtle.timingSafeEqual(presented, stored)
		) {
			return null;
		}
		const stmt = db
			.prepare(sql.replace("@team", "?"))
			.bind(...binds.map((b) => (b === TEAM ? row.team_id : b)));
		return stmt.all<UserRow>();
	};
}

async function list(run: Run, key: Key, query: URLSearchParams): Promise<Response> {
	const filter = query.get("filter");
	if (filter !== null) {
		const userName = USER_NAME_EQ.exec(filter)?.[1];
		if (userName === undefined) {
			return json({ detail: "unsupported filter" }, 400);
		}
		const done = await run(
			key,
			"SELECT id, user_name, active FROM users WHERE team_id = @team AND lower(user_name) = lower(?)",
			[TEAM, userName],
		);
		if (!done) {
			return unauthorized();
		}
		const row = done.results[0];
		return json({ totalResults: row ? 1 : 0, Resources: row ? [toUser(row)] : [] });
	}
	const startIndex = Math.max(1, Number(query.get("startIndex") ?? 1));
	const count = Math.min(200, Math.max(0, Number(query.get("count") ?? 100)));
	const done = await run(
		key,
		"SELECT id, user_name, active FROM users WHERE team_id = @team ORDER BY created_at, id LIMIT ? OFFSET ?",
		[TEAM, count, startIndex - 1],
	);
	if (!done) {
		return unauthorized();
	}
	const { results } = done;
	return json({ startIndex, itemsPerPage: results.length, Resources: results.map(toUser) });
}

async function create(run: Run, key: Key, body: unknown): Promise<Response> {
	const userName = (body as { userName?: unknown }).userName;
	if (typeof userName !== "string") {
		return json({ detail: "userName is required" }, 400);
	}
	const id = crypto.randomUUID();
	let done: D1Result | null;
	try {
		// INSERT … SELECT … WHERE: the team comes from the key, so a refused key inserts nothing.
		done = await run(
			key,
			"INSERT INTO users (id, team_id, user_name, active, resource, created_at) SELECT ?, team, ?, 1, ?, ? FROM (SELECT @team AS team) WHERE team IS NOT NULL",
			[id, userName, JSON.stringify(body), new Date().toISOString(), TEAM],
		);
	} catch (error) {
		if (String(error).includes("UNIQUE constraint failed")) {
			return json({ detail: "userName is already taken" }, 409);
		}
		throw error;
	}
	if (done?.meta.changes !== 1) {
		return unauthorized();
	}
	return json({ id, userName, active: true }, 201);
}

function toUser(row: UserRow) {
	return { id: row.id, userName: row.user_name, active: row.active === 1 };
}

function unauthorized(): Response {
	return json({ detail: "unauthorized" }, 401);
}

function json(body: unknown, status = 200): Response {
	return Response.json(body, { status });
}
