import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TeamDO } from "../../src/team/team-do";
import { newScimTeam, oktaUser, scim, type TestTeam, teamSnapshot, uniqueEmail } from "../helpers";

type Json = Record<string, unknown>;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

function teamObject(teamId: string): DurableObjectStub<TeamDO> {
	return env.TEAM.get(env.TEAM.idFromName(teamId));
}

async function createUser(team: TestTeam, email = uniqueEmail()): Promise<Json> {
	const res = await scim(team.token, "POST", "/Users", oktaUser(email));
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as Json;
}

/** Rows that only make sense together: none may exist without the other. */
async function expectConsistent(teamId: string): Promise<void> {
	const checks: Record<string, string> = {
		"scim user without its account":
			"select count(*) as n from scim_users su where su.team_id = ?1 and not exists (select 1 from accounts a where a.id = su.account_id)",
		"account this team created without a scim user":
			"select count(*) as n from accounts a where a.created_by_team_id = ?1 and not exists (select 1 from scim_users su where su.account_id = a.id)",
		"scim user with an email but no email rows":
			"select count(*) as n from scim_users su where su.team_id = ?1 and su.email is not null and not exists (select 1 from scim_user_emails e where e.scim_user_id = su.id)",
		"email row without its scim user":
			"select count(*) as n from scim_user_emails e where e.team_id = ?1 and not exists (select 1 from scim_users su where su.id = e.scim_user_id)",
		"active scim user without membership":
			"select count(*) as n from scim_users su where su.team_id = ?1 and su.state = 'active' and not exists (select 1 from memberships m where m.team_id = su.team_id and m.account_id = su.account_id)",
		"group member that is no user of the team":
			"select count(*) as n from scim_group_members gm where gm.team_id = ?1 and not exists (select 1 from scim_users su where su.id = gm.scim_user_id and su.team_id = gm.team_id)",
		"group member of a missing group":
			"select count(*) as n from scim_group_members gm where gm.team_id = ?1 and not exists (select 1 from scim_groups g where g.id = gm.group_id)",
	};
	const names = Object.keys(checks);
	const results = await env.DB.batch(
		names.map((name) => env.DB.prepare(checks[name] as string).bind(teamId)),
	);
	const broken = names.filter(
		(_, i) => (results[i]?.results[0] as { n: number } | undefined)?.n !== 0,
	);
	expect(broken).toEqual([]);
}

/**
 * Swaps the team object's D1 client for one whose `batch` is `wrap`ped, the fault-injection point
 * of these tests; no production code knows about it. Returns a function that undoes the swap.
 */
async function wrapBatch(
	teamId: string,
	wrap: (
		batch: (statements: unknown[]) => Promise<unknown>,
		state: DurableObjectState,
	) => (statements: unknown[]) => Promise<unknown>,
): Promise<() => Promise<void>> {
	const stub = teamObject(teamId);
	const original = await runInDurableObject(stub, (instance, state) => {
		const holder = instance as unknown as { db: { batch: (s: unknown[]) => Promise<unknown> } };
		const db = holder.db;
		holder.db = Object.assign(Object.create(Object.getPrototypeOf(db)), db, {
			batch: wrap((statements) => db.batch(statements), state),
		});
		return db;
	});
	return async () => {
		await runInDurableObject(stub, (instance) => {
			(instance as unknown as { db: unknown }).db = original;
		}).catch(() => undefined); // the object may have been reset, taking the wrapper with it
	};
}

/** Whether a statement handed to `batch` is an insert of a SCIM user. */
function insertsIntoScimUsers(statement: unknown): boolean {
	return /^insert into "scim_users"/.test((statement as { toSQL(): { sql: string } }).toSQL().sql);
}

describe("concurrent creates of one userName", () => {
	it("create exactly one user per round: 20 rounds of 20 concurrent POSTs", async () => {
		const team = await newScimTeam();
		for (let round = 0; round < 20; round++) {
			const email = uniqueEmail(`race${round}`);
			// Even rounds: 20 different people (different externalId); odd rounds: the same body 20
			// times (an IdP retrying). Either way one 201 and nineteen 409 uniqueness.
			const same = oktaUser(email);
			const responses = await Promise.all(
				Array.from({ length: 20 }, () =>
					scim(team.token, "POST", "/Users", round % 2 === 0 ? oktaUser(email) : same),
				),
			);
			const statuses = responses.map((r) => r.status).sort();
			const bodies = (await Promise.all(responses.map((r) => r.json()))) as Json[];
			expect(statuses).toEqual([201, ...Array(19).fill(409)]);
			expect(bodies.filter((b) => b.scimType === "uniqueness")).toHaveLength(19);
			const rows = await env.DB.prepare(
				"select count(*) as n from scim_users where team_id = ? and lower(user_name) = lower(?)",
			)
				.bind(team.teamId, email)
				.first<{ n: number }>();
			expect(rows?.n, `round ${round}`).toBe(1);
		}
		await expectConsistent(team.teamId);
	}, 60_000);
});

