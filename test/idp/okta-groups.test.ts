// Replays Okta's group push conversation (docs/idp-notes.md "Okta") from test/fixtures/okta/groups-*.json.
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, scim } from "../helpers";
import { fixturesOf, groupMemberIds, replay } from "./replay";

const OKTA_HEADERS = {
	"User-Agent": "Okta SCIM Client 1.0.0",
	Accept: "application/scim+json",
	"Accept-Charset": "utf-8",
};

const groupPush = fixturesOf(
	import.meta.glob("../fixtures/okta/groups-*.json", { eager: true, import: "default" }),
);

describe("Okta group push", () => {
	it("push → list → get → rename → add/remove members → full sync → push now on empty → delete", async () => {
		const team = await newScimTeam("Okta Groups");
		const ids = await replay(team.token, groupPush, { headers: OKTA_HEADERS });

		expect(await groupMemberIds(team.token, ids.get("groupId:eng"))).toEqual(
			[ids.get("userId:bob"), ids.get("userId:carol")].sort(),
		);
		const groups = await scim(team.token, "GET", "/Groups?startIndex=1&count=100");
		expect(await groups.json()).toMatchObject({ totalResults: 1 });
		// Group membership never changes team membership: all three are still members.
		const { members } = await apiJson<{ members: { email: string }[] }>(
			"GET",
			`/teams/${team.teamId}/members`,
		);
		expect(members.map((m) => m.email).sort()).toEqual([
			"alice@okta-groups.example.com",
			"bob@okta-groups.example.com",
			"carol@okta-groups.example.com",
		]);
	});
});

describe("PATCH /Groups/:id", () => {
	it("answers 200 with the group when attributes or excludedAttributes are asked", async () => {
		const team = await newScimTeam("Group Patch");
		const created = (await (
			await scim(team.token, "POST", "/Groups", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				displayName: "Ops",
			})
		).json()) as { id: string };
		const rename = (query: string, displayName: string) =>
			scim(team.token, "PATCH", `/Groups/${created.id}${query}`, {
				schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				Operations: [{ op: "replace", path: "displayName", value: displayName }],
			});
		const plain = await rename("", "Ops 1");
		expect(plain.status).toBe(204);
		expect(plain.headers.get("ETag")).toBe('W/"2"');
		const withAttributes = await rename("?attributes=displayName", "Ops 2");
		expect(withAttributes.status).toBe(200);
		expect(await withAttributes.json()).toMatchObject({ id: created.id, displayName: "Ops 2" });
		const withExcluded = await rename("?excludedAttributes=members", "Ops 3");
		expect(withExcluded.status).toBe(200);
		expect(await withExcluded.json()).toMatchObject({ displayName: "Ops 3" });
	});
});

describe("Group members", () => {
	it("must be Users of the same team: another team's user is refused naming its id", async () => {
		const team = await newScimTeam("Members Here");
		const other = await newScimTeam("Members Elsewhere");
		const stranger = (await (
			await scim(other.token, "POST", "/Users", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
				userName: "stranger@elsewhere.example.com",
			})
		).json()) as { id: string };
		const created = await scim(team.token, "POST", "/Groups", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
			displayName: "Mixed",
			members: [{ value: stranger.id }],
		});
		expect(created.status).toBe(400);
		const error = (await created.json()) as { scimType: string; detail: string };
		expect(error.scimType).toBe("invalidValue");
		expect(error.detail).toContain(stranger.id);

		const group = (await (
			await scim(team.token, "POST", "/Groups", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				displayName: "Mixed",
			})
		).json()) as { id: string };
		const patched = await scim(team.token, "PATCH", `/Groups/${group.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "add", path: "members", value: [{ value: stranger.id }] }],
		});
		expect(patched.status).toBe(400);
		expect(await patched.text()).toContain(stranger.id);
		expect(await groupMemberIds(team.token, group.id)).toEqual([]);
	});
});

describe("PATCH /Groups/:id members", () => {
	it("refuses a member value without an id instead of answering 204 and dropping it", async () => {
		const team = await newScimTeam("Nameless Member");
		const user = (await (
			await scim(team.token, "POST", "/Users", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
				userName: "named@example.com",
			})
		).json()) as { id: string };
		const group = (await (
			await scim(team.token, "POST", "/Groups", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				displayName: "Named",
			})
		).json()) as { id: string };
		const patch = (operation: Record<string, unknown>) =>
			scim(team.token, "PATCH", `/Groups/${group.id}`, {
				schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				Operations: [operation],
			});
		for (const operation of [
			{ op: "add", path: "members", value: [{ value: user.id }, { display: "nobody" }] },
			{ op: "Add", path: "Members", value: { type: "User" } },
			{ op: "replace", value: { displayName: "Named", members: [{ display: "x" }] } },
			{ op: "Remove", path: "members", value: [{ $ref: null }] },
		]) {
			const res = await patch(operation);
			expect(res.status, JSON.stringify(operation)).toBe(400);
			expect(await res.json()).toMatchObject({ scimType: "invalidValue" });
		}
		expect(await groupMemberIds(team.token, group.id)).toEqual([]);
		// A bare id is still read as {value}.
		expect((await patch({ op: "add", path: "members", value: [user.id] })).status).toBe(204);
		expect(await groupMemberIds(team.token, group.id)).toEqual([user.id]);
	});
});
