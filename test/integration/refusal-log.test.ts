import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countTeamObjectTrips } from "../d1-round-trips";
import {
	newScimTeam,
	oktaUser,
	rememberedThenRevokedKey,
	scim,
	type TestTeam,
	uniqueEmail,
} from "../helpers";
import { teamObject } from "../invite-helpers";

/**
 * The provisioning log rows of refused SCIM writes go in group commits of their own
 * (src/team/refusal-log.ts): a burst of refusals shares batches, and a refused key among them
 * never costs another writer its row.
 */

async function refusedCreates(teamId: string, userName: string): Promise<number> {
	const row = await env.DB.prepare(
		"select count(*) as n from provisioning_events where team_id = ? and action = 'user.create' and outcome = 'failure' and target_label = ?",
	)
		.bind(teamId, userName)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

async function created(team: TestTeam, userName: string): Promise<void> {
	expect((await scim(team.token, "POST", "/Users", oktaUser(userName))).status).toBe(201);
}

describe("the log of refused writes", () => {
	it("logs a burst of ten refused creates in fewer than ten batches, one row for each", async () => {
		const team = await newScimTeam("Burst");
		const userName = uniqueEmail("burst");
		await created(team, userName);
		const counted = await countTeamObjectTrips(teamObject(team.teamId));

		const answers = await Promise.all(
			Array.from({ length: 10 }, () => scim(team.token, "POST", "/Users", oktaUser(userName))),
		);
		expect(answers.map((res) => res.status)).toEqual(Array(10).fill(409));
		expect(await refusedCreates(team.teamId, userName)).toBe(10);
		const batches = counted.trips.filter((trip) => trip.startsWith("batch"));
		expect(batches.length).toBeLessThan(10);
	});

	it("answers 401 to a revoked key's refused create and logs nothing for it, keeping the others' rows", async () => {
		const team = await newScimTeam("Revoked in a burst");
		const userName = uniqueEmail("revoked");
		await created(team, userName);
		const second = await rememberedThenRevokedKey(team);

		const answers = await Promise.all([
			...Array.from({ length: 6 }, () => scim(team.token, "POST", "/Users", oktaUser(userName))),
			scim(second.token, "POST", "/Users", oktaUser(userName)),
			...Array.from({ length: 3 }, () => scim(team.token, "POST", "/Users", oktaUser(userName))),
		]);
		expect(answers.map((res) => res.status)).toEqual([...Array(6).fill(409), 401, 409, 409, 409]);
		expect(await refusedCreates(team.teamId, userName)).toBe(9);
		const bySecondKey = await env.DB.prepare(
			"select count(*) as n from provisioning_events where team_id = ? and actor_id = ?",
		)
			.bind(team.teamId, second.id)
			.first<{ n: number }>();
		expect(bySecondKey?.n).toBe(0);
	});
});