describe("concurrent updates", () => {
	it("loses none of 10 parallel PATCHes that each set a different attribute", async () => {
		const team = await newScimTeam();
		const user = await createUser(team);
		const attributes = [
			`${ENTERPRISE}:employeeNumber`,
			`${ENTERPRISE}:costCenter`,
			`${ENTERPRISE}:organization`,
			`${ENTERPRISE}:division`,
			`${ENTERPRISE}:department`,
			"title",
			"nickName",
			"userType",
			"preferredLanguage",
			"timezone",
		];
		const responses = await Promise.all(
			attributes.map((path, i) =>
				scim(team.token, "PATCH", `/Users/${user.id}`, {
					schemas: [PATCH_OP],
					Operations: [{ op: "replace", path, value: i === 9 ? "Europe/Paris" : `v${i}` }],
				}),
			),
		);
		expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
		const after = (await (await scim(team.token, "GET", `/Users/${user.id}`)).json()) as Json;
		expect(after).toMatchObject({
			title: "v5",
			nickName: "v6",
			userType: "v7",
			preferredLanguage: "v8",
			timezone: "Europe/Paris",
			[ENTERPRISE]: {
				employeeNumber: "v0",
				costCenter: "v1",
				organization: "v2",
				division: "v3",
				department: "v4",
			},
			meta: { version: 'W/"11"' },
		});
	});

	// The single writer itself, not the unique indexes: the attributes are not unique, and each
	// D1 batch is slowed so that without the team object's queue every PATCH would read the same
	// version before any of them wrote (this test fails when serialize() runs writes at once).
	it("keeps all of 5 parallel PATCHes of non-unique attributes when every D1 batch is slowed", async () => {
		const team = await newScimTeam();
		const user = await createUser(team);
		const restore = await wrapBatch(team.teamId, (batch) => async (statements) => {
			await new Promise((resolve) => setTimeout(resolve, 25));
			return batch(statements);
		});
		try {
			const paths = ["title", "nickName", "userType", "preferredLanguage", "profileUrl"];
			const responses = await Promise.all(
				paths.map((path, i) =>
					scim(team.token, "PATCH", `/Users/${user.id}`, {
						schemas: [PATCH_OP],
						Operations: [
							{ op: "replace", path, value: i === 4 ? "https://example.com/p" : `s${i}` },
						],
					}),
				),
			);
			expect(responses.map((r) => r.status)).toEqual(Array(5).fill(200));
		} finally {
			await restore();
		}
		const after = (await (await scim(team.token, "GET", `/Users/${user.id}`)).json()) as Json;
		expect(after).toMatchObject({
			title: "s0",
			nickName: "s1",
			userType: "s2",
			preferredLanguage: "s3",
			profileUrl: "https://example.com/p",
			meta: { version: 'W/"6"' },
		});
	});

	it("loses none of 20 parallel member adds to one group", async () => {
		const team = await newScimTeam();
		const users = await Promise.all(Array.from({ length: 20 }, () => createUser(team)));
		const group = (await (
			await scim(team.token, "POST", "/Groups", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				displayName: "Everyone",
			})
		).json()) as Json;
		const responses = await Promise.all(
			users.map((u) =>
				scim(team.token, "PATCH", `/Groups/${group.id}`, {
					schemas: [PATCH_OP],
					Operations: [{ op: "add", path: "members", value: [{ value: u.id }] }],
				}),
			),
		);
		expect(responses.map((r) => r.status)).toEqual(Array(20).fill(204));
		const after = (await (await scim(team.token, "GET", `/Groups/${group.id}`)).json()) as Json;
		const members = (after.members as { value: string }[]).map((m) => m.value).sort();
		expect(members).toEqual(users.map((u) => String(u.id)).sort());
		expect(after.meta).toMatchObject({ version: 'W/"21"' });
		await expectConsistent(team.teamId);
	});
});

