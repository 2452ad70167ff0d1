import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson, newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

/**
 * A key the isolate remembers (it has been used successfully) still stops working at once when it
 * is revoked, expires or its team switches SCIM off: the remembered part (team, secret hash) never
 * decides whether the key may be used, every request reads that again (src/keys/auth.ts). The
 * refusal comes before anything the route would say, so a refused key learns nothing (no 404 for
 * an unknown id, no 400 for a bad filter).
 */

type Json = Record<string, unknown>;

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

interface Seeded {
	team: TestTeam;
	userId: string;
	userName: string;
	groupId: string;
}

/** A SCIM read, its status for a working key, and how to send it. */
type Read = [name: string, okStatus: number, send: (s: Seeded) => Promise<Response>];

const reads: Read[] = [
	["GET /Users/:id", 200, (s) => scim(s.team.token, "GET", `/Users/${s.userId}`)],
	["GET /Users", 200, (s) => scim(s.team.token, "GET", "/Users")],
	[
		"GET /Users?filter=",
		200,
		(s) =>
			scim(
				s.team.token,
				"GET",
				`/Users?filter=${encodeURIComponent(`userName eq "${s.userName}"`)}`,
			),
	],
	[
		"POST /Users/.search",
		200,
		(s) =>
			scim(s.team.token, "POST", "/Users/.search", {
				schemas: [SEARCH],
				filter: `userName eq "${s.userName}"`,
			}),
	],
	["GET /Groups", 200, (s) => scim(s.team.token, "GET", "/Groups")],
	["GET /Groups/:id", 200, (s) => scim(s.team.token, "GET", `/Groups/${s.groupId}`)],
	["POST /.search", 200, (s) => scim(s.team.token, "POST", "/.search", { schemas: [SEARCH] })],
	["GET /ServiceProviderConfig", 200, (s) => scim(s.team.token, "GET", "/ServiceProviderConfig")],
	["GET /Schemas", 200, (s) => scim(s.team.token, "GET", "/Schemas")],
	["GET /ResourceTypes", 200, (s) => scim(s.team.token, "GET", "/ResourceTypes")],
	["GET /Users/<unknown id>", 404, (s) => scim(s.team.token, "GET", `/Users/${UNKNOWN_ID}`)],
	["GET /Groups/<unknown id>", 404, (s) => scim(s.team.token, "GET", `/Groups/${UNKNOWN_ID}`)],
	[
		"GET /Users?filter=<invalid>",
		400,
		(s) => scim(s.team.token, "GET", `/Users?filter=${encodeURIComponent("userName zz 1")}`),
	],
	["GET /<unknown endpoint>", 404, (s) => scim(s.team.token, "GET", "/NoSuchEndpoint")],
];

async function seed(name: string): Promise<Seeded> {
	const team = await newScimTeam(name);
	const userName = uniqueEmail("refused");
	const user = await scim(team.token, "POST", "/Users", oktaUser(userName));
	expect(user.status).toBe(201);
	const userId = ((await user.json()) as Json).id as string;
	const group = await scim(team.token, "POST", "/Groups", {
		schemas: [GROUP],
		displayName: `Refused ${name}`,
		members: [{ value: userId }],
	});
	expect(group.status).toBe(201);
	return { team, userId, userName, groupId: ((await group.json()) as Json).id as string };
}

/** Every read works with the key, so the isolate remembers it, before it is refused. */
async function useEveryRead(s: Seeded): Promise<void> {
	for (const [name, okStatus, send] of reads) {
		const res = await send(s);
		expect(res.status, `${name} before the refusal: ${await res.text()}`).toBe(okStatus);
	}
}

const refusals: [
	kind: string,
	status: number,
	detail: string,
	refuse: (team: TestTeam) => Promise<void>,
][] = [
	[
		"revoked through the service API",
		401,
		"was revoked",
		async (team) => {
			const res = await api("DELETE", `/teams/${team.teamId}/scim-keys/${team.keyId}`);
			expect(res.status).toBe(204);
		},
	],
	[
		"expired",
		401,
		"has expired",
		async (team) => {
			await env.DB.prepare("update scim_keys set expires_at = ? where id = ?")
				.bind(new Date(Date.now() - 1000).toISOString(), team.keyId)
				.run();
		},
	],
	[
		"of a team that switched SCIM off",
		403,
		"SCIM provisioning is switched off for this team",
		async (team) => {
			await apiJson("PUT", `/teams/${team.teamId}/scim`, { enabled: false });
		},
	],
];

