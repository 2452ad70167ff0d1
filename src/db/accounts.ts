import { and, eq, sql } from "drizzle-orm";
import { foldCase } from "../scim/fold";
import { managingTeamSql } from "./authority";
import type { Db } from "./client";
import { type Account, accounts, type MemberRole, memberships, scimUsers, teams } from "./schema";

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

export interface Member {
	accountId: string;
	email: string;
	givenName: string | null;
	familyName: string | null;
	role: MemberRole;
	/** When the person first joined the team (a reactivation keeps it). */
	joinedAt: string;
	/** When the current membership began: later than joinedAt after a reactivation. */
	memberSince: string;
	/**
	 * This team manages the account (src/db/authority.ts): it may block the account everywhere
	 * and its SCIM writes the account's email and name. Otherwise the person's account is their
	 * own or another team's, and only the membership is this team's.
	 */
	managed: boolean;
	/** The person joined by accepting an invite (their account existed outside the team). */
	joinedByInvite: boolean;
}

/** The team's active members, oldest first. */
export async function listMembers(db: Db, teamId: string): Promise<Member[]> {
	return db
		.select({
			accountId: accounts.id,
			email: accounts.email,
			// The team's own SCIM name first: an invited person's account may have another team's
			// name, or none, and only a managing team writes the account's.
			givenName: sql<string | null>`coalesce(${scimUsers.givenName}, ${accounts.givenName})`,
			familyName: sql<string | null>`coalesce(${scimUsers.familyName}, ${accounts.familyName})`,
			role: memberships.role,
			joinedAt: sql<string>`coalesce(${scimUsers.joinedAt}, ${memberships.createdAt})`,
			memberSince: memberships.createdAt,
			managed: sql<boolean>`(${managingTeamSql()}) is ${teamId}`.mapWith(Boolean),
			joinedByInvite:
				sql<boolean>`exists (select 1 from invites i where i.team_id = ${teamId} and i.account_id = "accounts"."id" and i.status = 'accepted')`.mapWith(
					Boolean,
				),
		})
		.from(memberships)
		.innerJoin(accounts, eq(accounts.id, memberships.accountId))
		.leftJoin(
			scimUsers,
			and(eq(scimUsers.teamId, memberships.teamId), eq(scimUsers.accountId, accounts.id)),
		)
		.where(eq(memberships.teamId, teamId))
		.orderBy(memberships.createdAt, accounts.id);
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
