// Replays OneLogin's calls (docs/idp-notes.md "OneLogin") from test/fixtures/onelogin/connect-*.json, with
// OneLogin's documented `Accept: application/json`.
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam } from "../helpers";
import { fixturesOf, replay } from "./replay";

const connect = fixturesOf(
	import.meta.glob("../fixtures/onelogin/connect-*.json", { eager: true, import: "default" }),
);

describe("OneLogin", () => {
	it("first connection probe → create/get/PUT/PATCH user → groups → delete user, all as application/json", async () => {
		const team = await newScimTeam("OneLogin Co");
		await replay(team.token, connect, {
			headers: { Accept: "application/json", "Content-Type": "application/json" },
		});
		const { members } = await apiJson<{ members: { email: string }[] }>(
			"GET",
			`/teams/${team.teamId}/members`,
		);
		// sam was deleted (deactivated and detached); kim stays.
		expect(members.map((m) => m.email)).toEqual(["kim@onelogin.example.com"]);
	});
});
