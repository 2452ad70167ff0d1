import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
	adminGet,
	adminLogin,
	api,
	apiJson,
	newAdminTeam,
	newScimTeam,
	ORIGIN,
	oktaUser,
	SERVICE_TOKEN,
	scim,
	type TestTeam,
	teamSnapshot,
	uniqueEmail,
} from "../helpers";

type Json = Record<string, unknown>;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function json(res: Response, status: number): Promise<Json> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	return JSON.parse(text) as Json;
}

/** Team A, holding a user in a group, and team B, whose key must never reach any of it. */
let a: TestTeam;
let b: TestTeam;
let userA: Json;
let groupA: Json;
let bGroup: Json;
let aBefore: Record<string, unknown>;

async function readA(): Promise<Json[]> {
	return [
		await json(await scim(a.token, "GET", `/Users/${userA.id}`), 200),
		await json(await scim(a.token, "GET", `/Groups/${groupA.id}`), 200),
	];
}

beforeAll(async () => {
	a = await newScimTeam("A");
	b = await newScimTeam("B");
	userA = await json(await scim(a.token, "POST", "/Users", oktaUser(uniqueEmail("alice"))), 201);
	groupA = await json(
		await scim(a.token, "POST", "/Groups", {
			schemas: [GROUP],
			displayName: `Secret ${crypto.randomUUID()}`,
			externalId: "grp-ext-A",
			members: [{ value: userA.id }],
		}),
		201,
	);
	bGroup = await json(
		await scim(b.token, "POST", "/Groups", { schemas: [GROUP], displayName: "B's group" }),
		201,
	);
	aBefore = await teamSnapshot(a.teamId);
});

