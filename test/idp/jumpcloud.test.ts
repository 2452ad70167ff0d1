// Replays JumpCloud's custom SCIM connector (docs/idp-notes.md "JumpCloud, Rippling, Google Workspace") from test/fixtures/jumpcloud/*.json.
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, scim } from "../helpers";
import { fixturesOf, replay } from "./replay";

const testConnection = fixturesOf(
	import.meta.glob("../fixtures/jumpcloud/test-connection-*.json", {
		eager: true,
		import: "default",
	}),
);
const takeover = fixturesOf(
	import.meta.glob("../fixtures/jumpcloud/takeover-*.json", { eager: true, import: "default" }),
);

async function memberEmails(teamId: string): Promise<string[]> {
	const { members } = await apiJson<{ members: { email: string }[] }>(
		"GET",
		`/teams/${teamId}/members`,
	);
	return members.map((m) => m.email).sort();
}

describe("JumpCloud", () => {
	it("test connection creates a test user and group, then deletes them", async () => {
		const team = await newScimTeam("JumpCloud Test");
		await replay(team.token, testConnection);
		expect(await memberEmails(team.teamId)).toEqual([]);
		const groups = await scim(team.token, "GET", "/Groups");
		expect(await groups.json()).toMatchObject({ totalResults: 0 });
	});

	it("takes over an existing group with the same name, renames it and manages its members", async () => {
		const team = await newScimTeam("JumpCloud Takeover");
		// The group and its first member were provisioned before JumpCloud was connected.
		const owner = (await (
			await scim(team.token, "POST", "/Users", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
				userName: "owner@jumpcloud.example.com",
				emails: [{ value: "owner@jumpcloud.example.com", primary: true }],
			})
		).json()) as { id: string };
		const existing = await scim(team.token, "POST", "/Groups", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
			displayName: "Existing",
			members: [{ value: owner.id }],
		});
		expect(existing.status).toBe(201);

		const ids = await replay(team.token, takeover, {
			ids: new Map([["userId:owner", owner.id]]),
		});
		expect(ids.get("groupId:existing")).toBe(((await existing.json()) as { id: string }).id);
		expect(await memberEmails(team.teamId)).toEqual([
			"owner@jumpcloud.example.com",
			"pat@jumpcloud.example.com",
			"ron@jumpcloud.example.com",
		]);
	});
});
