/**
 * The benchmark's baseline Worker: for each SCIM request the benchmark sends, only the D1 work it
 * cannot do without, behind the same bearer check as scim-edge (one indexed SELECT of the key's
 * hash, a SHA-256 of the presented secret, a constant-time compare). Minimal JSON out, no
 * framework, no Durable Object, no validation beyond what routing needs.
 */

interface BaselineEnv {
	DB: D1Database;
}

const TOKEN = /^Bearer scim_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;
const USER_PATH = /^\/scim\/v2\/Users(?:\/([^/]+))?$/;
const USER_NAME_EQ = /^userName eq "([^"]*)"$/i;

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		if (url.pathname === "/") {
			return new Response("baseline");
		}
		const teamId = await authenticate(env.DB, request.headers.get("Authorization") ?? "");
		if (teamId === null) {
			return json({ detail: "unauthorized" }, 401);
		}
		const route = USER_PATH.exec(url.pathname);
		if (!route) {
			return json({ detail: "not found" }, 404);
		}
		const id = route[1];
		if (id === undefined && request.method === "GET") {
			return list(env.DB, teamId, url.searchParams);
		}
		if (id === undefined && request.method === "POST") {
			return create(env.DB, teamId, await request.json());
		}
		if (id !== undefined && request.method === "GET") {
			const row = await env.DB.prepare(
				"SELECT id, user_name, active FROM users WHERE team_id = ? AND id = ?",
			)
				.bind(teamId, id)
				.first<UserRow>();
			return row ? json(toUser(row)) : json({ detail: "not found" }, 404);
		}
		if (id !== undefined && request.method === "PATCH") {
			await request.json();
			const result = await env.DB.prepare(
				"UPDATE users SET active = 0 WHERE team_id = ? AND id = ?",
			)
				.bind(teamId, id)
				.run();
			return result.meta.changes === 1
				? json({ id, active: false })
				: json({ detail: "not found" }, 404);
		}
		return json({ detail: "method not allowed" }, 405);
	},
} satisfies ExportedHandler<BaselineEnv>;

interface UserRow {
	id: string;
	user_name: string;
	active: number;
}

async function authenticate(db: D1Database, header: string): Promise<string | null> {
	const match = TOKEN.exec(header);
	if (!match?.[1] || !match[2]) {
		return null;
	}
	const key = await db
		.prepare("SELECT team_id, secret_hash FROM keys WHERE id = ?")
		.bind(match[1])
		.first<{ team_id: string; secret_hash: string }>();
	if (!key) {
		return null;
	}
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(match[2]));
	const presented = new TextEncoder().encode(
		Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""),
	);
	const stored = new TextEncoder().encode(key.secret_hash);
	return presented.byteLength === stored.byteLength &&
		crypto.subtle.timingSafeEqual(presented, stored)
		? key.team_id
		: null;
}

async function list(db: D1Database, teamId: string, query: URLSearchParams): Promise<Response> {
	const filter = query.get("filter");
	if (filter !== null) {
		const userName = USER_NAME_EQ.exec(filter)?.[1];
		if (userName === undefined) {
			return json({ detail: "unsupported filter" }, 400);
		}
		const row = await db
			.prepare(
				"SELECT id, user_name, active FROM users WHERE team_id = ? AND lower(user_name) = lower(?)",
			)
			.bind(teamId, userName)
			.first<UserRow>();
		return json({ totalResults: row ? 1 : 0, Resources: row ? [toUser(row)] : [] });
	}
	const startIndex = Math.max(1, Number(query.get("startIndex") ?? 1));
	const count = Math.min(200, Math.max(0, Number(query.get("count") ?? 100)));
	const { results } = await db
		.prepare(
			"SELECT id, user_name, active FROM users WHERE team_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
		)
		.bind(teamId, count, startIndex - 1)
		.all<UserRow>();
	return json({ startIndex, itemsPerPage: results.length, Resources: results.map(toUser) });
}

async function create(db: D1Database, teamId: string, body: unknown): Promise<Response> {
	const userName = (body as { userName?: unknown }).userName;
	if (typeof userName !== "string") {
		return json({ detail: "userName is required" }, 400);
	}
	const id = crypto.randomUUID();
	try {
		await db
			.prepare(
				"INSERT INTO users (id, team_id, user_name, active, resource, created_at) VALUES (?, ?, ?, 1, ?, ?)",
			)
			.bind(id, teamId, userName, JSON.stringify(body), new Date().toISOString())
			.run();
	} catch (error) {
		if (String(error).includes("UNIQUE constraint failed")) {
			return json({ detail: "userName is already taken" }, 409);
		}
		throw error;
	}
	return json({ id, userName, active: true }, 201);
}

function toUser(row: UserRow) {
	return { id: row.id, userName: row.user_name, active: row.active === 1 };
}

function json(body: unknown, status = 200): Response {
	return Response.json(body, { status });
}
