import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { foldCase } from "../scim/fold";
import type { Db } from "./client";
import type { Account, BlockScope, MemberRole } from "./schema";
import { teamDomains } from "./schema";

/**
 * Who may act on a global account (docs/architecture.md "Accounts and team authority"). A team
 * manages an account when it has verified the account's email domain, or, in a domain no team
 * has verified, when its SCIM created the account and the account belongs to no other team: no
 * other team has it as a member, nor a SCIM user linked to it (one only invited, or deactivated,
 * counts: that team's invite and its reactivation go to the account's email, which the creator
 * must not be able to change under it).
 * Management is computed on every read from the rows it depends on, never stored, so a team
 * that verifies a domain takes over at once and a creator stops managing the moment the person
 * joins a second team.
 */

/** The domain of an email key (foldCase(email)): everything after its last "@". */
export function emailDomain(emailKey: string): string {
	return emailKey.slice(emailKey.lastIndexOf("@") + 1);
}

/**
 * The id of the team that manages the account in `account` (an `accounts` row in the query
 * around it), or NULL. `accounts` columns must be qualified by the table name there.
 */
export function managingTeamSql(): SQL<string | null> {
	// The domain is what follows the last "@" (emailDomain). SQLite has no reverse search: rtrim
	// by every character but "@" leaves the part up to the last "@", which replace then removes.
	return sql<string | null>`coalesce(
		(select d.team_id from team_domains d
			where d.domain = replace("accounts"."email_key", rtrim("accounts"."email_key", replace("accounts"."email_key", '@', '')), '')),
		case when "accounts"."created_by_team_id" is not null and not exists (
			select 1 from memberships m
			where m.account_id = "accounts"."id" and m.team_id <> "accounts"."created_by_team_id"
		) and not exists (
			select 1 from scim_users su
			where su.account_id = "accounts"."id" and su.team_id <> "accounts"."created_by_team_id"
		) then "accounts"."created_by_team_id" end
	)`;
}

/**
 * How far a deactivation by `teamId` blocks the account in `accounts` (the query around it):
 * everywhere only when the team manages it at the moment the batch runs; otherwise sign-in to
 * that team alone. Computed in the write itself, so a deactivation needs no read of who
 * manages the account first.
 */
export function blockScopeSql(teamId: string): SQL<BlockScope> {
	return sql<BlockScope>`case when ${managingTeamSql()} = ${teamId} then 'everywhere' else 'team' end`;
}

/** The facts sign-in to one team is decided on, read in one statement. */
export interface SignInFacts {
	/** The account's role in the team, or null when it is not a member. */
	role: MemberRole | null;
	/** The team has blocked the account (it deactivated the person). */
	blockedByTeam: boolean;
	/** The team that manages the account, or null. */
	managingTeamId: string | null;
	/** The managing team has blocked the account everywhere. */
	blockedEverywhereByManager: boolean;
}

/** The sign-in facts of an account for one team (decided by src/provisioning/authority.ts). */
export async function readSignInFacts(
	db: Db,
	teamId: string,
	accountId: string,
): Promise<SignInFacts> {
	const row = await db.get<{
		role: MemberRole | null;
		blocked_by_team: number;
		managing_team_id: string | null;
		blocked_everywhere: number;
	}>(sql`select
			(select m.role from memberships m where m.team_id = ${teamId} and m.account_id = "accounts"."id") as role,
			exists (select 1 from account_blocks b where b.account_id = "accounts"."id" and b.team_id = ${teamId}) as blocked_by_team,
			${managingTeamSql()} as managing_team_id,
			exists (select 1 from account_blocks b where b.account_id = "accounts"."id"
				and b.scope = 'everywhere' and b.team_id = ${managingTeamSql()}) as blocked_everywhere
		from accounts where "accounts"."id" = ${accountId}`);
	return {
		role: row?.role ?? null,
		blockedByTeam: row?.blocked_by_team === 1,
		managingTeamId: row?.managing_team_id ?? null,
		blockedEverywhereByManager: row?.blocked_everywhere === 1,
	};
}

