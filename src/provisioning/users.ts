import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { findAccountByEmail, getMembershipRole } from "../db/accounts";
import { chunkRows, runBatch, type Statement, uniqueViolation } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent, successEvent } from "../db/events";
import {
	type Account,
	accountBlocks,
	accounts,
	memberships,
	type ScimUserRow,
	type ScimUserState,
	scimGroupMembers,
	scimGroups,
	scimUserEmails,
	scimUsers,
} from "../db/schema";
import {
	emailRows,
	findScimUserByUserName,
	getScimUserWithAccount,
	readForCreate,
} from "../db/scim-users";
import { getTeam } from "../db/teams";
import { type ScimErrorData, scimErrors } from "../scim/errors";
import { foldCase } from "../scim/fold";
import { checkUserResourceLimits } from "../scim/limits";
import { err, ok, type Result } from "../scim/result";
import { changedAttributes } from "./changes";
import { inviteStatements, revokePendingInvites } from "./invites";
import { type UserFields, userFields } from "./user-fields";

/**
 * The product rules for SCIM Users (DESIGN.md "The product rules"). Each function reads what it
 * needs, decides, and writes every row in one D1 batch. They run inside the team's Durable
 * Object, one at a time, so the reads are still true when the batch runs.
 */

export interface Actor {
	type: "scim_key" | "admin" | "service" | "invitee";
	id: string | null;
}

export interface UserWriteContext {
	teamId: string;
	actor: Actor;
	now: string;
	/** The public origin of this service, for invite links. */
	origin: string;
	/** How long a new invite link works (INVITE_TTL_HOURS); INVITE_TTL_MS when not given. */
	inviteTtlMs?: number;
}

/** A created user; `created` is false when the request was a retry of an earlier create. */
export interface CreatedUser {
	user: ScimUserRow;
	created: boolean;
}

/** Creates a SCIM user: a new account and membership, a link to a member, or an invite. */
export async function createUser(
	db: Db,
	ctx: UserWriteContext,
	resource: Record<string, unknown>,
	requestHash: string | null,
): Promise<Result<CreatedUser>> {
	const tooBig = checkUserResourceLimits(resource);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	const fields = userFields(resource);
	// The stored resource always says whether the user is active (Okta requires it in answers).
	resource = { ...resource, active: fields.active };
	if (fields.email === null) {
		// A missing team still answers 404 before the 400.
		return (await getTeam(db, ctx.teamId))
			? err(
					scimErrors
						.invalidValue(
							"An email is required: send emails with a primary value, or an email address as userName.",
						)
						.toData(),
				)
			: err(teamNotFound());
	}
	const reads = await readForCreate(db, ctx.teamId, fields.userName, fields.email);
	const { team, sameUserName, account: existingAccount } = reads;
	if (!team) {
		return err(teamNotFound());
	}
	if (sameUserName) {
		return isRetryOf(sameUserName, requestHash, ctx.now)
			? ok({ user: sameUserName, created: false })
			: err(userNameTaken(fields.userName));
	}
	if (existingAccount && reads.linked) {
		return err(emailTaken(fields.email, reads.linked.userName));
	}

	const id = crypto.randomUUID();
	const statements: Statement[] = [];
	const account: Account = existingAccount ?? {
		id: crypto.randomUUID(),
		email: fields.email,
		emailKey: foldCase(fields.email),
		givenName: fields.givenName,
		familyName: fields.familyName,
		createdByTeamId: ctx.teamId,
		createdAt: ctx.now,
		updatedAt: ctx.now,
	};
	if (!existingAccount) {
		statements.push(db.insert(accounts).values(account));
	}
	const isMember = existingAccount !== null && reads.role !== null;
	// A person this team created, or who is already a member, joins directly; anyone else who
	// already has an account elsewhere is invited and joins when they accept.
	const joinsDirectly = account.createdByTeamId === ctx.teamId || isMember;
	let state: ScimUserState;
	if (!fields.active) {
		state = "deactivated";
		statements.push(...blockStatements(db, ctx, account.id));
	} else if (joinsDirectly) {
		state = "active";
		statements.push(...joinStatements(db, ctx, account.id, isMember));
		if (existingAccount) {
			statements.push(nameStatement(db, ctx, account.id, fields));
		}
	} else {
		state = "invited";
		statements.push(unblockStatement(db, ctx, account.id));
		statements.push(
			...(await userInviteStatements(db, ctx, team.name, account.id, id, fields.email)),
		);
	}

	const row: ScimUserRow = {
		id,
		teamId: ctx.teamId,
		...indexedColumns(fields),
		state,
		accountId: account.id,
		joinedAt: state === "active" ? ctx.now : null,
		resource,
		version: 1,
		createRequestHash: requestHash,
		createdAt: ctx.now,
		updatedAt: ctx.now,
	};
	statements.push(db.insert(scimUsers).values(row));
	statements.push(...emailInserts(db, emailRows(ctx.teamId, id, fields.emails)));
	statements.push(
		insertEvent(db, {
			...eventBase(ctx, "user.create", row),
			detail: `Created; ${stateDetail(state)}`,
			changes: Object.keys(resource),
		}),
	);
	const written = await runUserBatch(db, statements);
	return written.ok ? ok({ user: row, created: true }) : written;
}

