import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api, apiJson, newScimTeam, oktaUser, scim, type TestTeam } from "../helpers";
import { teamObject } from "../invite-helpers";

/**
 * The tenancy rule as a property (README "Tenancy and account authority"): random sequences of
 * SCIM, Bulk, admin and invite operations by three teams over a shared pool of emails, one team
 * with a verified domain. After every step by team X, for every other team T: T's sign-in
 * answers and member list, and every account X does not manage, are exactly what they were.
 * Whether X manages an account is computed here from the raw rows, by the rule's own words,
 * not by the code under test.
 */

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const TEAMS = 3;
const POOL = 4;

type Step =
	| { kind: "create"; team: number; email: number; active: boolean }
	| { kind: "setActive"; team: number; email: number; active: boolean }
	| { kind: "rename"; team: number; email: number; name: string }
	| { kind: "changeEmail"; team: number; email: number; to: number }
	| { kind: "delete"; team: number; email: number }
	| { kind: "bulkDeactivate"; team: number; emails: number[] }
	| { kind: "adminRemove"; team: number; email: number }
	| { kind: "addAdmin"; team: number; email: number }
	| { kind: "accept"; team: number; email: number };

const team = fc.integer({ min: 0, max: TEAMS - 1 });
const email = fc.integer({ min: 0, max: POOL - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant("create" as const),
			team,
			email,
			active: fc.boolean(),
		}),
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant("setActive" as const),
			team,
			email,
			active: fc.boolean(),
		}),
	},
	fc.record({
		kind: fc.constant("rename" as const),
		team,
		email,
		name: fc.constantFrom("Eve", "Mal", "Zed"),
	}),
	fc.record({ kind: fc.constant("changeEmail" as const), team, email, to: email }),
	fc.record({ kind: fc.constant("delete" as const), team, email }),
	fc.record({
		kind: fc.constant("bulkDeactivate" as const),
		team,
		emails: fc.uniqueArray(email, { minLength: 1, maxLength: POOL }),
	}),
	fc.record({ kind: fc.constant("adminRemove" as const), team, email }),
	fc.record({ kind: fc.constant("addAdmin" as const), team, email }),
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("accept" as const), team, email }) },
);

interface World {
	teams: TestTeam[];
	emails: string[];
	/** By team: the SCIM user id created for each pool email. */
	users: Map<string, string>[];
}

async function newWorld(): Promise<World> {
	const teams = await Promise.all(
		Array.from({ length: TEAMS }, (_, i) => newScimTeam(`Team ${i}`)),
	);
	const suffix = crypto.randomUUID().slice(0, 8);
	const domain = `verified-${suffix}.test`;
	const lastTeam = teams[TEAMS - 1] as TestTeam;
	await apiJson("PUT", `/teams/${lastTeam.teamId}/domains`, { domains: [domain] });
	const emails = Array.from({ length: POOL }, (_, i) =>
		i % 2 === 0 ? `p${i}.${suffix}@shared.test` : `p${i}@${domain}`,
	);
	return { teams, emails, users: teams.map(() => new Map()) };
}

function patch(t: TestTeam, id: string, value: Record<string, unknown>) {
	return scim(t.token, "PATCH", `/Users/${id}`, {
		schemas: [PATCH_OP],
		Operations: [{ op: "replace", value }],
	});
}

async function accountIdOf(address: string): Promise<string | null> {
	const row = await env.DB.prepare("select id from accounts where email_key = lower(?)")
		.bind(address)
		.first<{ id: string }>();
	return row?.id ?? null;
}

/** Runs one step; every refusal is a fine answer, but never a 5xx. */
async function run(world: World, s: Step): Promise<void> {
	const t = world.teams[s.team] as TestTeam;
	const users = world.users[s.team] as Map<string, string>;
	const address = world.emails["email" in s ? s.email : 0] as string;
	const userId = users.get(address);
	let res: Response | undefined;
	switch (s.kind) {
		case "create": {
			res = await scim(t.token, "POST", "/Users", { ...oktaUser(address), active: s.active });
			if (res.status === 201) {
				users.set(address, String(((await res.clone().json()) as { id: string }).id));
			}
			break;
		}
		case "setActive":
			res = userId ? await patch(t, userId, { active: s.active }) : undefined;
			break;
		case "rename":
			res = userId ? await patch(t, userId, { "name.givenName": s.name }) : undefined;
			break;
		case "changeEmail":
			res = userId
				? await patch(t, userId, {
						emails: [{ value: world.emails[s.to], primary: true, type: "work" }],
					})
				: undefined;
			break;
		case "delete":
			res = userId ? await scim(t.token, "DELETE", `/Users/${userId}`) : undefined;
			if (res?.status === 204) {
				users.delete(address);
			}
			break;
		case "bulkDeactivate": {
			const ids = s.emails.flatMap((e) => {
				const id = users.get(world.emails[e] as string);
				return id ? [id] : [];
			});
			res = await scim(t.token, "POST", "/Bulk", {
				schemas: [BULK],
				Operations: ids.map((id) => ({
					method: "PATCH",
					path: `/Users/${id}`,
					data: { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] },
				})),
			});
			break;
		}
		case "adminRemove": {
			const accountId = await accountIdOf(address);
			res = accountId ? await api("DELETE", `/teams/${t.teamId}/members/${accountId}`) : undefined;
			break;
		}
		case "addAdmin":
			res = await api("POST", `/teams/${t.teamId}/admins`, { email: address });
			break;
		case "accept": {
			const invite = await env.DB.prepare(
				"select token_hash from invites where team_id = ? and email = ? and status = 'pending'",
			)
				.bind(t.teamId, address)
				.first<{ token_hash: string }>();
			if (invite) {
				await teamObject(t.teamId).acceptInvite(t.teamId, invite.token_hash);
			}
			break;
		}
	}
	if (res) {
		expect(res.status, `${JSON.stringify(s)}: ${await res.clone().text()}`).toBeLessThan(500);
	}
}