describe("team B's key on team A's resources", () => {
	const userBody = () => ({ ...oktaUser(String(userA.userName), "Mallory", "Evil") });
	const userPatch = {
		schemas: [PATCH_OP],
		Operations: [{ op: "replace", value: { active: false, displayName: "pwned" } }],
	};
	const groupPatch = {
		schemas: [PATCH_OP],
		Operations: [
			{ op: "remove", path: `members[value eq "${"USER_A"}"]` },
			{ op: "replace", path: "displayName", value: "pwned" },
		],
	};

	it.each([
		["GET", "/Users/:user", undefined],
		["PUT", "/Users/:user", "user"],
		["PATCH", "/Users/:user", "userPatch"],
		["DELETE", "/Users/:user", undefined],
		["GET", "/Groups/:group", undefined],
		["PUT", "/Groups/:group", "group"],
		["PATCH", "/Groups/:group", "groupPatch"],
		["DELETE", "/Groups/:group", undefined],
	])("%s %s is 404 and changes nothing", async (method, template, bodyKind) => {
		const path = template.replace(":user", String(userA.id)).replace(":group", String(groupA.id));
		const body =
			bodyKind === "user"
				? userBody()
				: bodyKind === "userPatch"
					? userPatch
					: bodyKind === "group"
						? { schemas: [GROUP], displayName: "pwned", members: [] }
						: bodyKind === "groupPatch"
							? JSON.parse(JSON.stringify(groupPatch).replace("USER_A", String(userA.id)))
							: undefined;
		const res = await scim(b.token, method, path, body, { "If-Match": "*" });
		const text = await res.text();
		expect(res.status, text).toBe(404);
		expect(text).not.toContain(String(userA.userName));
		expect(text).not.toContain(String(groupA.displayName));
		expect(await teamSnapshot(a.teamId)).toEqual(aBefore);
	});

	it.each([
		["/Users", 'id eq ":user"'],
		["/Users", 'userName eq ":userName"'],
		["/Users", 'externalId eq ":externalId"'],
		["/Users", 'emails.value eq ":userName"'],
		["/Users", 'emails[type eq "work"].value eq ":userName"'],
		["/Users", 'userName sw "a"'],
		["/Users", "userName pr"],
		["/Users", 'id eq ":user" or userName pr'],
		["/Groups", 'id eq ":group"'],
		["/Groups", 'displayName eq ":displayName"'],
		["/Groups", 'externalId eq "grp-ext-A"'],
		["/Groups", 'members.value eq ":user"'],
		["/Groups", 'members[value eq ":user"]'],
		["/Groups", 'displayName sw "Secret"'],
	])("GET %s?filter=%s and its .search find nothing of team A", async (resource, template) => {
		const filter = template
			.replace(":user", String(userA.id))
			.replace(":group", String(groupA.id))
			.replace(":userName", String(userA.userName))
			.replace(":externalId", String(userA.externalId))
			.replace(":displayName", String(groupA.displayName));
		const responses = [
			await scim(b.token, "GET", `${resource}?filter=${encodeURIComponent(filter)}`),
			await scim(b.token, "POST", `${resource}/.search`, { schemas: [SEARCH], filter }),
			await scim(b.token, "POST", "/.search", { schemas: [SEARCH], filter }),
		];
		for (const res of responses) {
			if (res.status === 404) {
				continue; // a root /.search the service does not offer finds nothing either
			}
			const text = await res.text();
			expect([200, 400], text).toContain(res.status);
			expect(text).not.toContain(String(userA.id));
			expect(text).not.toContain(String(userA.userName));
			expect(text).not.toContain(String(groupA.id));
			if (res.status === 200) {
				const list = JSON.parse(text) as Json;
				// Team B's own group is the only thing a broad Groups filter may find.
				const ids = (list.Resources as Json[]).map((r) => r.id);
				expect(ids.filter((id) => id !== bGroup.id)).toEqual([]);
			}
		}
	});

	it("lists only team B's own resources", async () => {
		const users = await json(await scim(b.token, "GET", "/Users"), 200);
		expect(users.totalResults).toBe(0);
		const groups = await json(await scim(b.token, "GET", "/Groups"), 200);
		expect((groups.Resources as Json[]).map((g) => g.id)).toEqual([bGroup.id]);
	});

	it("cannot make team A's user a member of a team B group: 400 invalidValue", async () => {
		const created = await json(
			await scim(b.token, "POST", "/Groups", {
				schemas: [GROUP],
				displayName: "Poach",
				members: [{ value: userA.id }],
			}),
			400,
		);
		expect(created.scimType).toBe("invalidValue");
		const patched = await json(
			await scim(b.token, "PATCH", `/Groups/${bGroup.id}`, {
				schemas: [PATCH_OP],
				Operations: [{ op: "add", path: "members", value: [{ value: userA.id }] }],
			}),
			400,
		);
		expect(patched.scimType).toBe("invalidValue");
		const replaced = await json(
			await scim(b.token, "PUT", `/Groups/${bGroup.id}`, {
				schemas: [GROUP],
				displayName: "B's group",
				members: [{ value: userA.id }],
			}),
			400,
		);
		expect(replaced.scimType).toBe("invalidValue");
		const members = await env.DB.prepare(
			"select count(*) as n from scim_group_members where scim_user_id = ? and team_id <> ?",
		)
			.bind(userA.id, a.teamId)
			.first<{ n: number }>();
		expect(members?.n).toBe(0);
	});

	it("left team A exactly as it was", async () => {
		expect(await teamSnapshot(a.teamId)).toEqual(aBefore);
		const [user, group] = await readA();
		// Version 2: created, then taken into group A (a group moves its members' versions on).
		expect(user).toMatchObject({ id: userA.id, active: true, meta: { version: 'W/"2"' } });
		expect(group).toMatchObject({ id: groupA.id, members: [{ value: userA.id }] });
	});
});

describe("ids are unguessable", () => {
	it("are random UUIDv4s, all distinct, across 1,000 users and groups", async () => {
		// Ten teams, so that ten objects write in parallel.
		const teams = await Promise.all(Array.from({ length: 10 }, (_, i) => newScimTeam(`Ids ${i}`)));
		const ids: string[] = [];
		for (let round = 0; round < 20; round++) {
			const created = await Promise.all(
				teams.flatMap((team) =>
					Array.from({ length: 5 }, (_, i) =>
						i % 2 === 0
							? scim(team.token, "POST", "/Users", oktaUser(uniqueEmail(`id${round}`)))
							: scim(team.token, "POST", "/Groups", {
									schemas: [GROUP],
									displayName: `g ${round} ${i}`,
								}),
					),
				),
			);
			for (const res of created) {
				ids.push(String((await json(res, 201)).id));
			}
		}
		expect(ids).toHaveLength(1000);
		expect(new Set(ids).size).toBe(1000);
		for (const id of ids) {
			expect(id).toMatch(UUID_V4);
		}
		// Time-ordered or counter ids would share long prefixes with their neighbours.
		const neighbours = ids.slice(1).filter((id, i) => id.slice(0, 6) === ids[i]?.slice(0, 6));
		expect(neighbours.length).toBeLessThan(3);
		// Teams, accounts and invites are UUIDv4s too.
		for (const table of ["teams", "accounts", "invites"]) {
			const rows = await env.DB.prepare(`select id from ${table}`).all<{ id: string }>();
			for (const { id } of rows.results) {
				expect(id, table).toMatch(UUID_V4);
			}
		}
	}, 120_000);
});

