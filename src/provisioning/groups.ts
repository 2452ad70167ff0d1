import { and, eq, sql } from "drizzle-orm";
import { isStaleWrite, type Statement, uniqueViolation, versionGuard } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent, successEvent } from "../db/events";
import {
	findScimGroupByDisplayName,
	getScimGroup,
	listMembersOfGroups,
	unknownUserIds,
} from "../db/groups";
import { inList, selectFromList } from "../db/lists";
import { type ScimGroupRow, scimGroupMembers, scimGroups, scimUsers } from "../db/schema";
import { type ScimErrorData, scimErrors } from "../scim/errors";
import { foldCase } from "../scim/fold";
import { checkGroupResourceLimits } from "../scim/limits";
import { applyPatch, type PatchOperation } from "../scim/patch";
import { err, ok, type Result } from "../scim/result";
import { GROUP_RESOURCE_TYPE } from "../scim/schemas/resource-types";
import { attributeChanges } from "./changes";
import { commitWrite, type UserWriteContext } from "./users";

/**
 * SCIM Groups are the team's user groups (docs/architecture.md). Members must be SCIM Users of the same
 * team. Attributes are stored as sent; membership lives in its own table so that adding one
 * member to a large group writes one row.
 */

export interface GroupWrite {
	row: ScimGroupRow;
	/** Whether anything was written (a PATCH that changes nothing writes nothing). */
	changed: boolean;
	/**
	 * The users whose `groups` the write changed (they joined or left the group, or it was
	 * renamed while they were in it): its batch moved their versions on (touchUsers).
	 */
	usersChanged: string[];
}

/** Creates a group with its initial members. */
export async function createGroup(
	db: Db,
	ctx: UserWriteContext,
	resource: Record<string, unknown>,
): Promise<Result<GroupWrite>> {
	const { attributes, memberIds } = splitMembers(resource);
	const tooBig = checkGroupResourceLimits(attributes, new Set(memberIds).size);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	const displayName = String(attributes.displayName ?? "");
	if (await findScimGroupByDisplayName(db, ctx.teamId, displayName)) {
		return err(displayNameTaken(displayName));
	}
	const unknown = await unknownUserIds(db, ctx.teamId, memberIds);
	if (unknown.length > 0) {
		return err(unknownMembers(unknown));
	}
	const row: ScimGroupRow = {
		id: crypto.randomUUID(),
		teamId: ctx.teamId,
		displayName,
		displayNameKey: foldCase(displayName),
		externalId: typeof attributes.externalId === "string" ? attributes.externalId : null,
		resource: attributes,
		version: 1,
		createdAt: ctx.now,
		updatedAt: ctx.now,
	};
	const usersChanged = [...new Set(memberIds)];
	const statements: Statement[] = [
		db.insert(scimGroups).values(row),
		...memberInserts(db, ctx, row.id, memberIds),
		...touchUsers(db, ctx, usersChanged),
		insertEvent(db, {
			...eventBase(ctx, "group.create", row),
			changes: Object.keys(resource),
			detail: `Created with ${new Set(memberIds).size} members`,
		}),
	];
	const written = await runGroupBatch(db, ctx, statements);
	return written.ok ? ok({ row, changed: true, usersChanged }) : written;
}

/** Replaces a group's attributes and members (PUT). */
export async function replaceGroup(
	db: Db,
	ctx: UserWriteContext,
	current: ScimGroupRow,
	resource: Record<string, unknown>,
): Promise<Result<GroupWrite>> {
	const { attributes, memberIds } = splitMembers(resource);
	const currentIds = (
		(await listMembersOfGroups(db, ctx.teamId, [current.id])).get(current.id) ?? []
	).map((m) => m.value);
	const wanted = new Set(memberIds);
	const added = [...wanted].filter((id) => !currentIds.includes(id));
	const removed = currentIds.filter((id) => !wanted.has(id));
	const write = { attributes, currentIds, added, removed, memberCount: wanted.size };
	return writeGroup(db, ctx, current, write, "group.replace");
}

/** Applies a PATCH to a group (RFC 7644 §3.5.2) inside the team's writer, so it sees the latest members. */
export async function patchGroup(
	db: Db,
	ctx: UserWriteContext,
	current: ScimGroupRow,
	operations: PatchOperation[],
): Promise<Result<GroupWrite>> {
	const nameless = memberWithoutValue(operations);
	if (nameless !== undefined) {
		return err(nameless);
	}
	const members = (await listMembersOfGroups(db, ctx.teamId, [current.id])).get(current.id) ?? [];
	const resource = {
		...current.resource,
		members: members.map((m) => ({ value: m.value, display: m.display })),
	};
	const patched = applyPatch(resource, operations, GROUP_RESOURCE_TYPE);
	if (!patched.ok) {
		return patched;
	}
	if (!patched.value.changed) {
		return ok({ row: current, changed: false, usersChanged: [] });
	}
	const { attributes } = splitMembers(patched.value.resource);
	const { membersAdded: added, membersRemoved: removed } = patched.value;
	const memberCount = members.length + added.length - removed.length;
	const currentIds = members.map((m) => m.value);
	const write = { attributes, currentIds, added, removed, memberCount };
	return writeGroup(db, ctx, current, write, "group.patch");
}