describe.each(refusals)("a remembered key %s", (kind, status, detail, refuse) => {
	let seeded: Seeded;

	beforeAll(async () => {
		seeded = await seed(kind);
		await useEveryRead(seeded);
		await refuse(seeded.team);
	});

	it.each(reads)(
		`is refused at once on %s with ${status}, whatever the route would answer`,
		async (_name, _ok, send) => {
			const res = await send(seeded);
			const body = (await res.json()) as Json;
			expect(res.status, JSON.stringify(body)).toBe(status);
			expect(res.headers.get("Content-Type")).toContain("application/scim+json");
			expect(body).toMatchObject({ schemas: [ERROR], status: String(status) });
			expect(body.detail).toContain(detail);
			if (status === 401) {
				expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
			}
			// Nothing of the team leaks into the refusal.
			expect(JSON.stringify(body)).not.toContain(seeded.userId);
			expect(JSON.stringify(body)).not.toContain(seeded.userName);
		},
	);
});

describe.each(refusals)("a remembered key %s, on writes", (kind, status, detail, refuse) => {
	it(`is refused with ${status} on POST, PATCH, PUT, DELETE and Bulk, and changes nothing`, async () => {
		const s = await seed(`${kind} writes`);
		expect((await scim(s.team.token, "GET", `/Users/${s.userId}`)).status).toBe(200);
		await refuse(s.team);
		const before = await env.DB.prepare(
			"select (select count(*) from scim_users where team_id = ?1) as users, (select group_concat(display_name) from scim_groups where team_id = ?1) as groups",
		)
			.bind(s.team.teamId)
			.first();
		const writes: [string, string, unknown][] = [
			["POST", "/Users", oktaUser(uniqueEmail("refused"))],
			[
				"PATCH",
				`/Users/${s.userId}`,
				{
					schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
					Operations: [{ op: "replace", path: "active", value: false }],
				},
			],
			["PUT", `/Groups/${s.groupId}`, { schemas: [GROUP], displayName: "Renamed" }],
			["DELETE", `/Users/${s.userId}`, undefined],
			[
				"POST",
				"/Bulk",
				{
					schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
					Operations: [{ method: "DELETE", path: `/Groups/${s.groupId}` }],
				},
			],
		];
		for (const [method, path, body] of writes) {
			const res = await scim(s.team.token, method, path, body);
			const answer = (await res.json()) as Json;
			expect(res.status, `${method} ${path}: ${JSON.stringify(answer)}`).toBe(status);
			expect(answer.detail).toContain(detail);
		}
		const after = await env.DB.prepare(
			"select (select count(*) from scim_users where team_id = ?1) as users, (select group_concat(display_name) from scim_groups where team_id = ?1) as groups",
		)
			.bind(s.team.teamId)
			.first();
		expect(after).toEqual(before);
		const user = await env.DB.prepare("select active from scim_users where id = ?")
			.bind(s.userId)
			.first<{ active: number }>();
		expect(user?.active).toBe(1);
	});
});

describe("SCIM switched off, then on again", () => {
	it("answers the 403 SCIM error body, and the same remembered key works again once SCIM is back on", async () => {
		const s = await seed("Switch");
		expect((await scim(s.team.token, "GET", `/Users/${s.userId}`)).status).toBe(200);
		await apiJson("PUT", `/teams/${s.team.teamId}/scim`, { enabled: false });
		const off = await scim(s.team.token, "GET", `/Users/${s.userId}`);
		expect(off.status).toBe(403);
		expect(off.headers.get("Content-Type")).toContain("application/scim+json");
		expect(await off.json()).toEqual({
			schemas: [ERROR],
			status: "403",
			detail: "SCIM provisioning is switched off for this team; a team admin can turn it on.",
		});
		await apiJson("PUT", `/teams/${s.team.teamId}/scim`, { enabled: true });
		expect((await scim(s.team.token, "GET", `/Users/${s.userId}`)).status).toBe(200);
	});
});

