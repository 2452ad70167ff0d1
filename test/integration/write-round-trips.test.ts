import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { getScimUserAndTeamThatFits, scimUserAndTeamThatFitsQuery } from "../../src/db/scim-users";
import { countTeamObjectTrips } from "../d1-round-trips";
import { newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";
import { teamObject } from "../invite-helpers";

/**
 * How many D1 round trips the team object makes for a SCIM write (docs/architecture.md "One round
 * trip per request"): one batch, plus, once per activation, the read that fills its memory.
 */

type Json = Record<string, unknown>;

const OKTA_DEACTIVATE = {
	schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
	Operations: [{ op: "replace", value: { active: false } }],
};

async function createdIds(team: TestTeam, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const res = await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("trips")));
		expect(res.status).toBe(201);
		ids.push(String(((await res.json()) as Json).id));
	}
	return ids;
}

async function deactivate(team: TestTeam, id: string): Promise<Json> {
	const res = await scim(team.token, "PATCH", `/Users/${id}`, OKTA_DEACTIVATE);
	expect(res.status).toBe(200);
	return (await res.json()) as Json;
}

/** Each round trip as a batch or a statement on its own (a read: Drizzle sends reads as `raw`). */
function kinds(trips: string[]): string[] {
	return trips.map((trip) => (trip.startsWith("batch") ? "batch" : "read"));
}

describe("D1 round trips of a SCIM write in the team object", () => {
	it("after an eviction, the first deactivation reads the whole team once and the next ones read nothing", async () => {
		const team = await newScimTeam("Evicted");
		const [first, second, third] = await createdIds(team, 3);
		await evictDurableObject(teamObject(team.teamId));
		const counted = await countTeamObjectTrips(teamObject(team.teamId));

		expect((await deactivate(team, String(first))).active).toBe(false);
		expect(kinds(counted.trips)).toEqual(["read", "batch"]);
		counted.trips.length = 0;

		expect((await deactivate(team, String(second))).active).toBe(false);
		expect((await deactivate(team, String(third))).active).toBe(false);
		expect(kinds(counted.trips)).toEqual(["batch", "batch"]);
	});

	it("refreshes the key's last use in the first batch of a minute only, not in every batch", async () => {
		const team = await newScimTeam("Touch");
		const [first, second] = await createdIds(team, 2);
		await evictDurableObject(teamObject(team.teamId));
		const counted = await countTeamObjectTrips(teamObject(team.teamId));

		await deactivate(team, String(first));
		await deactivate(team, String(second));
		const sizes = counted.trips
			.filter((trip) => trip.startsWith("batch"))
			.map((trip) => Number(trip.slice("batch(".length, -1)));
		// The same write twice: the second batch lacks only the key's last-use refresh.
		expect(sizes).toHaveLength(2);
		expect(sizes[1]).toBe((sizes[0] ?? 0) - 1);
		const key = await env.DB.prepare("select last_used_at from scim_keys where id = ?")
			.bind(team.keyId)
			.first<{ last_used_at: string | null }>();
		expect(key?.last_used_at).not.toBeNull();
	});

	it("decides a deactivation from memory also after a group write moved the user's version on", async () => {
		const team = await newScimTeam("Grouped");
		const [first] = await createdIds(team, 1);
		const counted = await countTeamObjectTrips(teamObject(team.teamId));
		const group = await scim(team.token, "POST", "/Groups", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
			displayName: `Grouped ${crypto.randomUUID().slice(0, 8)}`,
			members: [{ value: first }],
		});
		expect(group.status).toBe(201);
		counted.trips.length = 0;

		const body = await deactivate(team, String(first));
		expect(body).toMatchObject({ active: false, meta: { version: 'W/"3"' } });
		// The object moved its copy on with the group's batch: no failed batch, no read.
		expect(kinds(counted.trips)).toEqual(["batch"]);
	});

	it("answers a deactivation decided from the loaded team with the stored user", async () => {
		const team = await newScimTeam("Evicted answers");
		const [first, second] = await createdIds(team, 2);
		await evictDurableObject(teamObject(team.teamId));

		await deactivate(team, String(first));
		const body = await deactivate(team, String(second));
		const stored = (await (await scim(team.token, "GET", `/Users/${second}`)).json()) as Json;
		expect(body).toEqual(stored);
		expect(stored).toMatchObject({ id: second, active: false, meta: { version: 'W/"2"' } });
	});

	it("answers 404 for a user the loaded team does not have, and reads its one row to be sure", async () => {
		const team = await newScimTeam("Evicted 404");
		const [first] = await createdIds(team, 1);
		await evictDurableObject(teamObject(team.teamId));
		const counted = await countTeamObjectTrips(teamObject(team.teamId));

		await deactivate(team, String(first));
		counted.trips.length = 0;
		const res = await scim(team.token, "PATCH", "/Users/no-such-user", OKTA_DEACTIVATE);
		expect(res.status).toBe(404);
		// The miss reads its row (a user written outside the object would be found), and the
		// refusal's log row is one batch.
		expect(kinds(counted.trips)).toEqual(["read", "batch"]);
	});

	it("costs an invite-creating create one batch: arming the outbox reads nothing", async () => {
		const other = await newScimTeam("Other");
		const email = uniqueEmail("invitee");
		expect((await scim(other.token, "POST", "/Users", oktaUser(email))).status).toBe(201);
		const team = await newScimTeam("Inviting");
		await createdIds(team, 1); // the object now knows the team's name
		const counted = await countTeamObjectTrips(teamObject(team.teamId));

		const res = await scim(team.token, "POST", "/Users", oktaUser(email));
		expect(res.status).toBe(201);
		const state = await env.DB.prepare("select state from scim_users where user_name = ?")
			.bind(email)
			.all<{ state: string }>();
		expect(state.results.map((r) => r.state).sort()).toEqual(["active", "invited"]);
		expect(kinds(counted.trips)).toEqual(["batch"]);
	});
});

