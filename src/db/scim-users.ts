import { and, desc, eq, getTableColumns, inArray, ne, type SQL, sql } from "drizzle-orm";
import { foldCase } from "../scim/fold";
import type { Db } from "./client";
import type { FilterSql } from "./filter-sql";
import { type ListPage, listQueries } from "./list";
import {
	type ScimUserRow,
	type ScimUserState,
	type scimUserEmails,
	scimUsers,
	teams,
} from "./schema";

/** The team's SCIM user with this id, or null. */
export async function getScimUser(db: Db, teamId: string, id: string): Promise<ScimUserRow | null> {
	return (
		(await db
			.select()
			.from(scimUsers)
			.where(and(eq(scimUsers.teamId, teamId), eq(scimUsers.id, id)))
			.get()) ?? null
	);
}

/**
 * The team's SCIM user with this id and, when the whole team fits `fits` (at most `rows` users
 * whose resources take at most `chars` characters of JSON), every other user of the team with it,
 * in one read: how a team object fills its memory once per activation (src/team/user-rows.ts).
 * Two halves of one UNION ALL: the row by its key, and the team's other rows behind a condition
 * checked once before they are scanned; so a team that does not fit costs what reading the one
 * row costs (its count is read, and the sum of its resources only for a team small enough).
 */
export function getScimUserAndTeamThatFits(
	db: Db,
	teamId: string,
	id: string,
	fits: { rows: number; chars: number },
): Promise<ScimUserRow[]> {
	return scimUserAndTeamThatFitsQuery(db, teamId, id, fits).all();
}

/** The query of {@link getScimUserAndTeamThatFits}, built but not run. */
export function scimUserAndTeamThatFitsQuery(
	db: Db,
	teamId: string,
	id: string,
	fits: { rows: number; chars: number },
) {
	const teamFits = sql`case when (select ${teams.scimUserCount} from ${teams} where ${teams.id} = ${teamId}) <= ${fits.rows}
		then (select coalesce(sum(length(${scimUsers.resource})), 0) from ${scimUsers} where ${scimUsers.teamId} = ${teamId}) <= ${fits.chars}
		else 0 end`;
	const columns = getTableColumns(scimUsers);
	const theUser = db
		.select(columns)
		.from(scimUsers)
		.where(and(eq(scimUsers.teamId, teamId), eq(scimUsers.id, id)));
	// The condition sits in a one-row table scanned first (a CROSS JOIN keeps SQLite's order):
	// a condition with subqueries in the WHERE would be checked row by row over the whole team.
	const theOthers = db
		.select(columns)
		.from(sql`(select 1 where ${teamFits})`)
		.crossJoin(scimUsers)
		.where(and(eq(scimUsers.teamId, teamId), ne(scimUsers.id, id)));
	return theUser.unionAll(theOthers);
}

/** A group a user belongs to, as the readOnly `groups` attribute of a User lists it. */
export interface UserGroup {
	value: string;
	display: string;
}

/** The groups of each user, by user id; a user in no group has no entry. */
export type UserGroups = Map<string, UserGroup[]>;

/**
 * A user row's groups as a JSON array, by display name: a correlated subquery in the select
 * list, which SQLite evaluates only for the rows a query returns (after OFFSET), so a page and
 * its groups come from one statement over one index scan. Spelled out with aliases: drizzle
 * leaves columns unqualified in single-table queries, which would make team_id ambiguous inside
 * the subquery. A write's `RETURNING` may carry it too: SQLite allows subqueries there, so a
 * user write reads the user's groups in its own statement (src/provisioning/users.ts).
 */
export const groupsColumn = sql<string>`(select json_group_array(json_object('value', gid, 'display', gname)) from (select g.id as gid, g.display_name as gname from scim_group_members m inner join scim_groups g on g.id = m.group_id where m.scim_user_id = "scim_users"."id" and m.team_id = "scim_users"."team_id" order by g.display_name))`;

/**
 * What a SCIM answer shows of a stored user: the resource as the IdP sent it, and its meta. A
 * read selects only these columns, not the indexed copies and link state beside them: on a page
 * of 100 users, converting and mapping the other cells cost a fifth of the request's CPU.
 */
export type ScimUserView = Pick<
	ScimUserRow,
	"id" | "resource" | "version" | "createdAt" | "updatedAt"
>;

const userWithGroupsColumns = {
	id: scimUsers.id,
	resource: scimUsers.resource,
	version: scimUsers.version,
	createdAt: scimUsers.createdAt,
	updatedAt: scimUsers.updatedAt,
	groups: groupsColumn,
};

type UserWithGroupsRow = ScimUserView & { groups: string };