describe("a wrong secret for a remembered key id", () => {
	let s: Seeded;
	let forged: string;

	beforeAll(async () => {
		s = await seed("Forged");
		expect((await scim(s.team.token, "GET", "/Users")).status).toBe(200);
		const last = s.team.token.at(-1) === "A" ? "B" : "A";
		forged = `${s.team.token.slice(0, -1)}${last}`;
	});

	const sends: [string, () => Promise<Response>][] = [
		["GET /Users/:id", () => scim(forged, "GET", `/Users/${s.userId}`)],
		["GET /Users", () => scim(forged, "GET", "/Users")],
		["GET /Groups/:id", () => scim(forged, "GET", `/Groups/${s.groupId}`)],
		["GET /ServiceProviderConfig", () => scim(forged, "GET", "/ServiceProviderConfig")],
		["GET /Users/<unknown id>", () => scim(forged, "GET", `/Users/${UNKNOWN_ID}`)],
		["POST /Users", () => scim(forged, "POST", "/Users", oktaUser(uniqueEmail("forged")))],
		[
			"PATCH /Users/:id",
			() =>
				scim(forged, "PATCH", `/Users/${s.userId}`, {
					schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
					Operations: [{ op: "replace", path: "displayName", value: "Forged" }],
				}),
		],
		[
			"PUT /Groups/:id",
			() =>
				scim(forged, "PUT", `/Groups/${s.groupId}`, { schemas: [GROUP], displayName: "Forged" }),
		],
		["DELETE /Users/:id", () => scim(forged, "DELETE", `/Users/${s.userId}`)],
		[
			"POST /Bulk",
			() =>
				scim(forged, "POST", "/Bulk", {
					schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
					Operations: [
						{ method: "POST", path: "/Users", bulkId: "a", data: oktaUser(uniqueEmail("forged")) },
					],
				}),
		],
	];

	it.each(sends)("is refused on %s with 401 and changes nothing", async (_name, send) => {
		const before = await scim(s.team.token, "GET", "/Users?count=100");
		const res = await send();
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({
			schemas: [ERROR],
			status: "401",
			detail: "Invalid SCIM API key.",
		});
		const after = await scim(s.team.token, "GET", "/Users?count=100");
		expect(await after.json()).toEqual(await before.json());
		const group = (await (await scim(s.team.token, "GET", `/Groups/${s.groupId}`)).json()) as Json;
		expect(group.displayName).toBe("Refused Forged");
	});

	it("leaves the right secret working", async () => {
		expect((await scim(s.team.token, "GET", `/Users/${s.userId}`)).status).toBe(200);
	});
});

describe("a malformed token", () => {
	it.each([
		["no scim_ prefix", () => "hello"],
		["a key id that is not hex", () => `scim_${"z".repeat(24)}_${"A".repeat(43)}`],
		["a secret one character short", (t: TestTeam) => t.token.slice(0, -1)],
		["a remembered token with trailing junk", (t: TestTeam) => `${t.token}x`],
		["two tokens", (t: TestTeam) => `${t.token} ${t.token}`],
	])("answers 401 for %s on reads and writes", async (_case, make) => {
		const team = await newScimTeam("Malformed");
		expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
		const token = make(team);
		for (const [method, path, body] of [
			["GET", "/Users", undefined],
			["GET", "/ServiceProviderConfig", undefined],
			["POST", "/Users", oktaUser(uniqueEmail("malformed"))],
		] as const) {
			const res = await scim(token, method, path, body);
			expect(res.status, `${method} ${path}`).toBe(401);
			expect(await res.json()).toMatchObject({ schemas: [ERROR], status: "401" });
		}
		const list = (await (await scim(team.token, "GET", "/Users")).json()) as Json;
		expect(list.totalResults).toBe(0);
	});
});