/**
 * Replaces a SCIM user's resource (PUT, and PATCH after the patch is applied): renames, email
 * changes, and activation changes with their product effects.
 */
export async function updateUser(
	db: Db,
	ctx: UserWriteContext,
	current: ScimUserRow,
	resource: Record<string, unknown>,
	action: string,
	/** The user's account, read with it (loadUser). */
	account: Account | null,
): Promise<Result<ScimUserRow>> {
	const tooBig = checkUserResourceLimits(resource);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	const fields = userFields(resource);
	if (fields.email === null) {
		return err(
			scimErrors
				.invalidValue(
					"An email is required: send emails with a primary value, or an email address as userName.",
				)
				.toData(),
		);
	}
	const changes = changedAttributes(current.resource, resource);
	if (changes.length === 0 && fields.active === current.active) {
		return ok(current);
	}
	if (foldCase(fields.userName) !== current.userNameKey) {
		const other = await findScimUserByUserName(db, ctx.teamId, fields.userName);
		if (other && other.id !== current.id) {
			return err(userNameTaken(fields.userName));
		}
	}
	if (!account) {
		throw new Error(`SCIM user ${current.id} links to missing account ${current.accountId}`);
	}
	const statements: Statement[] = [];
	const ownsAccount = account.createdByTeamId === ctx.teamId;

	// Only an account this team created follows the IdP's email; others keep their own.
	if (ownsAccount && foldCase(fields.email) !== account.emailKey) {
		const holder = await findAccountByEmail(db, fields.email);
		if (holder && holder.id !== account.id) {
			return err(
				scimErrors
					.uniqueness(`The email "${fields.email}" already belongs to another account.`)
					.toData(),
			);
		}
		statements.push(
			db
				.update(accounts)
				.set({ email: fields.email, emailKey: foldCase(fields.email), updatedAt: ctx.now })
				.where(eq(accounts.id, account.id)),
		);
	}
	if (
		(ownsAccount || current.state === "active") &&
		(fields.givenName !== account.givenName || fields.familyName !== account.familyName)
	) {
		statements.push(nameStatement(db, ctx, account.id, fields));
	}

	let state = current.state;
	let joinedAt = current.joinedAt;
	if (current.active && !fields.active) {
		state = "deactivated";
		statements.push(...(await deactivateStatements(db, ctx, current)));
	} else if (!current.active && fields.active) {
		const team = await getTeam(db, ctx.teamId);
		const isMember = (await getMembershipRole(db, ctx.teamId, account.id)) !== null;
		statements.push(unblockStatement(db, ctx, account.id));
		// Someone who was a member before, or whose account this team made, comes straight back;
		// someone who never accepted their invite gets a new one.
		if (ownsAccount || current.joinedAt !== null || isMember) {
			state = "active";
			joinedAt = joinedAt ?? ctx.now;
			statements.push(...joinStatements(db, ctx, account.id, isMember));
		} else {
			state = "invited";
			statements.push(
				...(await userInviteStatements(
					db,
					ctx,
					team?.name ?? ctx.teamId,
					account.id,
					current.id,
					account.email,
				)),
			);
		}
	}

	const row: ScimUserRow = {
		...current,
		...indexedColumns(fields),
		state,
		joinedAt,
		resource,
		version: current.version + 1,
		updatedAt: ctx.now,
	};
	statements.push(
		db
			.update(scimUsers)
			.set({
				...indexedColumns(fields),
				state: row.state,
				joinedAt: row.joinedAt,
				resource: row.resource,
				version: row.version,
				updatedAt: row.updatedAt,
			})
			// The version check makes a lost update impossible even if serialisation ever failed.
			.where(and(eq(scimUsers.id, current.id), eq(scimUsers.version, current.version))),
		db.delete(scimUserEmails).where(eq(scimUserEmails.scimUserId, current.id)),
	);
	statements.push(...emailInserts(db, emailRows(ctx.teamId, current.id, fields.emails)));
	const activeChange =
		current.active === fields.active ? "" : fields.active ? "; reactivated" : "; deactivated";
	statements.push(
		insertEvent(db, {
			...eventBase(ctx, action, row),
			detail: `Updated${activeChange}; ${stateDetail(state)}`,
			changes,
		}),
	);
	const written = await runUserBatch(db, statements);
	return written.ok ? ok(row) : written;
}