describe("service API authentication", () => {
	it.each([
		["GET", "/teams/:team"],
		["PUT", "/teams/:team/sso"],
		["PUT", "/teams/:team/scim"],
		["POST", "/teams/:team/scim-keys"],
		["GET", "/teams/:team/scim-keys"],
		["DELETE", "/teams/:team/scim-keys/:key"],
		["GET", "/teams/:team/members"],
		["GET", "/teams/:team/invites"],
		["POST", "/teams/:team/admins"],
		["POST", "/auth/check"],
		["POST", "/teams"],
		["GET", "/nope"],
	])("%s /api/v1%s is 401 with a missing, wrong or SCIM token", async (method, template) => {
		const path = template.replace(":team", a.teamId).replace(":key", a.keyId);
		for (const authorization of [undefined, `Bearer ${SERVICE_TOKEN}0`, `Bearer ${a.token}`]) {
			const res = await exports.default.fetch(`${ORIGIN}/api/v1${path}`, {
				method,
				headers: {
					"Content-Type": "application/json",
					...(authorization === undefined ? {} : { Authorization: authorization }),
				},
				body: method === "GET" || method === "DELETE" ? undefined : "{}",
			});
			expect(res.status, `${method} ${path} with ${authorization}`).toBe(401);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
		}
		expect(await teamSnapshot(a.teamId)).toEqual(aBefore);
		// The right token still works, so the 401s above were about the token alone.
		expect((await api("GET", `/teams/${a.teamId}`)).status).toBe(200);
	});

	it("answers SCIM with 401 for a service token, a revoked key and another team's key id", async () => {
		const c = await newScimTeam("C");
		await apiJson("DELETE", `/teams/${c.teamId}/scim-keys/${c.keyId}`, undefined, 204).catch(
			() => undefined,
		);
		const forged = `scim_${a.keyId}_${c.token.slice(-43)}`; // A's key id, C's secret
		for (const token of [SERVICE_TOKEN, c.token, forged]) {
			const res = await scim(token, "GET", `/Users/${userA.id}`);
			expect(res.status).toBe(401);
			expect(await res.text()).not.toContain(String(userA.userName));
		}
	});
});

describe("admin page authentication", () => {
	it("answers every kind of wrong credential with the same 401 page", async () => {
		const team = await newAdminTeam();
		const cookie = await adminLogin(team.teamId, team.email);
		const [name, value] = cookie.split("=") as [string, string];
		const tampered = `${name}=${encodeURIComponent(decodeURIComponent(value).replace(team.teamId, a.teamId))}`;
		const attempts: Record<string, string>[] = [
			{},
			{ Cookie: `${name}=garbage` },
			{ Cookie: tampered },
			{ Cookie: `${name}=` },
			{ Authorization: `Bearer ${SERVICE_TOKEN}` },
			{ Authorization: `Bearer ${team.token}` },
		];
		const answers = await Promise.all(
			attempts.map(async (headers) => {
				const res = await adminGet(null, "/admin", headers);
				// The CSP nonce differs on every page; nothing else may.
				return { status: res.status, body: (await res.text()).replace(/nonce="[^"]*"/g, "") };
			}),
		);
		for (const answer of answers) {
			expect(answer.status).toBe(401);
			expect(answer.body).toBe(answers[0]?.body);
		}
		// The genuine session still works, so the refusals were about the credential alone.
		expect((await adminGet(cookie, "/admin")).status).toBe(200);
	});
});