interface Snapshot {
	/** By team: each pool email's sign-in answer ("no_account" reads as "not_a_member"). */
	checks: string[][];
	/** By team: accountId → what the member list says of them. */
	members: Map<string, string>[];
	/** accountId → email and name. */
	accounts: Map<string, string>;
	/** accountId → the team id that manages it, by the rule's own words. */
	managers: Map<string, string | null>;
}

async function snapshot(world: World): Promise<Snapshot> {
	const checks = await Promise.all(
		world.teams.map((t) =>
			Promise.all(
				world.emails.map(async (address) => {
					const c = await apiJson<{ allowed: boolean; reason: string }>("POST", "/auth/check", {
						teamId: t.teamId,
						email: address,
					});
					return `${c.allowed}:${c.reason === "no_account" ? "not_a_member" : c.reason}`;
				}),
			),
		),
	);
	const members = await Promise.all(
		world.teams.map(async (t) => {
			const list = await apiJson<{ members: Record<string, unknown>[] }>(
				"GET",
				`/teams/${t.teamId}/members`,
			);
			return new Map(
				list.members.map((m) => [
					String(m.accountId),
					JSON.stringify([m.email, m.givenName, m.familyName, m.role]),
				]),
			);
		}),
	);
	const teamIds = world.teams.map((t) => t.teamId);
	const { results: accountRows } = await env.DB.prepare(
		`select id, email, email_key, given_name, family_name, created_by_team_id from accounts
		 where created_by_team_id in (select value from json_each(?1))
		    or id in (select account_id from memberships where team_id in (select value from json_each(?1)))
		    or email_key in (select lower(value) from json_each(?2))`,
	)
		.bind(JSON.stringify(teamIds), JSON.stringify(world.emails))
		.all<{
			id: string;
			email: string;
			email_key: string;
			given_name: string | null;
			family_name: string | null;
			created_by_team_id: string | null;
		}>();
	const { results: domainRows } = await env.DB.prepare(
		"select domain, team_id from team_domains where team_id in (select value from json_each(?))",
	)
		.bind(JSON.stringify(teamIds))
		.all<{ domain: string; team_id: string }>();
	const { results: membershipRows } = await env.DB.prepare(
		"select team_id, account_id from memberships where account_id in (select value from json_each(?))",
	)
		.bind(JSON.stringify(accountRows.map((a) => a.id)))
		.all<{ team_id: string; account_id: string }>();
	const accounts = new Map<string, string>();
	const managers = new Map<string, string | null>();
	for (const a of accountRows) {
		accounts.set(a.id, JSON.stringify([a.email, a.given_name, a.family_name]));
		// "A team manages an account when it has verified the account's email domain, or when the
		// team's SCIM created the account and the account belongs to no other team."
		const domain = a.email_key.slice(a.email_key.lastIndexOf("@") + 1);
		const owner = domainRows.find((d) => d.domain === domain)?.team_id ?? null;
		const creatorOnly =
			a.created_by_team_id !== null &&
			!membershipRows.some((m) => m.account_id === a.id && m.team_id !== a.created_by_team_id);
		managers.set(a.id, owner ?? (creatorOnly ? a.created_by_team_id : null));
	}
	return { checks, members, accounts, managers };
}

/** Compares what team `actor`'s step may not have changed; `person` is an account acting for itself. */
async function expectUntouched(
	world: World,
	before: Snapshot,
	after: Snapshot,
	actor: number,
	person: string | null,
	what: string,
) {
	const actorId = (world.teams[actor] as TestTeam).teamId;
	const managedByActor = new Set(
		[...before.managers, ...after.managers].flatMap(([id, m]) => (m === actorId ? [id] : [])),
	);
	const exempt = (accountId: string | null) =>
		accountId !== null && (managedByActor.has(accountId) || accountId === person);
	const emailOwners = await Promise.all(world.emails.map(accountIdOf));
	for (let t = 0; t < TEAMS; t++) {
		if (t === actor) {
			continue;
		}
		world.emails.forEach((address, e) => {
			if (!exempt(emailOwners[e] ?? null)) {
				expect(after.checks[t]?.[e], `${what}: team ${t}'s sign-in answer for ${address}`).toBe(
					before.checks[t]?.[e],
				);
			}
		});
		const keep = (m: Map<string, string>) =>
			[...m].filter(([id]) => !exempt(id)).sort(([a], [b]) => a.localeCompare(b));
		expect(keep(after.members[t] as Map<string, string>), `${what}: team ${t}'s members`).toEqual(
			keep(before.members[t] as Map<string, string>),
		);
	}
	for (const [id, account] of before.accounts) {
		if (!exempt(id)) {
			expect(after.accounts.get(id), `${what}: account ${account}`).toBe(account);
		}
	}
}

describe("tenancy property: no team's actions reach another team's people", () => {
	it("holds over random sequences of SCIM, Bulk, admin and invite operations by three teams", async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
				const world = await newWorld();
				let before = await snapshot(world);
				for (const [i, s] of steps.entries()) {
					const person =
						s.kind === "accept" ? await accountIdOf(world.emails[s.email] as string) : null;
					await run(world, s);
					const after = await snapshot(world);
					await expectUntouched(
						world,
						before,
						after,
						s.team,
						person,
						`step ${i} ${JSON.stringify(s)}`,
					);
					before = after;
				}
			}),
			{ numRuns: 12, seed: 20261201, endOnFailure: true },
		);
	}, 240_000);
});