/** Deletes a SCIM user: deactivates the person and detaches the resource; the account stays. */
export async function deleteUser(
	db: Db,
	ctx: UserWriteContext,
	current: ScimUserRow,
): Promise<Result<null>> {
	const statements: Statement[] = current.active
		? await deactivateStatements(db, ctx, current)
		: [];
	statements.push(
		...revokePendingInvites(db, current.id, ctx.now),
		db
			.update(scimGroups)
			.set({ version: sql`${scimGroups.version} + 1`, updatedAt: ctx.now })
			.where(
				inArray(
					scimGroups.id,
					db
						.select({ id: scimGroupMembers.groupId })
						.from(scimGroupMembers)
						.where(eq(scimGroupMembers.scimUserId, current.id)),
				),
			),
		db.delete(scimGroupMembers).where(eq(scimGroupMembers.scimUserId, current.id)),
		db.delete(scimUserEmails).where(eq(scimUserEmails.scimUserId, current.id)),
		db.delete(scimUsers).where(eq(scimUsers.id, current.id)),
		insertEvent(db, {
			...eventBase(ctx, "user.delete", current),
			detail: "Deleted: deactivated and detached; the account and its data are kept.",
		}),
	);
	await runBatch(db, statements);
	return ok(null);
}

/** How long a repeated create request counts as a retry of the first. */
export const CREATE_RETRY_WINDOW_MS = 60 * 60 * 1000;

/**
 * Whether a create that collides with `existing` is a retry of the request that created it: the
 * same body, within the retry window, and the user unchanged since. Entra and Okta retry a create
 * whose answer they lost (IDP-COMPAT.md §3.3); a different person with the same userName still
 * gets 409.
 */
function isRetryOf(existing: ScimUserRow, requestHash: string | null, now: string): boolean {
	return (
		requestHash !== null &&
		existing.createRequestHash === requestHash &&
		existing.version === 1 &&
		Date.parse(now) - Date.parse(existing.createdAt) < CREATE_RETRY_WINDOW_MS
	);
}

/** A SCIM user about to be written, and its account. */
export interface LoadedUser {
	user: ScimUserRow;
	account: Account | null;
}

/**
 * Loads a SCIM user and its account for a write, in one D1 round trip (each one holds up the
 * team's queue), or the 404 to answer.
 */
export async function loadUser(db: Db, teamId: string, id: string): Promise<Result<LoadedUser>> {
	const found = await getScimUserWithAccount(db, teamId, id);
	return found ? ok(found) : err(scimErrors.notFound(`User ${id} not found.`).toData());
}

async function deactivateStatements(
	db: Db,
	ctx: UserWriteContext,
	user: ScimUserRow,
): Promise<Statement[]> {
	return [
		db
			.delete(memberships)
			.where(and(eq(memberships.teamId, ctx.teamId), eq(memberships.accountId, user.accountId))),
		...blockStatements(db, ctx, user.accountId),
		...revokePendingInvites(db, user.id, ctx.now),
	];
}

