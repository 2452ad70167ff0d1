import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { keyForAuthQuery } from "../../src/db/keys";
import { isKeyRefused, type KeyCredential, keyGuard, keyRefusal } from "../../src/keys/auth";
import { hashSecret, parseKeyToken } from "../../src/keys/token";
import { apiJson, newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function credentialOf(token: string): Promise<KeyCredential> {
	const parsed = parseKeyToken(token);
	if (!parsed) {
		throw new Error("not a key token");
	}
	return { keyId: parsed.keyId, secretHash: await hashSecret(parsed.secret) };
}

async function setKey(keyId: string, column: "revoked_at" | "expires_at", value: string | null) {
	await env.DB.prepare(`update scim_keys set ${column} = ? where id = ?`).bind(value, keyId).run();
}

async function keyRow(keyId: string) {
	return env.DB.prepare("select * from scim_keys where id = ?")
		.bind(keyId)
		.first<{ last_used_at: string | null; last_user_agent: string | null }>();
}

/** What the team's SCIM key wrote: its users and its provisioning-log rows. */
async function writtenByKey(teamId: string) {
	const [users, events] = await env.DB.batch<{ n: number }>([
		env.DB.prepare("select count(*) as n from scim_users where team_id = ?").bind(teamId),
		env.DB.prepare(
			"select count(*) as n from provisioning_events where team_id = ? and actor_type = 'scim_key'",
		).bind(teamId),
	]);
	return { users: users?.results[0]?.n, events: events?.results[0]?.n };
}

const past = () => new Date(Date.now() - 1000).toISOString();

/** Ways a working key stops working, and the status each answers. */
const breakings: [string, number, (team: TestTeam) => Promise<void>][] = [
	["revoked", 401, (team) => setKey(team.keyId, "revoked_at", new Date().toISOString())],
	["expired", 401, (team) => setKey(team.keyId, "expires_at", past())],
	[
		"past its grace period after regenerate",
		401,
		async (team) => {
			await apiJson(
				"POST",
				`/teams/${team.teamId}/scim-keys/${team.keyId}/regenerate`,
				{ graceSeconds: 3600 },
				201,
			);
			await setKey(team.keyId, "expires_at", past());
		},
	],
	[
		"of a team whose SCIM is switched off",
		403,
		async (team) => {
			await apiJson("PUT", `/teams/${team.teamId}/scim`, { enabled: false });
		},
	],
];

describe("keyGuard (the key check inside a write's batch)", () => {
	const cases: [string, boolean, (team: TestTeam) => Promise<void>][] = [
		["a valid key", true, async () => undefined],
		[
			"a key in its grace period after regenerate",
			true,
			async (team) => {
				await apiJson(
					"POST",
					`/teams/${team.teamId}/scim-keys/${team.keyId}/regenerate`,
					{ graceSeconds: 3600 },
					201,
				);
			},
		],
		[
			"a key expiring in the future",
			true,
			(team) => setKey(team.keyId, "expires_at", new Date(Date.now() + 60_000).toISOString()),
		],
		...breakings.map(
			([name, , breakKey]) =>
				[`a key ${name}`, false, breakKey] as [string, boolean, (team: TestTeam) => Promise<void>],
		),
	];

	it.each(cases)("agrees with keyRefusal for %s (allowed: %s)", async (_name, allowed, arrange) => {
		const team = await newScimTeam();
		await arrange(team);
		const credential = await credentialOf(team.token);
		const db = createDb(env.DB);
		const now = new Date().toISOString();
		const guardPasses = await db.batch([keyGuard(db, credential, team.teamId, now)]).then(
			() => true,
			(error: unknown) => {
				expect(isKeyRefused(error), String(error)).toBe(true);
				return false;
			},
		);
		const [found] = await keyForAuthQuery(db, credential.keyId);
		expect(keyRefusal(found, credential, now) === null).toBe(allowed);
		expect(guardPasses).toBe(allowed);
	});

	it("refuses a wrong secret hash, an unknown key id and another team's key, as keyRefusal does", async () => {
		const team = await newScimTeam();
		const other = await newScimTeam();
		const credential = await credentialOf(team.token);
		const db = createDb(env.DB);
		const now = new Date().toISOString();
		const refused = async (c: KeyCredential, teamId: string) =>
			db.batch([keyGuard(db, c, teamId, now)]).then(
				() => false,
				(error: unknown) => isKeyRefused(error),
			);
		const wrongHash = { ...credential, secretHash: await hashSecret("not the secret") };
		expect(await refused(wrongHash, team.teamId)).toBe(true);
		const [found] = await keyForAuthQuery(db, credential.keyId);
		expect(keyRefusal(found, wrongHash, now)?.status).toBe(401);
		expect(await refused({ ...credential, keyId: "000000000000000000000000" }, team.teamId)).toBe(
			true,
		);
		expect(await refused(credential, other.teamId)).toBe(true);
		expect(await refused(credential, team.teamId)).toBe(false);
	});
});

describe("SCIM writes with a key this isolate remembers", () => {
	it.each(breakings)(
		"answer a key %s with %i and write nothing, not even a log row",
		async (_name, status, breakKey) => {
			const team = await newScimTeam();
			// A read and a write with the working key: the isolate now remembers it.
			expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
			const existing = oktaUser(uniqueEmail());
			const created = await scim(team.token, "POST", "/Users", existing);
			expect(created.status).toBe(201);
			const { id } = (await created.json()) as { id: string };
			const before = await writtenByKey(team.teamId);
			await breakKey(team);

			const attempts: [string, string, unknown][] = [
				["POST", "/Users", oktaUser(uniqueEmail())],
				// Refusals a write decides before any batch: a duplicate, a missing user.
				["POST", "/Users", existing],
				["PATCH", "/Users/00000000-0000-4000-8000-000000000000", deactivate()],
				["PATCH", `/Users/${id}`, deactivate()],
				["DELETE", `/Users/${id}`, undefined],
				["POST", "/Groups", { schemas: [GROUP], displayName: "Staff" }],
			];
			for (const [method, path, body] of attempts) {
				const res = await scim(team.token, method, path, body);
				expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBe(status);
				expect(await res.json()).toMatchObject({ status: String(status) });
			}
			expect(await writtenByKey(team.teamId)).toEqual(before);
			const user = await env.DB.prepare("select active from scim_users where id = ?")
				.bind(id)
				.first<{ active: number }>();
			expect(user?.active).toBe(1);
		},
	);

	it("answer a wrong secret for a remembered key id with 401 and write nothing", async () => {
		const team = await newScimTeam();
		expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
		const forged = `${team.token.slice(0, -4)}AAAA`;
		const res = await scim(forged, "POST", "/Users", oktaUser(uniqueEmail()));
		expect(res.status).toBe(401);
		expect(await writtenByKey(team.teamId)).toEqual({ users: 0, events: 0 });
	});

	it("work with a good key and record its last use and client in the write's batch", async () => {
		const team = await newScimTeam();
		expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
		// The first request's own record of use, made after its answer, must land first.
		await expect.poll(async () => (await keyRow(team.keyId))?.last_used_at).toBeTruthy();
		const stale = new Date(Date.now() - 120_000).toISOString();
		await env.DB.prepare(
			"update scim_keys set last_used_at = ?, last_user_agent = null where id = ?",
		)
			.bind(stale, team.keyId)
			.run();
		const res = await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail()), {
			"User-Agent": "Entra Provisioning 2.0",
		});
		expect(res.status).toBe(201);
		const row = await keyRow(team.keyId);
		expect(row?.last_user_agent).toBe("Entra Provisioning 2.0");
		expect(row?.last_used_at && row.last_used_at > stale).toBe(true);
		expect(await writtenByKey(team.teamId)).toEqual({ users: 1, events: 1 });
	});

	it("answer a good key's 404, duplicate and no-op as before", async () => {
		const team = await newScimTeam();
		expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
		const body = oktaUser(uniqueEmail());
		const created = await scim(team.token, "POST", "/Users", body);
		const { id } = (await created.json()) as { id: string };
		expect((await scim(team.token, "POST", "/Users", body)).status).toBe(409);
		expect(
			(await scim(team.token, "PATCH", "/Users/00000000-0000-4000-8000-000000000000", deactivate()))
				.status,
		).toBe(404);
		const noop = await scim(team.token, "PATCH", `/Users/${id}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", value: { active: true } }],
		});
		expect(noop.status).toBe(200);
		// The create's success row and the two refusals.
		expect(await writtenByKey(team.teamId)).toEqual({ users: 1, events: 3 });
	});
});

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

function deactivate() {
	return { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] };
}
