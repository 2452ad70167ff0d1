// POST /Bulk through the worker (RFC 7644 §3.7).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import circular from "../fixtures/rfc7644/3.7.1-bulk-circular.json";
import rfcExample from "../fixtures/rfc7644/3.7.2-bulk-request.json";
import { apiJson, newScimTeam, ORIGIN, scim } from "../helpers";

const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

interface BulkResponseBody {
	schemas: string[];
	Operations: {
		location?: string;
		method: string;
		bulkId?: string;
		version?: string;
		status: string;
		response?: { status: string; scimType?: string; detail: string };
	}[];
}

async function bulk(token: string, body: unknown): Promise<BulkResponseBody> {
	const res = await scim(token, "POST", "/Bulk", body);
	expect(res.status, await res.clone().text()).toBe(200);
	expect(res.headers.get("Content-Type")).toContain("application/scim+json");
	return (await res.json()) as BulkResponseBody;
}

const createUser = (bulkId: string, email = `${bulkId}@bulk.example.com`) => ({
	method: "POST",
	path: "/Users",
	bulkId,
	data: { schemas: [USER], userName: email, emails: [{ value: email, primary: true }] },
});

function idOf(location: string | undefined): string {
	return location?.split("/").pop() ?? "";
}

describe("POST /Bulk", () => {
	it("replays the RFC 7644 §3.7.2 example: a user, and a group holding it by bulkId", async () => {
		const team = await newScimTeam("Bulk RFC");
		// The RFC's "Alice" has no email; every user here links to an account by email (docs/architecture.md).
		const request = structuredClone(rfcExample);
		Object.assign(request.Operations[0]?.data ?? {}, {
			userName: "alice@bulk.example.com",
			emails: [{ value: "alice@bulk.example.com", primary: true }],
		});
		const response = await bulk(team.token, request);
		expect(response).toEqual({
			schemas: [BULK_RESPONSE],
			Operations: [
				{
					location: expect.stringMatching(`^${ORIGIN}/scim/v2/Users/`),
					method: "POST",
					bulkId: "qwerty",
					version: 'W/"1"',
					status: "201",
				},
				{
					location: expect.stringMatching(`^${ORIGIN}/scim/v2/Groups/`),
					method: "POST",
					bulkId: "ytrewq",
					version: 'W/"1"',
					status: "201",
				},
			],
		});
		const [user, group] = response.Operations.map((op) => idOf(op.location));
		const read = await scim(team.token, "GET", `/Groups/${group}`);
		expect(await read.json()).toMatchObject({
			displayName: "Tour Guides",
			members: [{ value: user, type: "User", display: "alice@bulk.example.com" }],
		});
		const { members } = await apiJson<{ members: { email: string }[] }>(
			"GET",
			`/teams/${team.teamId}/members`,
		);
		expect(members.map((m) => m.email)).toEqual(["alice@bulk.example.com"]);
	});

	it("runs the literal RFC example: its email-less user is stored unlinked, and its group holds it", async () => {
		const team = await newScimTeam("Bulk RFC literal");
		const response = await bulk(team.token, rfcExample);
		expect(response.Operations).toMatchObject([
			{ method: "POST", bulkId: "qwerty", status: "201" },
			{ method: "POST", bulkId: "ytrewq", status: "201" },
		]);
		const userId = String(response.Operations[0]?.location).split("/").pop();
		const groupId = String(response.Operations[1]?.location).split("/").pop();
		const group = (await (await scim(team.token, "GET", `/Groups/${groupId}`)).json()) as {
			members?: unknown[];
		};
		expect(group.members).toEqual([expect.objectContaining({ value: userId })]);
		const memberCount = await env.DB.prepare(
			"select count(*) as n from memberships where team_id = ?",
		)
			.bind(team.teamId)
			.first<{ n: number }>();
		expect(memberCount?.n).toBe(0);
	});

	it("answers each operation with the status its own request would have", async () => {
		const team = await newScimTeam("Bulk statuses");
		const setup = await bulk(team.token, {
			schemas: [BULK_REQUEST],
			Operations: [
				createUser("a"),
				createUser("b"),
				{
					method: "POST",
					path: "/Groups",
					bulkId: "g",
					data: { schemas: [GROUP], displayName: "G" },
				},
			],
		});
		const [a, b, g] = setup.Operations.map((op) => idOf(op.location));
		const response = await bulk(team.token, {
			schemas: [BULK_REQUEST],
			Operations: [
				{
					method: "PUT",
					path: `/Users/${a}`,
					version: 'W/"1"',
					data: {
						schemas: [USER],
						userName: "a@bulk.example.com",
						name: { givenName: "Ann" },
						emails: [{ value: "a@bulk.example.com", primary: true }],
					},
				},
				{
					method: "PATCH",
					path: `/Users/${a}`,
					data: {
						schemas: [PATCH_OP],
						Operations: [{ op: "replace", path: "displayName", value: "Ann A." }],
					},
				},
				{
					method: "PATCH",
					path: `/Groups/${g}`,
					data: {
						schemas: [PATCH_OP],
						Operations: [{ op: "add", path: "members", value: [{ value: a }] }],
					},
				},
				{
					method: "PUT",
					path: `/Groups/${g}`,
					version: 'W/"1"',
					data: { schemas: [GROUP], displayName: "G2" },
				},
				{ method: "DELETE", path: `/Users/${b}` },
				{ method: "DELETE", path: `/Users/${b}` },
				{
					method: "patch",
					path: `/Users/${a}`,
					data: { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "id", value: "x" }] },
				},
				{ method: "GET", path: `/Users/${a}` },
			],
		});
		expect(response.Operations).toEqual([
			{ location: `${ORIGIN}/scim/v2/Users/${a}`, method: "PUT", version: 'W/"2"', status: "200" },
			{
				location: `${ORIGIN}/scim/v2/Users/${a}`,
				method: "PATCH",
				version: 'W/"3"',
				status: "200",
			},
			{
				location: `${ORIGIN}/scim/v2/Groups/${g}`,
				method: "PATCH",
				version: 'W/"2"',
				status: "204",
			},
			{
				location: `${ORIGIN}/scim/v2/Groups/${g}`,
				method: "PUT",
				status: "412",
				response: expect.objectContaining({ schemas: [ERROR], status: "412" }),
			},
			{ location: `${ORIGIN}/scim/v2/Users/${b}`, method: "DELETE", status: "204" },
			{
				location: `${ORIGIN}/scim/v2/Users/${b}`,
				method: "DELETE",
				status: "404",
				response: expect.objectContaining({ status: "404" }),
			},
			{
				location: `${ORIGIN}/scim/v2/Users/${a}`,
				method: "PATCH",
				status: "400",
				response: expect.objectContaining({ scimType: "mutability" }),
			},
			{
				method: "GET",
				status: "400",
				response: expect.objectContaining({ scimType: "invalidValue" }),
			},
		]);
		const user = await scim(team.token, "GET", `/Users/${a}`);
		expect(await user.json()).toMatchObject({
			name: { givenName: "Ann" },
			displayName: "Ann A.",
			groups: [{ value: g }],
		});
	});

	it("stops after failOnErrors errors and leaves the rest undone", async () => {
		const team = await newScimTeam("Bulk failOnErrors");
		const operations = [
			createUser("a"),
			createUser("dup", "A@bulk.example.com"),
			createUser("b"),
			createUser("c"),
		];
		const stopped = await bulk(team.token, {
			schemas: [BULK_REQUEST],
			failOnErrors: 1,
			Operations: operations,
		});
		expect(stopped.Operations.map((op) => [op.bulkId, op.status])).toEqual([
			["a", "201"],
			["dup", "409"],
		]);
		expect(stopped.Operations[1]?.response).toMatchObject({ scimType: "uniqueness" });
		const list = await scim(team.token, "GET", "/Users");
		expect(await list.json()).toMatchObject({ totalResults: 1 });

		// Without failOnErrors every operation runs despite failures (RFC 7644 §3.7).
		const other = await newScimTeam("Bulk no failOnErrors");
		const all = await bulk(other.token, { schemas: [BULK_REQUEST], Operations: operations });
		expect(all.Operations.map((op) => op.status)).toEqual(["201", "409", "201", "201"]);
	});

	it("runs a forward bulkId reference after the POST it names", async () => {
		const team = await newScimTeam("Bulk forward");
		const response = await bulk(team.token, {
			schemas: [BULK_REQUEST],
			Operations: [
				{
					method: "POST",
					path: "/Groups",
					bulkId: "g",
					data: { schemas: [GROUP], displayName: "Early", members: [{ value: "bulkId:late" }] },
				},
				createUser("late"),
				{
					method: "PATCH",
					path: "/Users/bulkId:late",
					data: {
						schemas: [PATCH_OP],
						Operations: [{ op: "replace", path: "active", value: false }],
					},
				},
			],
		});
		expect(response.Operations.map((op) => [op.bulkId, op.status])).toEqual([
			["g", "201"],
			["late", "201"],
			[undefined, "200"],
		]);
		const group = await scim(
			team.token,
			"GET",
			`/Groups/${idOf(response.Operations[0]?.location)}`,
		);
		expect(await group.json()).toMatchObject({
			members: [{ value: idOf(response.Operations[1]?.location) }],
		});
		expect(response.Operations[2]?.location).toBe(response.Operations[1]?.location);
	});

	it("answers 400 for a bulkId no operation defines", async () => {
		const team = await newScimTeam("Bulk bad ref");
		const response = await bulk(team.token, {
			schemas: [BULK_REQUEST],
			Operations: [
				{
					method: "POST",
					path: "/Groups",
					bulkId: "g",
					data: { schemas: [GROUP], displayName: "G", members: [{ value: "bulkId:nobody" }] },
				},
				{ method: "DELETE", path: "/Groups/bulkId:nothing" },
			],
		});
		expect(response.Operations).toMatchObject([
			{
				bulkId: "g",
				status: "400",
				response: { scimType: "invalidValue", detail: expect.stringContaining('"nobody"') },
			},
			{
				method: "DELETE",
				status: "400",
				response: { detail: expect.stringContaining('"nothing"') },
			},
		]);
	});

	it("answers 409 for the RFC 7644 §3.7.1 circular reference", async () => {
		const team = await newScimTeam("Bulk circular");
		const response = await bulk(team.token, circular);
		expect(response.Operations.map((op) => op.status)).toEqual(["409", "409"]);
		const groups = await scim(team.token, "GET", "/Groups");
		expect(await groups.json()).toMatchObject({ totalResults: 0 });
	});

	it("a Bulk create and a concurrent POST of the same userName give one winner (the unique index, or the queue)", async () => {
		const team = await newScimTeam("Bulk concurrent");
		const operations = Array.from({ length: 40 }, (_, i) => createUser(`c${i}`));
		const [bulkRes, single] = await Promise.all([
			bulk(team.token, { schemas: [BULK_REQUEST], Operations: operations }),
			(async () => {
				await new Promise((resolve) => setTimeout(resolve, 20));
				// Same userName as c20 but another body, so it is no retry of the bulk's create.
				return scim(team.token, "POST", "/Users", {
					schemas: [USER],
					userName: "c20@bulk.example.com",
					displayName: "Someone else",
				});
			})(),
		]);
		// Whichever ran first created the user; the other got 409, and nothing was duplicated.
		expect([bulkRes.Operations[20]?.status, String(single.status)].sort()).toEqual(["201", "409"]);
		const list = await scim(team.token, "GET", "/Users?count=100");
		expect(await list.json()).toMatchObject({ totalResults: 40 });
	});

	it("answers 413 for more than maxOperations operations", async () => {
		const team = await newScimTeam("Bulk too many");
		const res = await scim(team.token, "POST", "/Bulk", {
			schemas: [BULK_REQUEST],
			Operations: Array.from({ length: 1001 }, (_, i) => ({
				method: "DELETE",
				path: `/Users/${i}`,
			})),
		});
		expect(res.status).toBe(413);
		expect(res.headers.get("Content-Type")).toContain("application/scim+json");
		expect(await res.json()).toMatchObject({
			schemas: [ERROR],
			status: "413",
			detail: expect.stringContaining("maxOperations is 1000"),
		});
	});

	it("answers 413 for a body over maxPayloadSize", async () => {
		const team = await newScimTeam("Bulk too big");
		const res = await scim(team.token, "POST", "/Bulk", {
			schemas: [BULK_REQUEST],
			Operations: [
				{ ...createUser("big"), data: { schemas: [USER], userName: "x".repeat(1024 * 1024) } },
			],
		});
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({ schemas: [ERROR], status: "413" });
	});

	it("answers 400 for a body that is not a BulkRequest", async () => {
		const team = await newScimTeam("Bulk malformed");
		const res = await scim(team.token, "POST", "/Bulk", { Operations: [] });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ status: "400", scimType: "invalidSyntax" });
	});

	it("is advertised in /ServiceProviderConfig with its limits", async () => {
		const team = await newScimTeam("Bulk config");
		const res = await scim(team.token, "GET", "/ServiceProviderConfig");
		expect(await res.json()).toMatchObject({
			bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
		});
	});
});
