import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TeamDO } from "../../src/team/team-do";
import {
	newScimTeam,
	oktaUser,
	rememberedThenRevokedKey,
	scim,
	type TestTeam,
	uniqueEmail,
} from "../helpers";

type Json = Record<string, unknown>;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** What these tests reach inside the team object: its D1 client, its group runner, a gate. */
interface Inside {
	db: { batch: (statements: unknown[]) => Promise<unknown> };
	groups: { pending: unknown[] };
	testHeld?: boolean;
	testRelease?: () => void;
}

function teamObject(teamId: string): DurableObjectStub<TeamDO> {
	return env.TEAM.get(env.TEAM.idFromName(teamId));
}

function inside<T>(teamId: string, look: (object: Inside) => T): Promise<T> {
	return runInDurableObject(teamObject(teamId), (instance) => look(instance as unknown as Inside));
}

/**
 * Holds the team object's next D1 batch until `release`: the writes sent meanwhile queue up
 * behind it, so they are decided and committed as one group, whatever order they arrive in.
 */
async function holdNextBatch(teamId: string): Promise<void> {
	await inside(teamId, (object) => {
		const db = object.db;
		let first = true;
		const gate = new Promise<void>((resolve) => {
			object.testRelease = resolve;
		});
		object.testHeld = false;
		object.db = Object.assign(Object.create(Object.getPrototypeOf(db)), db, {
			batch: async (statements: unknown[]) => {
				if (first) {
					first = false;
					object.testHeld = true;
					await gate;
				}
				return db.batch(statements);
			},
		});
	});
}

async function waitInside(teamId: string, check: (object: Inside) => boolean): Promise<void> {
	await expect.poll(() => inside(teamId, check), { timeout: 20_000, interval: 20 }).toBe(true);
}

/**
 * Sends `writes` while a first write (the `blocker`) holds the team's queue with its batch in
 * flight, then lets it go: the writes form the next group. Returns every answer, the blocker's
 * first, and how many writes and batches the team object counted meanwhile.
 */
async function asOneGroup(
	team: TestTeam,
	blocker: () => Promise<Response>,
	writes: (() => Promise<Response>)[],
): Promise<{ blocked: Response; responses: Response[]; writes: number; batches: number }> {
	const before = await teamObject(team.teamId).groupCommitStats(team.teamId);
	await holdNextBatch(team.teamId);
	const blocked = blocker();
	await waitInside(team.teamId, (object) => object.testHeld === true);
	const sent = writes.map((write) => write());
	await waitInside(team.teamId, (object) => object.groups.pending.length === writes.length);
	await inside(team.teamId, (object) => object.testRelease?.());
	const responses = await Promise.all(sent);
	const after = await teamObject(team.teamId).groupCommitStats(team.teamId);
	return {
		blocked: await blocked,
		responses,
		writes: after.writes - before.writes,
		batches: after.batches - before.batches,
	};
}

/** A team whose key the isolate already remembers, so every write carries its key guard. */
async function rememberedTeam(): Promise<TestTeam> {
	const team = await newScimTeam();
	expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
	return team;
}

async function createUser(team: TestTeam, email = uniqueEmail()): Promise<Json> {
	const res = await scim(team.token, "POST", "/Users", oktaUser(email));
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as Json;
}

async function count(sql: string, ...params: unknown[]): Promise<number> {
	const row = await env.DB.prepare(sql)
		.bind(...params)
		.first<{ n: number }>();
	return row?.n ?? -1;
}

function deactivate() {
	return { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] };
}