/**
 * Deletes a group; its members stay users of the team, and their `groups` lose it. Answers the
 * users whose versions its batch moved on.
 */
export async function deleteGroup(
	db: Db,
	ctx: UserWriteContext,
	current: ScimGroupRow,
): Promise<Result<{ usersChanged: string[] }>> {
	const usersChanged = (
		(await listMembersOfGroups(db, ctx.teamId, [current.id])).get(current.id) ?? []
	).map((m) => m.value);
	await commitWrite(db, ctx, [
		...touchUsers(db, ctx, usersChanged),
		db.delete(scimGroupMembers).where(eq(scimGroupMembers.groupId, current.id)),
		db.delete(scimGroups).where(eq(scimGroups.id, current.id)),
		insertEvent(db, eventBase(ctx, "group.delete", current)),
	]);
	return ok({ usersChanged });
}

/** Loads a group for a write, or the 404 to answer. */
export async function loadGroup(db: Db, teamId: string, id: string): Promise<Result<ScimGroupRow>> {
	const group = await getScimGroup(db, teamId, id);
	return group ? ok(group) : err(scimErrors.notFound(`Group ${id} not found.`).toData());
}

/** What a PUT or PATCH makes of a group: its attributes, the member changes, the count after. */
interface GroupChange {
	attributes: Record<string, unknown>;
	/** The members before the write. */
	currentIds: string[];
	added: string[];
	removed: string[];
	memberCount: number;
}

async function writeGroup(
	db: Db,
	ctx: UserWriteContext,
	current: ScimGroupRow,
	{ attributes, currentIds, added, removed, memberCount }: GroupChange,
	action: string,
): Promise<Result<GroupWrite>> {
	const tooBig = checkGroupResourceLimits(attributes, memberCount);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	const displayName = String(attributes.displayName ?? "");
	if (foldCase(displayName) !== current.displayNameKey) {
		const other = await findScimGroupByDisplayName(db, ctx.teamId, displayName);
		if (other && other.id !== current.id) {
			return err(displayNameTaken(displayName));
		}
	}
	const unknown = await unknownUserIds(db, ctx.teamId, added);
	if (unknown.length > 0) {
		return err(unknownMembers(unknown));
	}
	const attributesChanged = JSON.stringify(attributes) !== JSON.stringify(current.resource);
	if (!attributesChanged && added.length === 0 && removed.length === 0) {
		return ok({ row: current, changed: false, usersChanged: [] });
	}
	// A rename changes the `groups` of every member; a membership change, those who came or went.
	const usersChanged = [
		...new Set(
			displayName === current.displayName
				? [...added, ...removed]
				: [...currentIds, ...added, ...removed],
		),
	];
	const row: ScimGroupRow = {
		...current,
		displayName,
		displayNameKey: foldCase(displayName),
		externalId: typeof attributes.externalId === "string" ? attributes.externalId : null,
		resource: attributes,
		version: current.version + 1,
		updatedAt: ctx.now,
	};
	const statements: Statement[] = [
		db
			.update(scimGroups)
			.set({
				displayName: row.displayName,
				displayNameKey: row.displayNameKey,
				externalId: row.externalId,
				resource: row.resource,
				version: row.version,
				updatedAt: row.updatedAt,
			})
			.where(and(eq(scimGroups.id, current.id), eq(scimGroups.version, current.version))),
		// The version moved on under this write (a writer outside the team's queue): nothing is written.
		versionGuard(db, "scim_groups"),
		...memberInserts(db, ctx, current.id, added),
		...(removed.length === 0
			? []
			: [
					db
						.delete(scimGroupMembers)
						.where(
							and(
								eq(scimGroupMembers.groupId, current.id),
								inList(scimGroupMembers.scimUserId, removed),
							),
						),
				]),
		...touchUsers(db, ctx, usersChanged),
		insertEvent(db, {
			...eventBase(ctx, action, row),
			changes: [
				...(attributesChanged ? attributeChanges(current.resource, attributes) : []),
				...(added.length > 0 || removed.length > 0 ? ["members"] : []),
			],
			detail: `${added.length} members added, ${removed.length} removed`,
		}),
	];
	const written = await runGroupBatch(db, ctx, statements);
	return written.ok ? ok({ row, changed: true, usersChanged }) : written;
}