/** Splits rows read with `userWithGroupsColumns` into users and their groups. */
function splitGroups(rows: UserWithGroupsRow[]): {
	users: ScimUserView[];
	groups: UserGroups;
} {
	const groups: UserGroups = new Map();
	const users = rows.map(({ groups: json, ...user }) => {
		const list = groupsFromColumn(json);
		if (list.length > 0) {
			groups.set(user.id, list);
		}
		return user;
	});
	return { users, groups };
}

/** The groups {@link groupsColumn} read. */
export function groupsFromColumn(json: string): UserGroup[] {
	return JSON.parse(json) as UserGroup[];
}

/** The team's SCIM user with this id and the groups it belongs to, built but not run. */
export function userWithGroupsQuery(db: Db, teamId: string, id: string) {
	return db
		.select(userWithGroupsColumns)
		.from(scimUsers)
		.where(and(eq(scimUsers.teamId, teamId), eq(scimUsers.id, id)));
}

/** The groups of the team's user with this id, as {@link groupsColumn}, built but not run. */
export function userGroupsQuery(db: Db, teamId: string, id: string) {
	return db
		.select({ groups: groupsColumn })
		.from(scimUsers)
		.where(and(eq(scimUsers.teamId, teamId), eq(scimUsers.id, id)));
}

/** The user `userWithGroupsQuery` read, with its groups, or null. */
export function userWithGroupsFromRows(
	rows: UserWithGroupsRow[],
): { user: ScimUserView; groups: UserGroups } | null {
	const { users, groups } = splitGroups(rows);
	return users[0] ? { user: users[0], groups } : null;
}

/** The team's SCIM user linked to this account, or null. */
export async function getScimUserByAccount(
	db: Db,
	teamId: string,
	accountId: string,
): Promise<ScimUserRow | null> {
	return (
		(await db
			.select()
			.from(scimUsers)
			.where(and(eq(scimUsers.teamId, teamId), eq(scimUsers.accountId, accountId)))
			.get()) ?? null
	);
}

/**
 * The two queries of a Users list request, built but not run: the total, and one page with each
 * user's groups. Exposed so tests can EXPLAIN them (test/integration/filter-index.test.ts).
 */
export function userListQueries(
	db: Db,
	teamId: string,
	filter: FilterSql | undefined,
	orderBy: SQL[],
	page: ListPage,
) {
	const queries = listQueries(db, scimUsers, teamId, filter, orderBy, page, userWithGroupsColumns);
	return [queries.total, queries.page] as const;
}

/** The page, total and groups of the page's users from what `userListQueries` read. */
export function userListFromRows(
	page: ListPage,
	[totalRow, rows]: [{ n: number }[], unknown[]],
): { rows: ScimUserView[]; total: number; groups: UserGroups } {
	// listQueries selects userWithGroupsColumns; its shared signature cannot carry their type.
	const { users, groups } = splitGroups(page.count === 0 ? [] : (rows as UserWithGroupsRow[]));
	return { rows: users, total: totalRow[0]?.n ?? 0, groups };
}

/** The email rows to store for a user's `emails`, so filters on emails use an index. */
export function emailRows(
	teamId: string,
	scimUserId: string,
	emails: { value: string; type?: string; primary?: boolean }[],
): (typeof scimUserEmails.$inferInsert)[] {
	return emails.map((e, position) => ({
		scimUserId,
		teamId,
		position,
		value: e.value,
		valueKey: foldCase(e.value),
		type: e.type ?? null,
		primary: e.primary === true,
	}));
}

/** The team's SCIM users in one state, most recently changed first. */
export async function listScimUsersByState(
	db: Db,
	teamId: string,
	state: ScimUserState,
	limit = 500,
): Promise<ScimUserRow[]> {
	return db
		.select()
		.from(scimUsers)
		.where(and(eq(scimUsers.teamId, teamId), eq(scimUsers.state, state)))
		.orderBy(desc(scimUsers.updatedAt), scimUsers.id)
		.limit(limit);
}

/** The email of each of these SCIM users of the team that has one (for the log's rows). */
export async function listScimUserEmails(
	db: Db,
	teamId: string,
	ids: string[],
): Promise<Map<string, string>> {
	const emails = new Map<string, string>();
	const unique = [...new Set(ids)];
	// D1 binds at most 100 parameters: the team id and 90 ids a statement.
	for (let i = 0; i < unique.length; i += 90) {
		const rows = await db
			.select({ id: scimUsers.id, email: scimUsers.email })
			.from(scimUsers)
			.where(and(eq(scimUsers.teamId, teamId), inArray(scimUsers.id, unique.slice(i, i + 90))));
		for (const row of rows) {
			if (row.email) {
				emails.set(row.id, row.email);
			}
		}
	}
	return emails;
}
