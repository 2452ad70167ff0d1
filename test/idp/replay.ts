// Replays recorded IdP conversations (test/fixtures/<idp>/*.json) through the worker.
import { expect } from "vitest";
import { scim } from "../helpers";

/**
 * One recorded request and the response the IdP needs. Strings anywhere in it may hold
 * `{{kind:name}}` placeholders (`{{userId:alice}}`, `{{groupId:eng}}`), filled from ids captured
 * earlier in the same conversation.
 */
export interface Fixture {
	name: string;
	method: string;
	/** Relative to /scim/v2; spaces and quotes are percent-encoded by the URL parser, as on the wire. */
	path: string;
	body?: unknown;
	headers?: Record<string, string>;
	/** Values to remember from the response body: placeholder → dotted path (`id`, `Resources.0.id`). */
	capture?: Record<string, string>;
	expect: {
		status: number;
		/** Partial match (`toMatchObject`): arrays must have the same length. */
		body?: unknown;
		/** Response headers that must contain these values (case-insensitive). */
		headers?: Record<string, string>;
		/** Dotted paths that must be absent from the response body (`members`, `Resources.0.members`). */
		absent?: string[];
		/** Substrings the raw response text must contain, e.g. the id a 400 names. */
		contains?: string[];
	};
}

/** The member ids of a group, read through the API, sorted. */
export async function groupMemberIds(
	token: string,
	groupId: string | undefined,
): Promise<string[]> {
	const res = await scim(token, "GET", `/Groups/${groupId}`);
	expect(res.status).toBe(200);
	const group = (await res.json()) as { members?: { value: string }[] };
	return (group.members ?? []).map((m) => m.value).sort();
}

/** The fixtures a Vite glob import found, in file-name order (the files are numbered). */
export function fixturesOf(modules: Record<string, unknown>): Fixture[] {
	return Object.keys(modules)
		.sort()
		.map((key) => modules[key] as Fixture);
}

/**
 * Sends each fixture in order with `token`, checks its response, and returns the captured ids.
 * `ids` may hold ids captured by an earlier conversation.
 */
export async function replay(
	token: string,
	fixtures: Fixture[],
	options: { headers?: Record<string, string>; ids?: Map<string, string> } = {},
): Promise<Map<string, string>> {
	const ids = options.ids ?? new Map<string, string>();
	for (const raw of fixtures) {
		const request = substitute({ ...raw, expect: undefined }, ids) as Fixture;
		const res = await scim(token, request.method, request.path, request.body, {
			...options.headers,
			...request.headers,
		});
		const text = await res.text();
		const what = `${raw.name} (${request.method} ${request.path}) answered ${res.status}: ${text}`;
		expect(res.status, what).toBe(raw.expect.status);
		const body: unknown = text === "" ? undefined : sortMembers(JSON.parse(text));
		// Captured first, so that the expectation may name what it captures (a lookup by name).
		for (const [name, path] of Object.entries(raw.capture ?? {})) {
			const value = at(body, path);
			expect(typeof value, `${what}: capture ${name} from ${path}`).toBe("string");
			ids.set(name, value as string);
		}
		const fixture = { ...request, expect: sortMembers(substitute(raw.expect, ids)) } as Fixture;
		if (res.status === 204) {
			expect(text, what).toBe("");
		}
		if (fixture.expect.body !== undefined) {
			expect(body, what).toMatchObject(fixture.expect.body as object);
		}
		for (const [name, value] of Object.entries(fixture.expect.headers ?? {})) {
			expect(res.headers.get(name)?.toLowerCase(), `${what}: header ${name}`).toContain(
				value.toLowerCase(),
			);
		}
		for (const path of fixture.expect.absent ?? []) {
			expect(at(body, path), `${what}: ${path} must be absent`).toBeUndefined();
		}
		for (const part of fixture.expect.contains ?? []) {
			expect(text, what).toContain(part);
		}
	}
	return ids;
}

/** The fixture with every `{{kind:name}}` placeholder replaced by its captured id. */
function substitute(value: unknown, ids: Map<string, string>): unknown {
	if (typeof value === "string") {
		return value.replace(/\{\{([A-Za-z]+:[^}]+)\}\}/g, (_, key: string) => {
			const id = ids.get(key);
			if (id === undefined) {
				throw new Error(`Placeholder {{${key}}} used before it was captured`);
			}
			return id;
		});
	}
	if (Array.isArray(value)) {
		return value.map((item) => substitute(item, ids));
	}
	if (typeof value === "object" && value !== null) {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [key, substitute(item, ids)]),
		);
	}
	return value;
}

/**
 * `members` and `groups` are multi-valued and so unordered (RFC 7643 §2.4): both sides are sorted
 * by `value` before the partial match.
 */
function sortMembers(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(sortMembers);
	}
	if (typeof value !== "object" || value === null) {
		return value;
	}
	return Object.fromEntries(
		Object.entries(value).map(([key, item]) => [
			key,
			(key === "members" || key === "groups") && Array.isArray(item)
				? [...item].sort((a, b) => String(a?.value).localeCompare(String(b?.value)))
				: sortMembers(item),
		]),
	);
}

function at(value: unknown, path: string): unknown {
	let current = value;
	for (const segment of path.split(".")) {
		if (typeof current !== "object" || current === null) {
			return undefined;
		}
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}
