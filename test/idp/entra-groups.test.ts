// Replays Microsoft Entra ID's group provisioning (docs/idp-notes.md "Microsoft Entra ID", §3.2) from
// test/fixtures/entra/{groups,flag}-*.json.
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam } from "../helpers";
import { fixturesOf, groupMemberIds, replay } from "./replay";

const defaultJob = fixturesOf(
	import.meta.glob("../fixtures/entra/groups-*.json", { eager: true, import: "default" }),
);
const flagJob = fixturesOf(
	import.meta.glob("../fixtures/entra/flag-*.json", { eager: true, import: "default" }),
);

async function memberEmails(teamId: string): Promise<string[]> {
	const { members } = await apiJson<{ members: { email: string }[] }>(
		"GET",
		`/teams/${teamId}/members`,
	);
	return members.map((m) => m.email).sort();
}

describe("Entra ID group provisioning (default job)", () => {
	it("test connection → create → rename → Add several → Remove by value array → delete", async () => {
		const team = await newScimTeam("Entra Groups");
		const ids = await replay(team.token, defaultJob);

		expect(await groupMemberIds(team.token, ids.get("groupId:sales"))).toEqual(
			[ids.get("userId:adele"), ids.get("userId:lynne")].sort(),
		);
		// Removing grady from the group left him a member of the team.
		expect(await memberEmails(team.teamId)).toEqual([
			"adele@entra-groups.example.com",
			"grady@entra-groups.example.com",
			"lynne@entra-groups.example.com",
		]);
	});
});

describe("Entra ID group provisioning (aadOptscim062020 job)", () => {
	it("lowercase ops, path-less dotted/URN replace, remove by members[value eq]", async () => {
		const team = await newScimTeam("Entra Flag Groups");
		const ids = await replay(team.token, flagJob);

		expect(await groupMemberIds(team.token, ids.get("groupId:finance"))).toEqual([
			ids.get("userId:megan"),
		]);
		// diego was disabled: no longer a team member; megan's email change reached her account.
		expect(await memberEmails(team.teamId)).toEqual(["megan.bowen@entra-flag.example.com"]);
	});
});
