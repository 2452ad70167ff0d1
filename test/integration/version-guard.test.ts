import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { isStaleWrite, runBatch, versionGuard } from "../../src/db/batch";
import { createDb } from "../../src/db/client";
import { getScimGroup } from "../../src/db/groups";
import { teams } from "../../src/db/schema";
import { getScimUser } from "../../src/db/scim-users";
import { patchGroup, replaceGroup } from "../../src/provisioning/groups";
import { patchUser, type UserWriteContext } from "../../src/provisioning/users";
import { SCHEMA_GROUP } from "../../src/scim/schemas/urns";
import { newScimTeam, oktaUser, scim, uniqueEmail } from "../helpers";
import { seedScimUsers, storedMembers } from "../limits-helpers";

type Json = Record<string, unknown>;

async function eventCount(teamId: string): Promise<number> {
	const row = await env.DB.prepare(
		"select count(*) as n from provisioning_events where team_id = ?",
	)
		.bind(teamId)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

describe("versionGuard", () => {
	it("aborts the whole D1 batch when the UPDATE before it changed no row", async () => {
		const db = createDb(env.DB);
		const id = crypto.randomUUID();
		const now = new Date().toISOString();
		const attempt = runBatch(db, [
			db.insert(teams).values({ id, name: "Before", createdAt: now, updatedAt: now }),
			db.update(teams).set({ name: "Updated" }).where(eq(teams.id, "no-such-team")),
			versionGuard(db, "teams"),
			db.update(teams).set({ name: "After" }).where(eq(teams.id, id)),
		]);
		const error = await attempt.then(
			() => null,
			(e: unknown) => e,
		);
		expect(isStaleWrite(error, "teams")).toBe(true);
		// The insert before the guard was rolled back with it.
		expect(await db.select().from(teams).where(eq(teams.id, id))).toEqual([]);
	});

	it("lets the batch through when the UPDATE before it changed a row", async () => {
		const db = createDb(env.DB);
		const id = crypto.randomUUID();
		const now = new Date().toISOString();
		await runBatch(db, [
			db.insert(teams).values({ id, name: "Before", createdAt: now, updatedAt: now }),
			db
				.update(teams)
				.set({ name: "Updated" })
				.where(and(eq(teams.id, id))),
			versionGuard(db, "teams"),
			db.update(teams).set({ name: "After" }).where(eq(teams.id, id)),
		]);
		expect((await db.select().from(teams).where(eq(teams.id, id)))[0]?.name).toBe("After");
	});
});

// Regression: issue 9. A Group write whose version had moved on updated no row, still rewrote
// the member rows, logged success and answered 200.
describe("Group writes with a stale version", () => {
	async function staleGroup() {
		const team = await newScimTeam();
		const [ada, grace] = await seedScimUsers(team.teamId, 2);
		const res = await scim(team.token, "POST", "/Groups", {
			schemas: [SCHEMA_GROUP],
			displayName: "Eng",
			members: [{ value: ada }],
		});
		expect(res.status).toBe(201);
		const id = String(((await res.json()) as Json).id);
		const db = createDb(env.DB);
		const stale = await getScimGroup(db, team.teamId, id);
		if (stale === null) {
			throw new Error("group not stored");
		}
		// Another writer (outside the team's queue) moves the version on.
		await env.DB.prepare("update scim_groups set version = version + 1 where id = ?")
			.bind(id)
			.run();
		const ctx: UserWriteContext = {
			teamId: team.teamId,
			actor: { type: "scim_key", id: team.keyId },
			now: new Date().toISOString(),
			origin: "https://scim.example.test",
		};
		return { team, id, db, stale, ctx, ada: String(ada), grace: String(grace) };
	}

	it("PATCH answers 412 and writes nothing", async () => {
		const { team, id, db, stale, ctx, ada, grace } = await staleGroup();
		const events = await eventCount(team.teamId);
		const result = await patchGroup(db, ctx, stale, [
			{ op: "add", path: "members", value: [{ value: grace }] },
			{ op: "replace", path: "displayName", value: "Renamed" },
		]);
		expect(result).toMatchObject({ ok: false, error: { status: 412 } });
		expect(await storedMembers(id)).toEqual([ada]);
		expect((await getScimGroup(db, team.teamId, id))?.displayName).toBe("Eng");
		expect(await eventCount(team.teamId)).toBe(events);
	});

	it("PUT answers 412 and writes nothing", async () => {
		const { team, id, db, stale, ctx, ada } = await staleGroup();
		const result = await replaceGroup(db, ctx, stale, {
			schemas: [SCHEMA_GROUP],
			displayName: "Renamed",
			members: [],
		});
		expect(result).toMatchObject({ ok: false, error: { status: 412 } });
		expect(await storedMembers(id)).toEqual([ada]);
		expect((await getScimGroup(db, team.teamId, id))?.displayName).toBe("Eng");
	});
});

// Regression: issue 9. A User write whose version had moved on updated no row, still rewrote
// the email rows and the account, logged success and answered 200.
describe("User writes with a stale version", () => {
	it("PATCH answers 412 and writes nothing: no email rows, no account change, no log row", async () => {
		const team = await newScimTeam();
		const email = uniqueEmail("stale");
		const created = await scim(team.token, "POST", "/Users", oktaUser(email));
		const id = String(((await created.json()) as Json).id);
		const db = createDb(env.DB);
		const loaded = await getScimUser(db, team.teamId, id);
		if (loaded === null) {
			throw new Error("user not stored");
		}
		// Another writer (outside the team's queue) moves the version on.
		await env.DB.prepare("update scim_users set version = version + 1 where id = ?").bind(id).run();
		const events = await eventCount(team.teamId);
		const ctx: UserWriteContext = {
			teamId: team.teamId,
			actor: { type: "scim_key", id: team.keyId },
			now: new Date().toISOString(),
			origin: "https://scim.example.test",
		};
		const other = uniqueEmail("moved");
		const result = await patchUser(db, ctx, loaded, [
			{ op: "replace", path: "emails", value: [{ value: other, primary: true }] },
			{ op: "replace", path: "name.givenName", value: "Stale" },
		]);
		expect(result).toMatchObject({ ok: false, error: { status: 412 } });
		const emails = await env.DB.prepare("select value from scim_user_emails where scim_user_id = ?")
			.bind(id)
			.all<{ value: string }>();
		expect(emails.results.map((r) => r.value)).toEqual([email]);
		const account = await env.DB.prepare(
			"select email, given_name from accounts where email_key = ?",
		)
			.bind(email.toLowerCase())
			.first<{ email: string; given_name: string }>();
		expect(account).toEqual({ email, given_name: "Ada" });
		expect(await eventCount(team.teamId)).toBe(events);
	});
});
