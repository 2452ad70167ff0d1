import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

/**
 * An unfiltered list's totalResults is the team's stored count (teams.scim_user_count and
 * scim_group_count, kept by triggers: migrations/0008_team_counts.sql), not a count of the rows.
 * These prove the stored counts stay equal to the rows through every kind of write, and that a
 * filtered list still counts its matches.
 */

type Json = Record<string, unknown>;

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

async function json(res: Response, status: number): Promise<Json> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	return text === "" ? {} : (JSON.parse(text) as Json);
}

async function createUser(team: TestTeam, email = uniqueEmail("count")): Promise<string> {
	return (await json(await scim(team.token, "POST", "/Users", oktaUser(email)), 201)).id as string;
}

async function createGroup(team: TestTeam, members: string[] = []): Promise<string> {
	const body = {
		schemas: [GROUP],
		displayName: `Group ${crypto.randomUUID().slice(0, 8)}`,
		members: members.map((value) => ({ value })),
	};
	return (await json(await scim(team.token, "POST", "/Groups", body), 201)).id as string;
}

/** What a team has: the rows in D1, the stored counts, and what the lists and service API say. */
async function totals(team: TestTeam) {
	const [users, groups] = await Promise.all([
		json(await scim(team.token, "GET", "/Users?count=0"), 200),
		json(await scim(team.token, "GET", "/Groups?count=0"), 200),
	]);
	const teamJson = await apiJson<{ scimUserCount: number; scimGroupCount: number }>(
		"GET",
		`/teams/${team.teamId}`,
	);
	const rows = await env.DB.prepare(
		`select scim_user_count as storedUsers, scim_group_count as storedGroups,
			(select count(*) from scim_users where team_id = ?1) as users,
			(select count(*) from scim_groups where team_id = ?1) as groups
		from teams where id = ?1`,
	)
		.bind(team.teamId)
		.first<{ storedUsers: number; storedGroups: number; users: number; groups: number }>();
	return {
		listedUsers: users.totalResults,
		listedGroups: groups.totalResults,
		serviceUsers: teamJson.scimUserCount,
		serviceGroups: teamJson.scimGroupCount,
		...rows,
	};
}

/** Every way of reading a team's totals agrees with its rows, which number `users` and `groups`. */
async function expectTotals(team: TestTeam, users: number, groups: number, step: string) {
	expect(await totals(team), step).toEqual({
		listedUsers: users,
		listedGroups: groups,
		serviceUsers: users,
		serviceGroups: groups,
		storedUsers: users,
		storedGroups: groups,
		users,
		groups,
	});
}

async function bulk(team: TestTeam, operations: Json[]): Promise<{ status: string }[]> {
	const body = await json(
		await scim(team.token, "POST", "/Bulk", { schemas: [BULK_REQUEST], Operations: operations }),
		200,
	);
	return body.Operations as { status: string }[];
}

describe("unfiltered totalResults from the team's stored counts", () => {
	it("starts at zero for a new team", async () => {
		const team = await newScimTeam("Counts zero");
		await expectTotals(team, 0, 0, "new team");
	});

	it("equals the real number after creates, DELETE /Users/:id, Bulk creates and deletes, and a group delete", async () => {
		const team = await newScimTeam("Counts");
		const a = await createUser(team);
		const b = await createUser(team);
		const c = await createUser(team);
		await expectTotals(team, 3, 0, "three POST /Users");

		await json(await scim(team.token, "DELETE", `/Users/${b}`), 204);
		await expectTotals(team, 2, 0, "DELETE /Users/:id");

		const g1 = await createGroup(team, [a, c]);
		const g2 = await createGroup(team, [a]);
		await expectTotals(team, 2, 2, "two POST /Groups");

		// A deleted user leaves the groups it was in, and the groups stay.
		await json(await scim(team.token, "DELETE", `/Users/${c}`), 204);
		await expectTotals(team, 1, 2, "DELETE of a group member");

		await json(await scim(team.token, "DELETE", `/Groups/${g2}`), 204);
		await expectTotals(team, 1, 1, "DELETE /Groups/:id");

		const made = await bulk(team, [
			{ method: "POST", path: "/Users", bulkId: "u1", data: oktaUser(uniqueEmail("bulk")) },
			{ method: "POST", path: "/Users", bulkId: "u2", data: oktaUser(uniqueEmail("bulk")) },
			{
				method: "POST",
				path: "/Groups",
				bulkId: "g",
				data: { schemas: [GROUP], displayName: "Bulk group", members: [{ value: "bulkId:u1" }] },
			},
		]);
		expect(made.map((op) => op.status)).toEqual(["201", "201", "201"]);
		await expectTotals(team, 3, 2, "Bulk creates");

		const removed = await bulk(team, [
			{ method: "DELETE", path: `/Users/${a}` },
			{ method: "DELETE", path: `/Groups/${g1}` },
		]);
		expect(removed.map((op) => op.status)).toEqual(["204", "204"]);
		await expectTotals(team, 2, 1, "Bulk deletes");
	});

	it("is not changed by refused writes: a duplicate create, a delete of an unknown id, a failed Bulk operation", async () => {
		const team = await newScimTeam("Counts refused");
		const email = uniqueEmail("dup");
		await createUser(team, email);
		await createGroup(team);
		await json(await scim(team.token, "POST", "/Users", oktaUser(email)), 409);
		await json(
			await scim(team.token, "DELETE", "/Users/00000000-0000-4000-8000-000000000000"),
			404,
		);
		await json(
			await scim(team.token, "DELETE", "/Groups/00000000-0000-4000-8000-000000000000"),
			404,
		);
		const ops = await bulk(team, [
			{ method: "POST", path: "/Users", bulkId: "dup", data: oktaUser(email) },
			{
				method: "POST",
				path: "/Groups",
				bulkId: "bad",
				data: { schemas: [GROUP], displayName: "Bad", members: [{ value: "no-such-user" }] },
			},
		]);
		expect(ops.map((op) => op.status)).toEqual(["409", "400"]);
		await expectTotals(team, 1, 1, "after refused writes");
	});

	it("is not changed by another team's creates and deletes", async () => {
		const mine = await newScimTeam("Counts mine");
		const other = await newScimTeam("Counts other");
		await createUser(mine);
		await createUser(mine);
		await createGroup(mine);
		const theirs = await createUser(other);
		const theirGroup = await createGroup(other, [theirs]);
		await createUser(other);
		await json(await scim(other.token, "DELETE", `/Users/${theirs}`), 204);
		await json(await scim(other.token, "DELETE", `/Groups/${theirGroup}`), 204);
		await bulk(other, [
			{ method: "POST", path: "/Users", bulkId: "x", data: oktaUser(uniqueEmail("other")) },
		]);
		await expectTotals(mine, 2, 1, "my team");
		await expectTotals(other, 2, 0, "the other team");
	});
});