describe("a userName the team object knows is taken", () => {
	it("refuses a create of it, in any case, with 409 and sends only the refusal's log row", async () => {
		const team = await newScimTeam("Taken");
		const email = uniqueEmail("taken");
		expect((await scim(team.token, "POST", "/Users", oktaUser(email))).status).toBe(201);
		const counted = await countTeamObjectTrips(teamObject(team.teamId));

		const res = await scim(team.token, "POST", "/Users", oktaUser(email.toUpperCase(), "Other"));
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ scimType: "uniqueness" });
		expect(kinds(counted.trips)).toEqual(["batch"]);
		const stored = await env.DB.prepare(
			"select count(*) as n from scim_users where team_id = ? and user_name_key = lower(?)",
		)
			.bind(team.teamId, email)
			.first<{ n: number }>();
		expect(stored?.n).toBe(1);
	});

	it("refuses a rename onto it with 409 and leaves the renamed user as it was", async () => {
		const team = await newScimTeam("Rename");
		const [first, second] = await createdIds(team, 2);
		const taken = (await (await scim(team.token, "GET", `/Users/${first}`)).json()) as Json;

		const res = await scim(team.token, "PATCH", `/Users/${second}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [
				{ op: "replace", path: "userName", value: String(taken.userName).toUpperCase() },
			],
		});
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ scimType: "uniqueness" });
		const after = (await (await scim(team.token, "GET", `/Users/${second}`)).json()) as Json;
		expect(after.meta).toMatchObject({ version: 'W/"1"' });
		expect(after.userName).not.toBe(String(taken.userName).toUpperCase());
	});

	it("lets a user take back a name another user gave up", async () => {
		const team = await newScimTeam("Give up");
		const [first, second] = await createdIds(team, 2);
		const name = String(
			((await (await scim(team.token, "GET", `/Users/${first}`)).json()) as Json).userName,
		);
		const rename = (value: string) => ({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "userName", value }],
		});

		expect(
			(await scim(team.token, "PATCH", `/Users/${first}`, rename(uniqueEmail("moved")))).status,
		).toBe(200);
		expect((await scim(team.token, "PATCH", `/Users/${second}`, rename(name))).status).toBe(200);
		const res = await scim(team.token, "POST", "/Users", oktaUser(name));
		expect(res.status).toBe(409);
	});
});

describe("the read that fills a team object's memory", () => {
	it("brings the whole team when it fits, else only the row asked for", async () => {
		const team = await newScimTeam("Fits");
		const ids = await createdIds(team, 3);
		const db = createDb(env.DB);
		const asked = String(ids[1]);
		const idsOf = async (fits: { rows: number; chars: number }) =>
			(await getScimUserAndTeamThatFits(db, team.teamId, asked, fits)).map((r) => r.id).sort();

		expect(await idsOf({ rows: 3, chars: 1_000_000 })).toEqual([...ids].sort());
		expect(await idsOf({ rows: 2, chars: 1_000_000 })).toEqual([asked]);
		expect(await idsOf({ rows: 3, chars: 100 })).toEqual([asked]);
	});

	it("reads only the row asked for, not the whole team, when the team does not fit", async () => {
		const team = await newScimTeam("Too big");
		const ids = await createdIds(team, 12);
		const db = createDb(env.DB);
		const rowsRead = async (fits: { rows: number; chars: number }) => {
			const query = scimUserAndTeamThatFitsQuery(db, team.teamId, String(ids[5]), fits).toSQL();
			const result = await env.DB.prepare(query.sql)
				.bind(...query.params)
				.all();
			return result.meta.rows_read;
		};

		// The whole team when it fits; a handful of rows (the user, the team's count) when not.
		expect(await rowsRead({ rows: 100, chars: 1_000_000 })).toBeGreaterThanOrEqual(12);
		expect(await rowsRead({ rows: 2, chars: 1_000_000 })).toBeLessThan(5);
	});

	it("brings no other team's rows, and nothing for an id the team does not have", async () => {
		const team = await newScimTeam("Mine");
		const other = await newScimTeam("Theirs");
		const [theirs] = await createdIds(other, 1);
		const mine = await createdIds(team, 2);
		const db = createDb(env.DB);
		const fits = { rows: 10, chars: 1_000_000 };

		const rows = await getScimUserAndTeamThatFits(db, team.teamId, String(theirs), fits);
		expect(rows.map((r) => r.id).sort()).toEqual([...mine].sort());
		expect(rows.every((r) => r.teamId === team.teamId)).toBe(true);
	});
});
