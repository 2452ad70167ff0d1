// Issue 10: one coercer for every write. POST, PUT, PATCH and Bulk accept, clean and refuse the
// same values the same way (RFC 7643 §2.3, RFC 7644 §3.3, §3.5.1, §3.5.2, §3.7).
import { describe, expect, it } from "vitest";
import { newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

type Json = Record<string, unknown>;

async function json(res: Response, status: number): Promise<Json> {
	expect(res.status, await res.clone().text()).toBe(status);
	return (await res.json()) as Json;
}

async function newUser(team: TestTeam): Promise<Json> {
	return json(await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("parity"))), 201);
}

function patchBody(...Operations: Json[]): Json {
	return { schemas: [PATCH_OP], Operations };
}

describe("unknown sub-attributes are dropped on every path alike", () => {
	// The member object with an extra `displayName` passed POST /Groups but PATCH refused it.
	it("PATCH /Groups adds a member object carrying an unknown displayName, as POST does", async () => {
		const team = await newScimTeam();
		const [ada, grace] = [await newUser(team), await newUser(team)];
		const member = (user: Json) => ({ value: user.id, displayName: "Someone", $ref: null });
		const group = await json(
			await scim(team.token, "POST", "/Groups", {
				schemas: [GROUP],
				displayName: "Parity",
				members: [member(ada)],
			}),
			201,
		);
		const patched = await scim(
			team.token,
			"PATCH",
			`/Groups/${group.id}`,
			patchBody({ op: "add", path: "members", value: [member(grace)] }),
		);
		expect([200, 204], await patched.clone().text()).toContain(patched.status);
		const got = await json(await scim(team.token, "GET", `/Groups/${group.id}`), 200);
		expect((got.members as Json[]).map((m) => m.value).sort()).toEqual([ada.id, grace.id].sort());
		expect(got.members as Json[]).not.toContainEqual(
			expect.objectContaining({ displayName: expect.anything() }),
		);
	});

	it("POST, PUT, PATCH and Bulk store the same emails for a body with an unknown sub-attribute", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("kind");
		const emails = [{ value: email, primary: "True", type: "work", kind: "office" }];
		const stored = [{ value: email, primary: true, type: "work" }];

		const posted = await json(
			await scim(team.token, "POST", "/Users", { ...oktaUser(email), emails }),
			201,
		);
		expect(posted.emails).toEqual(stored);

		const put = await json(
			await scim(team.token, "PUT", `/Users/${posted.id}`, { ...oktaUser(email), emails }),
			200,
		);
		expect(put.emails).toEqual(stored);

		const patched = await json(
			await scim(
				team.token,
				"PATCH",
				`/Users/${posted.id}`,
				patchBody({ op: "replace", path: "emails", value: emails }),
			),
			200,
		);
		expect(patched.emails).toEqual(stored);

		const bulkEmail = uniqueEmail("bulk-kind");
		const bulk = await json(
			await scim(team.token, "POST", "/Bulk", {
				schemas: [BULK_REQUEST],
				Operations: [
					{
						method: "POST",
						path: "/Users",
						bulkId: "b1",
						data: { ...oktaUser(bulkEmail), emails: [{ ...emails[0], value: bulkEmail }] },
					},
				],
			}),
			200,
		);
		const location = (bulk.Operations as Json[])[0]?.location as string;
		const bulkUser = await json(
			await scim(team.token, "GET", `/Users/${location.split("/").pop()}`),
			200,
		);
		expect(bulkUser.emails).toEqual([{ ...stored[0], value: bulkEmail }]);
	});

	it("PATCH drops an unknown attribute of a path-less value as PUT does, and applies the rest", async () => {
		const team = await newScimTeam();
		const user = await newUser(team);
		const patched = await json(
			await scim(
				team.token,
				"PATCH",
				`/Users/${user.id}`,
				patchBody({ op: "replace", value: { favouriteColour: "blue", title: "Engineer" } }),
			),
			200,
		);
		expect(patched.title).toBe("Engineer");
		expect(patched).not.toHaveProperty("favouriteColour");
	});

	it("readOnly attributes in a body are ignored alike by POST, PUT and a path-less PATCH", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("ro");
		const readOnly = { id: "chosen-by-client", groups: [{ value: "g1" }], meta: { version: "x" } };
		const posted = await json(
			await scim(team.token, "POST", "/Users", { ...oktaUser(email), ...readOnly }),
			201,
		);
		expect(posted.id).not.toBe("chosen-by-client");
		expect(posted).not.toHaveProperty("groups");
		const put = await json(
			await scim(team.token, "PUT", `/Users/${posted.id}`, { ...oktaUser(email), ...readOnly }),
			200,
		);
		expect(put.id).toBe(posted.id);
		expect(put).not.toHaveProperty("groups");
		const patched = await json(
			await scim(
				team.token,
				"PATCH",
				`/Users/${posted.id}`,
				patchBody({ op: "replace", value: { ...readOnly, nickName: "A" } }),
			),
			200,
		);
		expect(patched).toMatchObject({ id: posted.id, nickName: "A" });
		expect(patched).not.toHaveProperty("groups");
	});
});

// Issue 9 item 4: PATCH accepted a blank userName that POST and PUT refuse.
describe("PATCH refuses a blank or overlong name with POST's and PUT's error", () => {
	it.each<[string, string]>([
		["empty", ""],
		["blank", "   "],
		["overlong", `${"u".repeat(251)}@x.org`],
	])("when userName is %s", async (_case, userName) => {
		const team = await newScimTeam();
		const user = await newUser(team);
		const posted = await json(
			await scim(team.token, "POST", "/Users", { ...oktaUser(uniqueEmail("n")), userName }),
			400,
		);
		const put = await json(
			await scim(team.token, "PUT", `/Users/${user.id}`, {
				...oktaUser(user.userName as string),
				userName,
			}),
			400,
		);
		const patched = await json(
			await scim(
				team.token,
				"PATCH",
				`/Users/${user.id}`,
				patchBody({ op: "replace", path: "userName", value: userName }),
			),
			400,
		);
		expect(put).toEqual(posted);
		expect(patched).toEqual(posted);
		expect(posted).toMatchObject({ scimType: "invalidValue" });
		const got = await json(await scim(team.token, "GET", `/Users/${user.id}`), 200);
		expect(got.userName).toBe(user.userName);
	});

	it("a blank userName in a Bulk PATCH", async () => {
		const team = await newScimTeam();
		const user = await newUser(team);
		const posted = await json(
			await scim(team.token, "POST", "/Users", { ...oktaUser(uniqueEmail("n")), userName: " " }),
			400,
		);
		const bulk = await json(
			await scim(team.token, "POST", "/Bulk", {
				schemas: [BULK_REQUEST],
				Operations: [
					{
						method: "PATCH",
						path: `/Users/${user.id}`,
						data: patchBody({ op: "replace", path: "userName", value: " " }),
					},
				],
			}),
			200,
		);
		expect((bulk.Operations as Json[])[0]).toMatchObject({
			status: "400",
			response: { scimType: "invalidValue", detail: posted.detail },
		});
	});

	it("a blank Group displayName", async () => {
		const team = await newScimTeam();
		const group = await json(
			await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: "Named" }),
			201,
		);
		const posted = await json(
			await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: " " }),
			400,
		);
		const patched = await json(
			await scim(
				team.token,
				"PATCH",
				`/Groups/${group.id}`,
				patchBody({ op: "replace", value: { displayName: " " } }),
			),
			400,
		);
		expect(patched).toEqual(posted);
	});
});
