import { beforeAll, describe, expect, it } from "vitest";
import { countedScim } from "../d1-round-trips";
import { newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

/**
 * Where a PUT or PATCH of a User gets the `groups` its answer lists (docs/architecture.md "One
 * round trip per request"): the write's own UPDATE returns them, so the Worker reads nothing of
 * its own; only a write that changed nothing, and so sent no batch, reads them in the Worker.
 */

type Json = Record<string, unknown>;

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

function replace(value: Json): Json {
	return { schemas: [PATCH_OP], Operations: [{ op: "replace", value }] };
}

async function json(res: Response, status: number): Promise<Json> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	return JSON.parse(text) as Json;
}

describe("the groups in a User write's answer", () => {
	let team: TestTeam;
	let userId: string;
	let userName: string;
	let groupIds: string[];

	beforeAll(async () => {
		team = await newScimTeam("Answer groups");
		userName = uniqueEmail("grouped");
		userId = String(
			(await json(await scim(team.token, "POST", "/Users", oktaUser(userName)), 201)).id,
		);
		groupIds = [];
		// Created as "Zebras" then "Ants": the answer lists them by display name.
		for (const displayName of ["Zebras", "Ants"]) {
			const group = await json(
				await scim(team.token, "POST", "/Groups", {
					schemas: [GROUP],
					displayName,
					members: [{ value: userId }],
				}),
				201,
			);
			groupIds.push(String(group.id));
		}
		// The Worker under count remembers the key from here on.
		expect((await countedScim(team.token, "GET", `/Users/${userId}`)).res.status).toBe(200);
	});

	function expectedGroups(): Json[] {
		const [zebras, ants] = groupIds;
		return [
			{ value: ants, display: "Ants", type: "direct" },
			{ value: zebras, display: "Zebras", type: "direct" },
		];
	}

	it("PATCH that changes the user lists its groups with no D1 round trip of the Worker's own", async () => {
		const { res, trips } = await countedScim(
			team.token,
			"PATCH",
			`/Users/${userId}`,
			replace({ title: "Engineer" }),
		);
		const body = await json(res, 200);
		expect(body).toMatchObject({ id: userId, title: "Engineer" });
		expect((body.groups as Json[]).map((g) => ({ ...g, $ref: undefined }))).toEqual(
			expectedGroups().map((g) => ({ ...g, $ref: undefined })),
		);
		expect(trips).toEqual([]);
	});

	it("PUT that deactivates the user lists its groups with no D1 round trip of the Worker's own", async () => {
		const { res, trips } = await countedScim(team.token, "PUT", `/Users/${userId}`, {
			...oktaUser(userName),
			active: false,
		});
		const body = await json(res, 200);
		expect(body).toMatchObject({ id: userId, active: false });
		expect((body.groups as Json[]).map((g) => g.value)).toEqual(
			expectedGroups().map((g) => g.value),
		);
		expect(trips).toEqual([]);
	});

	it("PATCH that changes nothing sends no batch, so the Worker reads the groups and checks the key in one round trip", async () => {
		const before = await json(await scim(team.token, "GET", `/Users/${userId}`), 200);
		const { res, trips } = await countedScim(
			team.token,
			"PATCH",
			`/Users/${userId}`,
			replace({ active: before.active }),
		);
		const body = await json(res, 200);
		expect(body).toEqual(before);
		expect(trips).toHaveLength(1);
	});

	it("the answer's groups are those a GET then reads", async () => {
		const patched = await json(
			await scim(team.token, "PATCH", `/Users/${userId}`, replace({ title: "Manager" })),
			200,
		);
		const read = await json(await scim(team.token, "GET", `/Users/${userId}`), 200);
		expect(patched.groups).toEqual(read.groups);
		expect(patched).toEqual(read);
	});

	it("a user in no group is answered without groups", async () => {
		const lone = await json(
			await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("lone"))),
			201,
		);
		expect(lone.groups).toBeUndefined();
		const patched = await json(
			await scim(team.token, "PATCH", `/Users/${lone.id}`, replace({ active: false })),
			200,
		);
		expect(patched).toMatchObject({ id: lone.id, active: false });
		expect(patched.groups).toBeUndefined();
	});
});
