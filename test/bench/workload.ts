import { PhaseRecorder, pool } from "./stats.ts";

/** A SCIM server under test: scim-edge or the baseline, with a key of its team. */
export interface Target {
	name: string;
	origin: string;
	token: string;
}

export interface WorkloadOptions {
	users: number;
	concurrency: number;
	/** How many full sweeps of the user list (pages of 100) the list phase makes. */
	listSweeps: number;
	duplicateRounds: number;
	duplicatesPerRound: number;
	/** How many parts each phase is cut into, run alternately on the two servers. */
	chunks: number;
}

interface Answer {
	status: number;
	body: unknown;
	ms: number;
}

const CONTENT_TYPE = "application/scim+json";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** One request, timed from send to the last byte of the answer. A network failure is status 0. */
export async function send(
	target: Target,
	method: string,
	path: string,
	body?: unknown,
): Promise<Answer> {
	const started = performance.now();
	try {
		const res = await fetch(`${target.origin}/scim/v2${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${target.token}`,
				Accept: CONTENT_TYPE,
				...(body === undefined ? {} : { "Content-Type": CONTENT_TYPE }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await res.text();
		const ms = performance.now() - started;
		let parsed: unknown = null;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			parsed = text;
		}
		return { status: res.status, body: parsed, ms };
	} catch (error) {
		return { status: 0, body: String(error), ms: performance.now() - started };
	}
}

/** Sends a request and records it; `expected` lists the statuses that are not errors. */
async function timed(
	recorder: PhaseRecorder,
	kind: string,
	target: Target,
	expected: number[],
	method: string,
	path: string,
	body?: unknown,
): Promise<Answer> {
	const answer = await send(target, method, path, body);
	const ok = expected.includes(answer.status);
	recorder.record(kind, answer.ms, ok);
	if (!ok) {
		recorder.anomaly(
			`${kind}: ${method} ${path} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`,
		);
	}
	return answer;
}

/** The user an Okta-style import pushes for index `i`. */
export function oktaUser(i: number, prefix = "user") {
	const n = String(i).padStart(6, "0");
	const email = `${prefix}${n}@bench.example`;
	return {
		schemas: [USER_SCHEMA],
		userName: email,
		name: { givenName: "Bench", familyName: `User ${n}` },
		emails: [{ primary: true, value: email, type: "work" }],
		displayName: `Bench User ${n}`,
		locale: "en-US",
		externalId: `00u${n}`,
		active: true,
	};
}

export function userNameFilter(userName: string): string {
	return `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;
}

/** Requests that warm a server up (first-request compilation, connection pool) before measuring. */
export async function warmUp(target: Target, requests: number, concurrency: number) {
	await pool(requests, concurrency, async (i) => {
		await send(target, "GET", userNameFilter(`warmup${i}@bench.example`));
	});
}

/** A part of a phase: the work items [from, to) of one target, recorded into `recorder`. */
export interface Chunk {
	target: Target;
	recorder: PhaseRecorder;
	from: number;
	to: number;
}

/** Okta's import: look the user up by userName, then create it; `ids` collects the new ids. */
export async function importChunk(
	{ target, recorder, from, to }: Chunk,
	concurrency: number,
	ids: string[],
) {
	await pool(to - from, concurrency, async (k) => {
		const i = from + k;
		const user = oktaUser(i);
		const found = await timed(
			recorder,
			"filter",
			target,
			[200],
			"GET",
			userNameFilter(user.userName),
		);
		if (found.status === 200 && (found.body as { totalResults?: number }).totalResults !== 0) {
			recorder.anomaly(`filter for new user ${user.userName} found something`);
		}
		const created = await timed(recorder, "create", target, [201], "POST", "/Users", user);
		const id = (created.body as { id?: string } | null)?.id;
		if (created.status === 201 && id) {
			ids[i] = id;
		} else {
			recorder.anomaly(`no id for user ${i}`);
		}
	});
}

/** GET /Users/:id for the imported users [from, to). */
export async function getChunk(
	{ target, recorder, from, to }: Chunk,
	concurrency: number,
	ids: string[],
) {
	await pool(to - from, concurrency, async (k) => {
		const id = ids[from + k];
		const answer = await timed(recorder, "get", target, [200], "GET", `/Users/${id}`);
		if (answer.status === 200 && (answer.body as { id?: string }).id !== id) {
			recorder.anomaly(`GET /Users/${id} answered another user`);
		}
	});
}

/** Full sweeps [from, to) of the user list in pages of 100, each paging in order like an IdP. */
export async function listChunk(
	{ target, recorder, from, to }: Chunk,
	concurrency: number,
	users: number,
) {
	await pool(to - from, concurrency, async () => {
		let seen = 0;
		for (let startIndex = 1; ; startIndex += 100) {
			const answer = await timed(
				recorder,
				"list",
				target,
				[200],
				"GET",
				`/Users?startIndex=${startIndex}&count=100`,
			);
			const page = (answer.body as { Resources?: unknown[] } | null)?.Resources ?? [];
			seen += page.length;
			if (answer.status !== 200 || page.length < 100) {
				break;
			}
		}
		if (seen !== users) {
			recorder.anomaly(`a list sweep saw ${seen} users, not ${users}`);
		}
	});
}

/** Okta's deactivation of the users [from, to): a path-less PATCH replace of `active`. */
export async function deactivateChunk(
	{ target, recorder, from, to }: Chunk,
	concurrency: number,
	ids: string[],
) {
	const body = {
		schemas: [PATCH_SCHEMA],
		Operations: [{ op: "replace", value: { active: false } }],
	};
	await pool(to - from, concurrency, async (k) => {
		const id = ids[from + k];
		const answer = await timed(recorder, "patch", target, [200], "PATCH", `/Users/${id}`, body);
		if (answer.status === 200 && (answer.body as { active?: boolean }).active !== false) {
			recorder.anomaly(`PATCH /Users/${id} left the user active`);
		}
	});
}

/**
 * Rounds [from, to) of concurrent creates of one userName with bodies that differ (so none is
 * a retry of another): exactly one may win each round, the rest must be 409.
 */
export async function duplicatesChunk({ target, recorder, from, to }: Chunk, perRound: number) {
	for (let round = from; round < to; round++) {
		const answers = await Promise.all(
			Array.from({ length: perRound }, (_, i) =>
				timed(recorder, "create", target, [201, 409], "POST", "/Users", {
					...oktaUser(round, "dup"),
					externalId: `dup-${round}-${i}`,
				}),
			),
		);
		const created = answers.filter((a) => a.status === 201).length;
		if (created !== 1) {
			recorder.anomaly(`duplicate round ${round}: ${created} creates succeeded, not 1`);
		}
	}
}

/** Sequential requests to one path, for latency without queueing. */
export async function latencyProbe(
	target: Target,
	name: string,
	samples: number,
	path: (i: number) => string,
	check: (body: unknown) => string | null,
) {
	const recorder = new PhaseRecorder(name);
	await recorder.measure(async () => {
		for (let i = 0; i < samples; i++) {
			const answer = await timed(recorder, name, target, [200], "GET", path(i));
			const problem = answer.status === 200 ? check(answer.body) : null;
			if (problem) {
				recorder.anomaly(problem);
			}
		}
	});
	return recorder.finish();
}
