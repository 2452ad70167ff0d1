import { and, eq, sql } from "drizzle-orm";
import { foldCase } from "../scim/fold";
import type { Db } from "./client";
import {
	type Account,
	accountBlocks,
	accounts,
	type MemberRole,
	memberships,
	teams,
} from "./schema";

/** The account with this email (case-insensitive), or null. */
export async function findAccountByEmail(db: Db, email: string): Promise<Account | null> {
	return (
		(await db
			.select()
			.from(accounts)
			.where(eq(accounts.emailKey, foldCase(email)))
			.get()) ?? null
	);
}

/** The account, or null. */
export async function getAccount(db: Db, accountId: string): Promise<Account | null> {
	return (await db.select().from(accounts).where(eq(accounts.id, accountId)).get()) ?? null;
}

/** The account's role in the team, or null when it is not an active member. */
export async function getMembershipRole(
	db: Db,
	teamId: string,
	accountId: string,
): Promise<MemberRole | null> {
	const row = await db
		.select({ role: memberships.role })
		.from(memberships)
		.where(and(eq(memberships.teamId, teamId), eq(memberships.accountId, accountId)))
		.get();
	return row?.role ?? null;
}

/** The teams whose SCIM deactivation blocks this account's sign-in. */
export async function listAccountBlocks(db: Db, accountId: string): Promise<string[]> {
	const rows = await db
		.select({ teamId: accountBlocks.teamId })
		.from(accountBlocks)
		.where(eq(accountBlocks.accountId, accountId));
	return rows.map((r) => r.teamId);
}

export interface Member {
	accountId: string;
	email: string;
	givenName: string | null;
	familyName: string | null;
	role: MemberRole;
	joinedAt: string;
}

/** The team's active members, oldest first. */
export async function listMembers(db: Db, teamId: string): Promise<Member[]> {
	return db
		.select({
			accountId: accounts.id,
			email: accounts.email,
			givenName: accounts.givenName,
			familyName: accounts.familyName,
			role: memberships.role,
			joinedAt: memberships.createdAt,
		})
		.from(memberships)
		.innerJoin(accounts, eq(accounts.id, memberships.accountId))
		.where(eq(memberships.teamId, teamId))
		.orderBy(memberships.createdAt, accounts.id);
}

/** Whether the account belongs to any team that has SCIM switched on (its identity is IdP-managed). */
export async function accountInScimManagedTeam(db: Db, accountId: string): Promise<boolean> {
	const row = await db.get<{ n: number }>(
		sql`select count(*) as n from memberships m join teams t on t.id = m.team_id
		    where m.account_id = ${accountId} and t.scim_enabled = 1`,
	);
	return (row?.n ?? 0) > 0;
}

/** The teams this account is an admin of, by name. */
export async function listAdminTeams(
	db: Db,
	accountId: string,
): Promise<{ id: string; name: string }[]> {
	return db
		.select({ id: teams.id, name: teams.name })
		.from(memberships)
		.innerJoin(teams, eq(teams.id, memberships.teamId))
		.where(and(eq(memberships.accountId, accountId), eq(memberships.role, "admin")))
		.orderBy(teams.name, teams.id);
}
