import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client";
import { type ListPage, listPage } from "./list";
import {
	type ScimUserRow,
	type ScimUserState,
	scimGroupMembers,
	scimGroups,
	type scimUserEmails,
	scimUsers,
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

/** The team's SCIM user with this userName (case-insensitive), or null. */
export async function findScimUserByUserName(
	db: Db,
	teamId: string,
	userName: string,
): Promise<ScimUserRow | null> {
	return (
		(await db
			.select()
			.from(scimUsers)
			.where(
				and(eq(scimUsers.teamId, teamId), sql`lower(${scimUsers.userName}) = lower(${userName})`),
			)
			.get()) ?? null
	);
}

/** The team's SCIM user linked to this account, or null. */
export async function findScimUserByAccount(
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

/** One page of the team's SCIM users matching `where`, in `orderBy` order, and the total. */
export async function listScimUsers(
	db: Db,
	teamId: string,
	where: SQL | undefined,
	orderBy: SQL[],
	page: ListPage,
): Promise<{ rows: ScimUserRow[]; total: number }> {
	return listPage(db, scimUsers, teamId, where, orderBy, page);
}

/** The groups each of these users belongs to (for the readOnly `groups` attribute). */
export async function listGroupsOfUsers(
	db: Db,
	teamId: string,
	userIds: string[],
): Promise<Map<string, { value: string; display: string }[]>> {
	const byUser = new Map<string, { value: string; display: string }[]>();
	if (userIds.length === 0) {
		return byUser;
	}
	const rows = await db
		.select({
			userId: scimGroupMembers.scimUserId,
			groupId: scimGroups.id,
			displayName: scimGroups.displayName,
		})
		.from(scimGroupMembers)
		.innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
		.where(
			and(
				eq(scimGroupMembers.teamId, teamId),
				sql`${scimGroupMembers.scimUserId} in (select value from json_each(${JSON.stringify(userIds)}))`,
			),
		)
		.orderBy(scimGroups.displayName);
	for (const row of rows) {
		const list = byUser.get(row.userId) ?? [];
		list.push({ value: row.groupId, display: row.displayName });
		byUser.set(row.userId, list);
	}
	return byUser;
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