/** What decides whether a team's link to an account survives a change of the user's email. */
export interface EmailMoveFacts {
	/** The account already has the new email. */
	hasEmail: boolean;
	/** The team manages the account, so it may give it the new email. */
	managed: boolean;
	/** No other account holds the new email. */
	emailFree: boolean;
	/** Another team has verified the new email's domain, so an account with it is that team's. */
	domainElsewhere: boolean;
	/** The account's role in the team, or null when it is not a member (an invite is pending). */
	role: MemberRole | null;
}

/**
 * The facts of moving a team's user from the account it is linked to onto a new email (decided
 * by src/provisioning/users.ts), read in one statement.
 */
export async function readEmailMoveFacts(
	db: Db,
	teamId: string,
	accountId: string,
	newEmailKey: string,
): Promise<EmailMoveFacts> {
	const row = await db.get<{
		has_email: number;
		managed: number;
		email_free: number;
		domain_elsewhere: number;
		role: MemberRole | null;
	}>(
		sql`select
			"accounts"."email_key" = ${newEmailKey} as has_email,
			coalesce(${managingTeamSql()} = ${teamId}, 0) as managed,
			not exists (select 1 from accounts other where other.email_key = ${newEmailKey} and other.id <> "accounts"."id") as email_free,
			exists (select 1 from team_domains d where d.domain = ${emailDomain(newEmailKey)} and d.team_id <> ${teamId}) as domain_elsewhere,
			(select m.role from memberships m where m.team_id = ${teamId} and m.account_id = "accounts"."id") as role
		from accounts where "accounts"."id" = ${accountId}`,
	);
	return {
		hasEmail: row?.has_email === 1,
		managed: row?.managed === 1,
		emailFree: row?.email_free === 1,
		domainElsewhere: row?.domain_elsewhere === 1,
		role: row?.role ?? null,
	};
}

/** The id of the team that manages this account, or null. */
export async function getManagingTeamId(db: Db, accountId: string): Promise<string | null> {
	const row = await db.get<{ managing_team_id: string | null }>(
		sql`select ${managingTeamSql()} as managing_team_id from accounts where "accounts"."id" = ${accountId}`,
	);
	return row?.managing_team_id ?? null;
}

/** Whether `teamId` manages the account. */
export async function teamManagesAccount(
	db: Db,
	teamId: string,
	account: Pick<Account, "id">,
): Promise<boolean> {
	return (await getManagingTeamId(db, account.id)) === teamId;
}

/** The team that has verified this email's domain, or null. */
export async function getDomainOwner(db: Db, email: string): Promise<string | null> {
	const row = await db
		.select({ teamId: teamDomains.teamId })
		.from(teamDomains)
		.where(eq(teamDomains.domain, emailDomain(foldCase(email))))
		.get();
	return row?.teamId ?? null;
}

/** The team's verified domains, sorted. */
export async function listTeamDomains(db: Db, teamId: string): Promise<string[]> {
	const rows = await db
		.select({ domain: teamDomains.domain })
		.from(teamDomains)
		.where(eq(teamDomains.teamId, teamId))
		.orderBy(teamDomains.domain);
	return rows.map((r) => r.domain);
}

/** Which of these domains another team has verified. */
export async function domainsVerifiedElsewhere(
	db: Db,
	teamId: string,
	domains: string[],
): Promise<string[]> {
	if (domains.length === 0) {
		return [];
	}
	const rows = await db
		.select({ domain: teamDomains.domain, teamId: teamDomains.teamId })
		.from(teamDomains)
		.where(
			inArray(teamDomains.domain, sql`(select value from json_each(${JSON.stringify(domains)}))`),
		);
	return rows.filter((r) => r.teamId !== teamId).map((r) => r.domain);
}

/** Whether the account is a member of any team with SCIM switched on. */
export async function isMemberOfScimTeam(db: Db, accountId: string): Promise<boolean> {
	const row = await db.get<{ n: number }>(
		sql`select count(*) as n from memberships m join teams t on t.id = m.team_id
		    where m.account_id = ${accountId} and t.scim_enabled = 1`,
	);
	return (row?.n ?? 0) > 0;
}