describe("faults in the middle of a write", () => {
	it("leaves no partial rows when the D1 batch fails, and the IdP's retry succeeds", async () => {
		const team = await newScimTeam();
		const body = oktaUser(uniqueEmail());
		const before = await teamSnapshot(team.teamId);
		const restore = await wrapBatch(team.teamId, () => async () => {
			throw new Error("D1_ERROR: injected failure");
		});
		const failed = await scim(team.token, "POST", "/Users", body);
		expect(failed.status).toBe(500);
		expect(await failed.json()).toEqual({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "500",
			detail: "An internal error occurred.",
		});
		expect(await teamSnapshot(team.teamId)).toEqual(before);
		await restore();
		const retried = await scim(team.token, "POST", "/Users", body);
		expect(retried.status).toBe(201);
		await expectConsistent(team.teamId);
	});

	// A create whose answer was lost is a duplicate when retried: the IdP recovers by searching
	// for the userName (Okta's and Entra's own recovery), never by a second 201.
	it("answers a retried create 409 once the first committed, and the IdP finds the user by its userName", async () => {
		const team = await newScimTeam();
		const body = oktaUser(uniqueEmail());
		const restore = await wrapBatch(team.teamId, (batch) => async (statements) => {
			const result = await batch(statements);
			// Lose the answer of the batch that wrote the user, after it committed.
			if (statements.some(insertsIntoScimUsers)) {
				throw new Error("connection reset after commit");
			}
			return result;
		});
		expect((await scim(team.token, "POST", "/Users", body)).status).toBe(500);
		await restore();
		const retried = await scim(team.token, "POST", "/Users", body);
		expect(retried.status).toBe(409);
		expect(await retried.json()).toMatchObject({ scimType: "uniqueness" });
		const filter = encodeURIComponent(`userName eq "${body.userName}"`);
		const found = (await (await scim(team.token, "GET", `/Users?filter=${filter}`)).json()) as Json;
		expect(found).toMatchObject({ totalResults: 1 });
		await expectConsistent(team.teamId);
	});

	it.each([
		["before", false],
		["after", true],
	])(
		"leaves no partial rows when the team object is reset %s its batch commits, and the retry succeeds",
		async (_, commitFirst) => {
			const team = await newScimTeam();
			const user = await createUser(team);
			const body = oktaUser(uniqueEmail());
			const before = await teamSnapshot(team.teamId);
			await wrapBatch(team.teamId, (batch, state) => async (statements) => {
				if (commitFirst) {
					await batch(statements);
				}
				// What a crash, a deploy or an eviction does to a running object.
				state.abort("test: the team object is reset mid-write");
				return batch(statements);
			});
			const [created, deactivated] = await Promise.all([
				scim(team.token, "POST", "/Users", body),
				scim(team.token, "PATCH", `/Users/${user.id}`, {
					schemas: [PATCH_OP],
					Operations: [{ op: "replace", value: { active: false } }],
				}),
			]);
			// Whichever write reaches the batch first dies with the object; the other dies with it or
			// is served by the fresh object. (Which one comes first is up to the scheduler.)
			expect([created.status, deactivated.status]).toContain(500);
			expect([201, 500]).toContain(created.status);
			expect([200, 500]).toContain(deactivated.status);
			await expectConsistent(team.teamId);
			const after = await teamSnapshot(team.teamId);
			if (!commitFirst && created.status === 500 && deactivated.status === 500) {
				expect(after).toEqual(before);
			}
			// The IdP retries both; the fresh object (without the wrapper) serves them. A create that
			// committed before the reset is a duplicate now (409), one that did not is created.
			const retried = await scim(team.token, "POST", "/Users", body);
			expect([201, 409], await retried.clone().text()).toContain(retried.status);
			const again = await scim(team.token, "PATCH", `/Users/${user.id}`, {
				schemas: [PATCH_OP],
				Operations: [{ op: "replace", value: { active: false } }],
			});
			expect(again.status).toBe(200);
			expect(((await again.json()) as Json).active).toBe(false);
			const users = await env.DB.prepare("select count(*) as n from scim_users where team_id = ?")
				.bind(team.teamId)
				.first<{ n: number }>();
			expect(users?.n).toBe(2);
			await expectConsistent(team.teamId);
		},
	);
});