describe("filtered totalResults", () => {
	it("counts the matches of the filter, not the team, with and without a page", async () => {
		const team = await newScimTeam("Counts filtered");
		const d = `f${crypto.randomUUID().slice(0, 6)}.example`;
		for (const name of ["ann", "anna", "bob"]) {
			await createUser(team, `${name}@${d}`);
		}
		const g = await createGroup(team);
		await createGroup(team);
		const filter = encodeURIComponent(`userName sw "ann"`);
		const page = await json(await scim(team.token, "GET", `/Users?filter=${filter}&count=1`), 200);
		expect(page).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
		const none = await json(await scim(team.token, "GET", `/Users?filter=${filter}&count=0`), 200);
		expect(none).toMatchObject({ totalResults: 2, Resources: [] });
		const byId = encodeURIComponent(`id eq "${g}"`);
		expect(await json(await scim(team.token, "GET", `/Groups?filter=${byId}`), 200)).toMatchObject({
			totalResults: 1,
		});
		const searched = await json(
			await scim(team.token, "POST", "/Users/.search", {
				schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
				filter: `userName eq "bob@${d}"`,
			}),
			200,
		);
		expect(searched.totalResults).toBe(1);
		await expectTotals(team, 3, 2, "unfiltered beside filtered");
	});
});

describe("stored counts after a burst of concurrent writes", () => {
	it("equal count(*) of scim_users and scim_groups for every team", async () => {
		const teams = await Promise.all([1, 2, 3].map((i) => newScimTeam(`Burst ${i}`)));
		await Promise.all(
			teams.map(async (team, i) => {
				const users = await Promise.all(
					Array.from({ length: 6 + i }, () =>
						scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("burst"))).then(
							async (res) => (await json(res, 201)).id as string,
						),
					),
				);
				const groups = await Promise.all(users.slice(0, 3).map((u) => createGroup(team, [u])));
				await Promise.all([
					...users.slice(0, 2 + i).map((u) => scim(team.token, "DELETE", `/Users/${u}`)),
					scim(team.token, "DELETE", `/Groups/${groups[0]}`),
					bulk(team, [
						{ method: "POST", path: "/Users", bulkId: "b", data: oktaUser(uniqueEmail("burst")) },
						{ method: "DELETE", path: `/Users/${users.at(-1)}` },
					]),
					// The same user created twice at once: one wins, the other is 409.
					...[1, 2].map(() =>
						scim(team.token, "POST", "/Users", oktaUser(`twice@${team.teamId}.example`)),
					),
				]);
			}),
		);
		const drift = await env.DB.prepare(
			`select id, scim_user_count, scim_group_count,
				(select count(*) from scim_users where team_id = teams.id) as users,
				(select count(*) from scim_groups where team_id = teams.id) as groups
			from teams
			where scim_user_count != (select count(*) from scim_users where team_id = teams.id)
				or scim_group_count != (select count(*) from scim_groups where team_id = teams.id)`,
		).all();
		expect(drift.results).toEqual([]);
		for (const [i, team] of teams.entries()) {
			// 6 + i created and 2 + i deleted, one created and one deleted by Bulk, one of the pair: 5.
			await expectTotals(team, 5, 2, `burst team ${i + 1}`);
		}
	});
});

describe("the backfill of migrations/0008_team_counts.sql", () => {
	it("sets a team's stored counts to its rows when they are wrong (as before the triggers existed)", async () => {
		const team = await newScimTeam("Counts backfill");
		const u = await createUser(team);
		await createUser(team);
		await createGroup(team, [u]);
		// Rows written without the triggers would leave the counts at their default, 0.
		await env.DB.prepare("update teams set scim_user_count = 0, scim_group_count = 0 where id = ?")
			.bind(team.teamId)
			.run();
		const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0008_"));
		const backfill = migration?.queries.find((q) => q.includes("UPDATE `teams` SET"));
		expect(backfill).toBeDefined();
		await env.DB.prepare(backfill ?? "").run();
		await expectTotals(team, 2, 1, "after the backfill");
	});
});