/** The scim_users columns that mirror the resource, for filters, uniqueness and the account link. */
function indexedColumns(fields: UserFields) {
	return {
		userName: fields.userName,
		userNameKey: foldCase(fields.userName),
		externalId: fields.externalId,
		displayName: fields.displayName,
		givenName: fields.givenName,
		familyName: fields.familyName,
		email: fields.email,
		active: fields.active,
	};
}

/** The statements that invite a SCIM user's account to the team and queue the email. */
async function userInviteStatements(
	db: Db,
	ctx: UserWriteContext,
	teamName: string,
	accountId: string,
	scimUserId: string,
	email: string,
): Promise<Statement[]> {
	const invite = await inviteStatements(db, {
		teamId: ctx.teamId,
		teamName,
		accountId,
		scimUserId,
		email,
		origin: ctx.origin,
		now: ctx.now,
		ttlMs: ctx.inviteTtlMs,
	});
	return invite.statements;
}

function blockStatements(db: Db, ctx: UserWriteContext, accountId: string): Statement[] {
	return [
		db
			.insert(accountBlocks)
			.values({ accountId, teamId: ctx.teamId, createdAt: ctx.now })
			.onConflictDoNothing(),
	];
}

function unblockStatement(db: Db, ctx: UserWriteContext, accountId: string): Statement {
	return db
		.delete(accountBlocks)
		.where(and(eq(accountBlocks.accountId, accountId), eq(accountBlocks.teamId, ctx.teamId)));
}

function joinStatements(
	db: Db,
	ctx: UserWriteContext,
	accountId: string,
	isMember: boolean,
): Statement[] {
	const statements = [unblockStatement(db, ctx, accountId)];
	if (!isMember) {
		statements.push(
			db.insert(memberships).values({
				teamId: ctx.teamId,
				accountId,
				role: "developer",
				createdAt: ctx.now,
			}),
		);
	}
	return statements;
}

/** The inserts of a user's email rows, chunked under D1's 100 bound parameters per statement. */
function emailInserts(db: Db, rows: ReturnType<typeof emailRows>): Statement[] {
	return chunkRows(rows, Object.keys(getTableColumns(scimUserEmails)).length).map((chunk) =>
		db.insert(scimUserEmails).values(chunk),
	);
}

function nameStatement(db: Db, ctx: UserWriteContext, accountId: string, fields: UserFields) {
	return db
		.update(accounts)
		.set({ givenName: fields.givenName, familyName: fields.familyName, updatedAt: ctx.now })
		.where(eq(accounts.id, accountId));
}

function eventBase(ctx: UserWriteContext, action: string, user: ScimUserRow) {
	return successEvent(ctx, action, { type: "User", id: user.id, label: user.userName });
}

function stateDetail(state: ScimUserState): string {
	switch (state) {
		case "active":
			return "active member, may sign in";
		case "invited":
			return "the account exists outside the team, an invite was sent";
		case "deactivated":
			return "not a member, sign-in blocked";
	}
}

async function runUserBatch(db: Db, statements: Statement[]): Promise<Result<null>> {
	try {
		await runBatch(db, statements);
		return ok(null);
	} catch (error) {
		const index = uniqueViolation(error);
		if (index === null) {
			throw error;
		}
		return err(uniquenessError(index));
	}
}

function uniquenessError(index: string): ScimErrorData {
	if (index.includes("user_name")) {
		return scimErrors.uniqueness("userName is already taken in this team.").toData();
	}
	if (index.includes("accounts_email") || index.includes("team_account")) {
		return scimErrors.uniqueness("That email already belongs to another user.").toData();
	}
	return scimErrors.uniqueness(`A unique value is already in use (${index}).`).toData();
}

function teamNotFound(): ScimErrorData {
	return scimErrors.notFound("Team not found.").toData();
}

function userNameTaken(userName: string): ScimErrorData {
	return scimErrors.uniqueness(`userName "${userName}" is already taken in this team.`).toData();
}

function emailTaken(email: string, holder: string): ScimErrorData {
	return scimErrors
		.uniqueness(`The email "${email}" is already provisioned in this team as userName "${holder}".`)
		.toData();
}
