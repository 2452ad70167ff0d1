import { and, eq, type SQL } from "drizzle-orm";
import { foldCase } from "../scim/fold";
import type { Db } from "./client";
import type { FilterSql } from "./filter-sql";
import { type ListPage, listPage } from "./list";
import { inList } from "./lists";
import { type ScimGroupRow, scimGroupMembers, scimGroups, scimUsers } from "./schema";

export interface GroupMember {
	value: string;
	display: string;
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

/** One page of the team's groups matching `filter`, and the total. */
export async function listScimGroups(
	db: Db,
	teamId: string,
	filter: FilterSql | undefined,
	orderBy: SQL[],
	page: ListPage,
): Promise<{ rows: ScimGroupRow[]; total: number }> {
	return listPage(db, scimGroups, teamId, filter, orderBy, page);
}

/** The members of these groups, each with the member's userName as `display`. */
export async function listMembersOfGroups(
	db: Db,
	teamId: string,
	groupIds: string[],
): Promise<Map<string, GroupMember[]>> {
	const byGroup = new Map<string, GroupMember[]>();
	if (groupIds.length === 0) {
		return byGroup;
	}
	const rows = await db
		.select({
			groupId: scimGroupMembers.groupId,
			value: scimUsers.id,
			userName: scimUsers.userName,
			displayName: scimUsers.displayName,
		})
		.from(scimGroupMembers)
		.innerJoin(scimUsers, eq(scimUsers.id, scimGroupMembers.scimUserId))
		.where(and(eq(scimGroupMembers.teamId, teamId), inList(scimGroupMembers.groupId, groupIds)))
		.orderBy(scimGroupMembers.createdAt, scimUsers.id);
	for (const row of rows) {
		const list = byGroup.get(row.groupId) ?? [];
		list.push({ value: row.value, display: row.displayName ?? row.userName });
		byGroup.set(row.groupId, list);
	}
	return byGroup;
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