/**
 * Moves on the version of users whose `groups` a write changes, so their ETag changes with
 * their representation (RFC 7644 §3.14). The team object moves its copies of them on too.
 */
function touchUsers(db: Db, ctx: UserWriteContext, ids: string[]): Statement[] {
	return ids.length === 0
		? []
		: [
				db
					.update(scimUsers)
					.set({ version: sql`${scimUsers.version} + 1`, updatedAt: ctx.now })
					.where(and(eq(scimUsers.teamId, ctx.teamId), inList(scimUsers.id, ids))),
			];
}

function memberInserts(
	db: Db,
	ctx: UserWriteContext,
	groupId: string,
	memberIds: string[],
): Statement[] {
	const ids = [...new Set(memberIds)];
	if (ids.length === 0) {
		return [];
	}
	// Columns in the table's order: group_id, scim_user_id, team_id, created_at.
	return [
		db
			.insert(scimGroupMembers)
			.select(selectFromList(sql`${groupId}, value, ${ctx.teamId}, ${ctx.now}`, ids))
			.onConflictDoNothing(),
	];
}

/** Separates the member ids from the other attributes of a normalised Group resource. */
function splitMembers(resource: Record<string, unknown>): {
	attributes: Record<string, unknown>;
	memberIds: string[];
} {
	const { members, ...attributes } = resource;
	const memberIds = Array.isArray(members)
		? members.flatMap((m) =>
				typeof m === "object" && m !== null && typeof (m as { value?: unknown }).value === "string"
					? [(m as { value: string }).value]
					: [],
			)
		: [];
	return { attributes, memberIds };
}

const MEMBERS_PATHS: ReadonlySet<string> = new Set([
	"members",
	"urn:ietf:params:scim:schemas:core:2.0:group:members",
]);

/**
 * A member value that names no User: the PATCH engine would drop it (its other sub-attributes are
 * read-only or optional) and answer 204 as if it had been added, so it is refused, as POST and
 * PUT refuse it.
 */
function memberWithoutValue(operations: PatchOperation[]): ScimErrorData | undefined {
	for (const [index, operation] of operations.entries()) {
		const path = operation.path?.trim().toLowerCase() ?? "";
		let values: unknown;
		if (MEMBERS_PATHS.has(path)) {
			values = operation.value;
		} else if (path === "" && isObject(operation.value)) {
			const key = Object.keys(operation.value).find((k) => MEMBERS_PATHS.has(k.toLowerCase()));
			values = key === undefined ? undefined : operation.value[key];
		}
		const list = Array.isArray(values)
			? values
			: values === undefined || values === null
				? []
				: [values];
		for (const [position, member] of list.entries()) {
			// null is skipped and a bare id is read as {value}, as the PATCH engine does.
			if (member === null || (typeof member === "string" && member !== "")) {
				continue;
			}
			const valueKey = isObject(member)
				? Object.keys(member).find((k) => k.toLowerCase() === "value")
				: undefined;
			const value =
				valueKey === undefined ? undefined : (member as Record<string, unknown>)[valueKey];
			if (typeof value !== "string" || value === "") {
				return scimErrors
					.invalidValue(
						`Operations[${index}]: members value ${position} needs "value", the id of a User of this team.`,
					)
					.toData();
			}
		}
	}
	return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

function eventBase(ctx: UserWriteContext, action: string, group: ScimGroupRow) {
	return successEvent(ctx, action, { type: "Group", id: group.id, label: group.displayName });
}

async function runGroupBatch(
	db: Db,
	ctx: UserWriteContext,
	statements: Statement[],
): Promise<Result<null>> {
	try {
		await commitWrite(db, ctx, statements);
		return ok(null);
	} catch (error) {
		if (isStaleWrite(error, "scim_groups")) {
			return err(
				scimErrors
					.preconditionFailed(
						"The Group changed while this write ran, so nothing was written; read it again and retry.",
					)
					.toData(),
			);
		}
		if (uniqueViolation(error) === null) {
			throw error;
		}
		return err(scimErrors.uniqueness("displayName is already taken in this team.").toData());
	}
}

function displayNameTaken(displayName: string) {
	return scimErrors
		.uniqueness(`A group with displayName "${displayName}" already exists in this team.`)
		.toData();
}

function unknownMembers(ids: string[]) {
	return scimErrors
		.invalidValue(
			`Group members must be Users of this team; unknown: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", ..." : ""}.`,
		)
		.toData();
}
