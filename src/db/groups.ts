import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { foldCase } from "../scim/fold";
import type { Db } from "./client";
import type { FilterSql } from "./filter-sql";
import { type ListPage, listQueries } from "./list";
import { inList } from "./lists";
import { type ScimGroupRow, scimGroupMembers, scimGroups, scimUsers } from "./schema";

export interface GroupMember {
	value: string;
	display: string;
}

/** The team's group with this id, built but not run. */
export function groupQuery(db: Db, teamId: string, id: string) {
	return db
		.select()
		.from(scimGroups)
		.where(and(eq(scimGroups.teamId, teamId), eq(scimGroups.id, id)));
}

/** The team's group with this id, or null. */
export async function getScimGroup(
	db: Db,
	teamId: string,
	id: string,
): Promise<ScimGroupRow | null> {
	return (
		(await db
			.select()
			.from(scimGroups)
			.where(and(eq(scimGroups.teamId, teamId), eq(scimGroups.id, id)))
			.get()) ?? null
	);
}

/** The team's group with this displayName (case-insensitive), or null. */
export async function findScimGroupByDisplayName(
	db: Db,
	teamId: string,
	displayName: string,
): Promise<ScimGroupRow | null> {
	return (
		(await db
			.select()
			.from(scimGroups)
			.where(
				and(eq(scimGroups.teamId, teamId), eq(scimGroups.displayNameKey, foldCase(displayName))),
			)
			.get()) ?? null
	);
}

/**
 * The queries of a Groups list request, built but not run: the total, one page, and (unless
 * `withMembers` is false) the members of the page's groups, all for one D1 batch.
 */
export function groupListQueries(
	db: Db,
	teamId: string,
	filter: FilterSql | undefined,
	orderBy: SQL[],
	page: ListPage,
	withMembers: boolean,
) {
	const {
		total,
		page: rows,
		pageIds,
		operands,
	} = listQueries(db, scimGroups, teamId, filter, orderBy, page);
	const members = db
		.with(...operands, pageIds)
		.select(memberColumns)
		.from(scimGroupMembers)
		.innerJoin(scimUsers, eq(scimUsers.id, scimGroupMembers.scimUserId))
		.where(
			and(
				eq(scimGroupMembers.teamId, teamId),
				withMembers
					? inArray(scimGroupMembers.groupId, db.select({ id: pageIds.id }).from(pageIds))
					: sql`0`,
			),
		)
		.orderBy(scimGroupMembers.createdAt, scimUsers.id);
	return [total, rows, members] as const;
}

/** The page, total and members from what `groupListQueries` read. */
export function groupListFromRows(
	page: ListPage,
	[totalRow, rows, members]: [{ n: number }[], unknown[], MemberRow[]],
): { rows: ScimGroupRow[]; total: number; members: Map<string, GroupMember[]> } {
	return {
		// listQueries selects the table's own columns; its shared signature cannot carry their type.
		rows: page.count === 0 ? [] : (rows as ScimGroupRow[]),
		total: totalRow[0]?.n ?? 0,
		members: membersByGroup(members),
	};
}

const memberColumns = {
	groupId: scimGroupMembers.groupId,
	value: scimUsers.id,
	userName: scimUsers.userName,
	displayName: scimUsers.displayName,
};

type MemberRow = { groupId: string; value: string; userName: string; displayName: string | null };

/** The members of these groups, built but not run. */
export function membersQuery(db: Db, teamId: string, groupIds: string[]) {
	return db
		.select(memberColumns)
		.from(scimGroupMembers)
		.innerJoin(scimUsers, eq(scimUsers.id, scimGroupMembers.scimUserId))
		.where(and(eq(scimGroupMembers.teamId, teamId), inList(scimGroupMembers.groupId, groupIds)))
		.orderBy(scimGroupMembers.createdAt, scimUsers.id);
}

/** Member rows by group, each with the member's displayName (else userName) as `display`. */
export function membersByGroup(rows: MemberRow[]): Map<string, GroupMember[]> {
	const byGroup = new Map<string, GroupMember[]>();
	for (const row of rows) {
		const list = byGroup.get(row.groupId) ?? [];
		list.push({ value: row.value, display: row.displayName ?? row.userName });
		byGroup.set(row.groupId, list);
	}
	return byGroup;
}

/** The members of these groups, each with the member's userName as `display`. */
export async function listMembersOfGroups(
	db: Db,
	teamId: string,
	groupIds: string[],
): Promise<Map<string, GroupMember[]>> {
	return groupIds.length === 0
		? new Map()
		: membersByGroup(await membersQuery(db, teamId, groupIds));
}

/** Which of these ids are not SCIM users of the team. */
export async function unknownUserIds(db: Db, teamId: string, ids: string[]): Promise<string[]> {
	if (ids.length === 0) {
		return [];
	}
	const unique = [...new Set(ids)];
	const rows = await db
		.select({ id: scimUsers.id })
		.from(scimUsers)
		.where(and(eq(scimUsers.teamId, teamId), inList(scimUsers.id, unique)));
	const found = new Set(rows.map((row) => row.id));
	return unique.filter((id) => !found.has(id));
}