describe("group commit in the team object", () => {
	it("commits 8 concurrent creates that queued behind a batch in flight in one D1 batch", async () => {
		const team = await rememberedTeam();
		const emails = Array.from({ length: 8 }, (_, i) => uniqueEmail(`grouped${i}`));
		const run = await asOneGroup(
			team,
			() => scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("blocker"))),
			emails.map((email) => () => scim(team.token, "POST", "/Users", oktaUser(email))),
		);
		expect(run.blocked.status).toBe(201);
		expect(run.responses.map((r) => r.status)).toEqual(Array(8).fill(201));
		// The blocker's batch, then one for the group of eight.
		expect(run).toMatchObject({ writes: 9, batches: 2 });
		const bodies = (await Promise.all(run.responses.map((r) => r.json()))) as Json[];
		expect(bodies.map((b) => b.userName)).toEqual(emails);
		expect(await count("select count(*) as n from scim_users where team_id = ?", team.teamId)).toBe(
			9,
		);
		expect(
			await count(
				"select count(*) as n from memberships where team_id = ? and role = 'developer'",
				team.teamId,
			),
		).toBe(9);
		expect(
			await count(
				"select count(*) as n from provisioning_events where team_id = ? and action = 'user.create' and outcome = 'success'",
				team.teamId,
			),
		).toBe(9);
		expect(await count("select scim_user_count as n from teams where id = ?", team.teamId)).toBe(9);
	});

	it("answers a create that conflicts with another of its group 409, and the others 201", async () => {
		const team = await rememberedTeam();
		const emails = Array.from({ length: 6 }, (_, i) => uniqueEmail(`mixed${i}`));
		// Another userName with the first user's email: nothing tells them apart before the batch.
		const conflicting = { ...oktaUser(emails[0] as string), userName: uniqueEmail("other") };
		const run = await asOneGroup(
			team,
			() => scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("blocker"))),
			[
				...emails.map((email) => () => scim(team.token, "POST", "/Users", oktaUser(email))),
				() => scim(team.token, "POST", "/Users", conflicting),
			],
		);
		const statuses = run.responses.map((r) => r.status);
		// The first user and its conflicting twin: exactly one of them wins, whichever queued first.
		expect([statuses[0], statuses[6]].sort()).toEqual([201, 409]);
		expect(statuses.slice(1, 6)).toEqual(Array(5).fill(201));
		const refused = run.responses[statuses[0] === 409 ? 0 : 6];
		expect(await refused?.json()).toMatchObject({ status: "409", scimType: "uniqueness" });
		expect(await count("select count(*) as n from scim_users where team_id = ?", team.teamId)).toBe(
			7,
		);
		expect(
			await count("select count(*) as n from accounts where created_by_team_id = ?", team.teamId),
		).toBe(7);
		expect(
			await count(
				"select count(*) as n from provisioning_events where team_id = ? and action = 'user.create' and outcome = 'failure' and status = 409",
				team.teamId,
			),
		).toBe(1);
	});

	it("commits the rest of a group when one write's batch fails in D1, and writes nothing of that one", async () => {
		const team = await rememberedTeam();
		const faulty = uniqueEmail("faulty");
		const trigger = `fault_${crypto.randomUUID().replaceAll("-", "")}`;
		await env.DB.prepare(
			`create trigger ${trigger} before insert on scim_users when new.user_name = '${faulty}' begin select raise(abort, 'injected fault'); end`,
		).run();
		try {
			const emails = Array.from({ length: 5 }, (_, i) => uniqueEmail(`fault${i}`));
			const bodies = [...emails.slice(0, 2), faulty, ...emails.slice(2)];
			const run = await asOneGroup(
				team,
				() => scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("blocker"))),
				bodies.map((email) => () => scim(team.token, "POST", "/Users", oktaUser(email))),
			);
			expect(run.responses.map((r) => r.status)).toEqual([201, 201, 500, 201, 201, 201]);
			expect(await run.responses[2]?.json()).toMatchObject({ status: "500" });
			expect(
				await count("select count(*) as n from scim_users where team_id = ?", team.teamId),
			).toBe(6);
			expect(
				await count(
					"select count(*) as n from scim_users where team_id = ? and user_name = ?",
					team.teamId,
					faulty,
				),
			).toBe(0);
			expect(await count("select count(*) as n from accounts where email = ?", faulty)).toBe(0);
			expect(
				await count(
					"select count(*) as n from provisioning_events where team_id = ? and target_label = ?",
					team.teamId,
					faulty,
				),
			).toBe(0);
			// The failed group batch, then each of its six writes on its own.
			expect(run).toMatchObject({ writes: 7, batches: 8 });
		} finally {
			await env.DB.prepare(`drop trigger ${trigger}`).run();
		}
	});

	it("lands every one of 12 concurrent PATCH deactivations", async () => {
		const team = await rememberedTeam();
		const users = await Promise.all(Array.from({ length: 13 }, () => createUser(team)));
		const [first, ...rest] = users;
		const run = await asOneGroup(
			team,
			() => scim(team.token, "PATCH", `/Users/${first?.id}`, deactivate()),
			rest.map((user) => () => scim(team.token, "PATCH", `/Users/${user.id}`, deactivate())),
		);
		expect(run.blocked.status).toBe(200);
		expect(run.responses.map((r) => r.status)).toEqual(Array(12).fill(200));
		for (const body of (await Promise.all(run.responses.map((r) => r.json()))) as Json[]) {
			expect(body.active).toBe(false);
		}
		expect(run).toMatchObject({ writes: 13, batches: 2 });
		expect(
			await count(
				"select count(*) as n from scim_users where team_id = ? and active = 0 and state = 'deactivated'",
				team.teamId,
			),
		).toBe(13);
		expect(
			await count("select count(*) as n from memberships where team_id = ?", team.teamId),
		).toBe(0);
		expect(
			await count("select count(*) as n from account_blocks where team_id = ?", team.teamId),
		).toBe(13);
	});

	it("keeps a PATCH and a DELETE of one user in separate groups, and the user consistent", async () => {
		const team = await rememberedTeam();
		const [target, other, blocker] = await Promise.all([
			createUser(team),
			createUser(team),
			createUser(team),
		]);
		const run = await asOneGroup(
			team,
			() => scim(team.token, "PATCH", `/Users/${blocker?.id}`, deactivate()),
			[
				() => scim(team.token, "PATCH", `/Users/${target?.id}`, deactivate()),
				() => scim(team.token, "DELETE", `/Users/${target?.id}`),
				() => scim(team.token, "PATCH", `/Users/${other?.id}`, deactivate()),
			],
		);
		const [patched, deleted, otherPatched] = run.responses.map((r) => r.status);
		expect(deleted).toBe(204);
		// Either order is a serial one: the PATCH before the DELETE, or a 404 after it.
		expect([200, 404]).toContain(patched);
		expect(otherPatched).toBe(200);
		expect(run.writes).toBe(4);
		expect(
			await count("select count(*) as n from scim_users where id = ?", target?.id as string),
		).toBe(0);
		expect(
			await count(
				"select count(*) as n from memberships m join scim_users su on su.account_id = m.account_id where su.id = ?",
				target?.id as string,
			),
		).toBe(0);
		const account = await env.DB.prepare(
			"select count(*) as n from account_blocks b join accounts a on a.id = b.account_id where a.email = ? and b.team_id = ?",
		)
			.bind(String(target?.userName), team.teamId)
			.first<{ n: number }>();
		expect(account?.n).toBe(1);
	});

	it("never leaves a group member whose user a DELETE in the same group removed", async () => {
		const team = await rememberedTeam();
		const [user, blocker] = await Promise.all([createUser(team), createUser(team)]);
		const created = await scim(team.token, "POST", "/Groups", {
			schemas: [GROUP],
			displayName: "Engineering",
		});
		const group = (await created.json()) as Json;
		const run = await asOneGroup(
			team,
			() => scim(team.token, "PATCH", `/Users/${blocker?.id}`, deactivate()),
			[
				() => scim(team.token, "DELETE", `/Users/${user?.id}`),
				() =>
					scim(team.token, "PATCH", `/Groups/${group.id}`, {
						schemas: [PATCH_OP],
						Operations: [{ op: "add", path: "members", value: [{ value: user?.id }] }],
					}),
			],
		);
		const [deleted, added] = run.responses.map((r) => r.status);
		expect(deleted).toBe(204);
		// The member add before the DELETE (which then removes it), or refused after it.
		expect([204, 400]).toContain(added);
		expect(
			await count(
				"select count(*) as n from scim_group_members where group_id = ?",
				group.id as string,
			),
		).toBe(0);
		expect(
			await count("select count(*) as n from scim_users where id = ?", user?.id as string),
		).toBe(0);
	});

	it("answers a refused key 401 inside a group without failing the other key's writes", async () => {
		const team = await rememberedTeam();
		const second = await rememberedThenRevokedKey(team);
		const emails = Array.from({ length: 4 }, (_, i) => uniqueEmail(`twokeys${i}`));
		const revoked = uniqueEmail("revoked");
		const run = await asOneGroup(
			team,
			() => scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("blocker"))),
			[
				...emails.map((email) => () => scim(team.token, "POST", "/Users", oktaUser(email))),
				() => scim(second.token, "POST", "/Users", oktaUser(revoked)),
			],
		);
		expect(run.responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 401]);
		expect(await run.responses[4]?.json()).toMatchObject({
			detail: expect.stringContaining("revoked"),
		});
		expect(await count("select count(*) as n from scim_users where user_name = ?", revoked)).toBe(
			0,
		);
		expect(
			await count("select count(*) as n from provisioning_events where actor_id = ?", second.id),
		).toBe(0);
	});
});
