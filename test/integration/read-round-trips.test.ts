import { beforeAll, describe, expect, it } from "vitest";
import { countedScim } from "../d1-round-trips";
import { apiJson, newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

/**
 * How many D1 round trips the Worker makes for a SCIM read (docs/architecture.md "One round trip
 * per request"): the key check rides in the same batch as the data, so a key this isolate already
 * knows costs one round trip per read, and a key it has never seen at most two.
 */

type Json = Record<string, unknown>;

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

async function created(res: Response): Promise<Json> {
	const text = await res.text();
	expect(res.status, text).toBe(201);
	return JSON.parse(text) as Json;
}

/** A second key of the team, which no request has used yet, so this isolate has not seen it. */
async function unseenKey(team: TestTeam): Promise<string> {
	const key = await apiJson<{ token: string }>(
		"POST",
		`/teams/${team.teamId}/scim-keys`,
		{ name: `Unseen ${crypto.randomUUID().slice(0, 6)}` },
		201,
	);
	return key.token;
}

describe("D1 round trips of a SCIM read", () => {
	let team: TestTeam;
	let userId: string;
	let userName: string;
	let groupId: string;

	beforeAll(async () => {
		team = await newScimTeam("Round trips");
		userName = uniqueEmail("trips");
		const user = await created(await scim(team.token, "POST", "/Users", oktaUser(userName)));
		userId = user.id as string;
		await created(await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("trips"))));
		const group = await created(
			await scim(team.token, "POST", "/Groups", {
				schemas: [GROUP],
				displayName: "Trippers",
				members: [{ value: userId }],
			}),
		);
		groupId = group.id as string;
		// The Worker under count remembers the key from here on.
		expect((await countedScim(team.token, "GET", "/Users")).res.status).toBe(200);
	});

	const reads: [string, () => string, (body: Json) => void][] = [
		["GET /Users/:id", () => `/Users/${userId}`, (body) => expect(body.id).toBe(userId)],
		["GET /Users?count=100", () => "/Users?count=100", (body) => expect(body.totalResults).toBe(2)],
		[
			'GET /Users?filter=userName eq "…"',
			() => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`,
			(body) => expect(body).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] }),
		],
		[
			"GET /Groups",
			() => "/Groups",
			(body) =>
				expect(body).toMatchObject({
					totalResults: 1,
					Resources: [{ id: groupId, members: [{ value: userId }] }],
				}),
		],
		[
			"GET /Groups/:id",
			() => `/Groups/${groupId}`,
			(body) => expect(body).toMatchObject({ id: groupId, members: [{ value: userId }] }),
		],
	];

	it.each(reads)(
		"%s with a remembered key is exactly one D1 round trip",
		async (_name, path, check) => {
			const { res, trips } = await countedScim(team.token, "GET", path());
			const text = await res.text();
			expect(res.status, text).toBe(200);
			check(JSON.parse(text) as Json);
			expect(trips).toHaveLength(1);
			expect(trips[0]).toMatch(/^batch\(/);
		},
	);

	it.each(reads)(
		"%s with a key this isolate has not seen is at most two D1 round trips, then one",
		async (_name, path, check) => {
			const token = await unseenKey(team);
			const first = await countedScim(token, "GET", path());
			const text = await first.res.text();
			expect(first.res.status, text).toBe(200);
			check(JSON.parse(text) as Json);
			expect(first.trips.length).toBeLessThanOrEqual(2);
			const again = await countedScim(token, "GET", path());
			expect(again.res.status).toBe(200);
			expect(again.trips).toHaveLength(1);
		},
	);

	it("POST /Users/.search with a remembered key is exactly one D1 round trip", async () => {
		const { res, trips } = await countedScim(team.token, "POST", "/Users/.search", {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
			filter: `userName eq "${userName}"`,
		});
		expect(await res.json()).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] });
		expect(trips).toHaveLength(1);
	});

	it("GET /Users/<unknown id> with a remembered key is one D1 round trip for its 404", async () => {
		const { res, trips } = await countedScim(
			team.token,
			"GET",
			"/Users/00000000-0000-4000-8000-000000000000",
		);
		expect(res.status).toBe(404);
		expect(trips).toHaveLength(1);
	});

	it("GET /ServiceProviderConfig, which reads no data, still checks a remembered key in one D1 round trip", async () => {
		const { res, trips } = await countedScim(team.token, "GET", "/ServiceProviderConfig");
		expect(res.status).toBe(200);
		expect(trips).toHaveLength(1);
	});

	it("a wrong secret for a remembered key id is refused with no D1 round trip", async () => {
		const forged = `${team.token.slice(0, -4)}${team.token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
		const { res, trips } = await countedScim(forged, "GET", `/Users/${userId}`);
		expect(res.status).toBe(401);
		expect(trips).toEqual([]);
	});
});
