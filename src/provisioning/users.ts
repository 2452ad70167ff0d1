import { and, eq, getTableColumns, inArray, or, type SQL, sql } from "drizzle-orm";
import { getMembershipRole } from "../db/accounts";
import { blockScopeSql, managingTeamSql } from "../db/authority";
import {
	type Commit,
	chunkRows,
	insertSelected,
	isStaleWrite,
	runBatch,
	type Statement,
	uniqueViolation,
	versionGuard,
} from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent, successEvent } from "../db/events";
import {
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
	type AccountWithManager,
	emailRows,
	findScimUserByUserName,
	getScimUserWithAccount,
	readForCreate,
	type UserWithAccount,
} from "../db/scim-users";
import { getTeam } from "../db/teams";
import { inviteStatements, revokePendingInvites } from "../invites/create";
import { type ScimErrorData, scimErrors } from "../scim/errors";
import { foldCase } from "../scim/fold";
import { checkUserResourceLimits } from "../scim/limits";
import { type NormalizedUser, normalizeUserResource } from "../scim/normalize";
import { applyPatch, type PatchOperation } from "../scim/patch";
import { err, ok, type Result } from "../scim/result";
import { USER_RESOURCE_TYPE } from "../scim/schemas/resource-types";
import type { Actor } from "./actor";
import { attributeChanges, changedAttributes } from "./changes";

/**
 * The product rules for SCIM Users (docs/architecture.md "Product rules" and "Accounts and team
 * authority"). Every write arrives as the one value the normalizer made (NormalizedUser), reads
 * what it needs, decides, and writes every row in one D1 batch. They run inside the team's
 * Durable Object, one at a time, so the reads are still true when the batch runs.
 *
 * What a team may do to the account behind a SCIM user is decided here once: its own
 * membership and sign-in to itself always; the account's email and name, and a block of its
 * sign-in everywhere, only when the team manages the account (src/db/authority.ts).
 */

export interface UserWriteContext {
	teamId: string;
	actor: Actor;
	now: string;
	/** The public origin of this service, for invite links. */
	origin: string;
	/** How long a new invite link works (INVITE_TTL_HOURS); INVITE_TTL_MS when not given. */
	inviteTtlMs?: number;
	/** How many invite emails one recipient may get a day, across teams (INVITE_EMAILS_PER_DAY). */
	inviteEmailsPerDay?: number;
	/** How the write's batch is sent (the team object's commit); on its own when not given. */
	commit?: Commit;
	/** The team's name, for invite emails (the team object knows it); read when not given. */
	teamName?: string;
}

/** Sends a write's statements through the context's commit, else as a batch of their own. */
export function commitWrite(db: Db, ctx: { commit?: Commit }, statements: Statement[]) {
	return ctx.commit ? ctx.commit(statements) : runBatch(db, statements);
}

/** A SCIM user about to be written, and its account (null while unlinked). */
export type LoadedUser = UserWithAccount;

/**
 * The email that links a SCIM user to an account: the primary (else first) email, else a
 * userName shaped like an email (Okta's default userName is the login email). Null: unlinked.
 */
export function linkingEmail(input: Pick<NormalizedUser, "email" | "userName">): string | null {
	const email = input.email ?? (/^[^\s@]+@[^\s@]+$/.test(input.userName) ? input.userName : null);
	return email === null || email.trim() === "" ? null : email.trim();
}

/**
 * Creates a SCIM user: a new account and membership, a link to a member, an invite, or unlinked,
 * in one D1 batch with no read before it. What an existing account means for the team is
 * decided by the statements themselves as the batch runs (createLinkStatements), so an account
 * another team's object creates at the same moment is simply the existing account; the unique
 * indexes refuse a taken userName or an account already linked in this team (409).
 */
export async function createUser(
	db: Db,
	ctx: UserWriteContext,
	input: NormalizedUser,
): Promise<Result<ScimUserRow>> {
	// A create without `active` makes an active user: RFC 7643 §4.1.1 leaves the default to us.
	const active = input.active ?? true;
	const resource = { ...input.resource, active };
	const tooBig = checkUserResourceLimits(resource);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	const teamName = ctx.teamName ?? (await getTeam(db, ctx.teamId))?.name;
	if (teamName === undefined) {
		return err(teamNotFound());
	}
	const email = linkingEmail(input);
	const id = crypto.randomUUID();
	const row: ScimUserRow = {
		id,
		teamId: ctx.teamId,
		...indexedColumns(input, email, active),
		state: email === null ? "unlinked" : active ? "active" : "deactivated",
		accountId: null,
		joinedAt: null,
		resource,
		version: 1,
		createdAt: ctx.now,
		updatedAt: ctx.now,
	};
	const link =
		email === null
			? null
			: await createLinkStatements(db, ctx, { email, input, active, scimUserId: id, teamName });
	const linked = link?.linked;
	const inserted = db
		.insert(scimUsers)
		.values({
			...row,
			...(linked && {
				accountId: linked.accountId,
				state: linked.state,
				joinedAt: linked.joinedAt,
			}),
		})
		.returning({
			state: scimUsers.state,
			accountId: scimUsers.accountId,
			joinedAt: scimUsers.joinedAt,
		});
	const stateOfRow = sql<ScimUserState>`(select ${scimUsers.state} from ${scimUsers} where ${scimUsers.id} = ${id})`;
	const statements: Statement[] = [
		...(link?.before ?? []),
		inserted,
		...(link?.after ?? []),
		...emailInserts(db, emailRows(ctx.teamId, id, input.emails)),
		insertEvent(db, {
			...eventBase(ctx, "user.create", row),
			detail: sql`'Created; ' || case ${stateOfRow} ${sql.join(
				STATES.map((state) => sql`when ${state} then ${stateDetail(state)}`),
				sql` `,
			)} end`,
			changes: attributeChanges({}, resource),
		}),
	];
	const written = await runUserBatch(db, ctx, statements);
	if (!written.ok) {
		return written.error.detail === USER_NAME_TAKEN ? err(userNameTaken(input.userName)) : written;
	}
	const [stored] = written.value[link?.before.length ?? 0] as Pick<
		ScimUserRow,
		"state" | "accountId" | "joinedAt"
	>[];
	return ok({ ...row, ...stored });
}

const STATES: readonly ScimUserState[] = ["active", "invited", "deactivated", "unlinked"];

/**
 * The statements that link a new SCIM user to the account of its email, by the rules of
 * linkAccount and settleMembership, written so that the batch decides them as it runs: the
 * account is created unless one has the email (`on conflict do nothing`); an existing account
 * the team manages follows the IdP's names; an active user joins when the account is new, is
 * already a member, or is managed by the team, and is invited otherwise; an inactive one is
 * blocked as far as the team may. `linked` is what the scim_users insert takes from them.
 */
async function createLinkStatements(
	db: Db,
	ctx: UserWriteContext,
	link: {
		email: string;
		input: NormalizedUser;
		active: boolean;
		scimUserId: string;
		teamName: string;
	},
): Promise<{
	before: Statement[];
	after: Statement[];
	linked: { accountId: SQL<string>; state: SQL<ScimUserState>; joinedAt: SQL<string | null> };
}> {
	const emailKey = foldCase(link.email);
	const newAccountId = crypto.randomUUID();
	const theAccount = eq(accounts.emailKey, emailKey);
	const accountId = sql<string>`(select ${accounts.id} from ${accounts} where ${theAccount})`;
	const isMember = sql`exists (select 1 from ${memberships} where ${memberships.teamId} = ${ctx.teamId} and ${memberships.accountId} = ${accountId})`;
	const before: Statement[] = [
		db
			.insert(accounts)
			.values({
				id: newAccountId,
				email: link.email,
				emailKey,
				givenName: link.input.givenName ?? null,
				familyName: link.input.familyName ?? null,
				createdByTeamId: ctx.teamId,
				createdAt: ctx.now,
				updatedAt: ctx.now,
			})
			.onConflictDoNothing(),
		// An existing account the team manages follows the IdP's names (never its email here).
		db
			.update(accounts)
			.set({
				givenName: link.input.givenName ?? null,
				familyName: link.input.familyName ?? null,
				updatedAt: ctx.now,
			})
			.where(
				and(
					theAccount,
					sql`${accounts.id} <> ${newAccountId}`,
					sql`${managingTeamSql()} = ${ctx.teamId}`,
					sql`(${accounts.givenName} is not ${link.input.givenName ?? null} or ${accounts.familyName} is not ${link.input.familyName ?? null})`,
				),
			),
	];
	if (!link.active) {
		before.push(...deactivateStatements(db, ctx, link.scimUserId, accountId));
		return {
			before,
			after: [],
			linked: { accountId, state: sql`'deactivated'`, joinedAt: sql`null` },
		};
	}
	before.push(
		unblockStatement(db, ctx, accountId),
		// Joins a new account, or one the team manages; a member stays one (its row conflicts).
		insertSelected(
			db,
			memberships,
			{ teamId: ctx.teamId, accountId: accounts.id, role: "developer", createdAt: ctx.now },
			accounts,
			and(theAccount, or(eq(accounts.id, newAccountId), sql`${managingTeamSql()} = ${ctx.teamId}`)),
		),
	);
	// Anyone else gets an invite, to the email their account has.
	const invite = await inviteStatements(db, {
		teamId: ctx.teamId,
		teamName: link.teamName,
		recipient: { emailKey, when: sql`not ${isMember}` },
		scimUserId: link.scimUserId,
		origin: ctx.origin,
		now: ctx.now,
		ttlMs: ctx.inviteTtlMs,
		emailsPerDay: ctx.inviteEmailsPerDay,
	});
	return {
		before,
		after: invite.statements,
		linked: {
			accountId,
			state: sql`case when ${isMember} then 'active' else 'invited' end`,
			joinedAt: sql`case when ${isMember} then ${ctx.now} else null end`,
		},
	};
}

/**
 * Replaces a SCIM user's resource (PUT, the result of a PATCH, an admin's removal): renames,
 * email changes, linking a first email, and activation changes with their product effects.
 * `input.active` absent keeps the user's state: a PUT that leaves it out must not reactivate or
 * deactivate anyone by accident.
 */
export async function updateUser(
	db: Db,
	ctx: UserWriteContext,
	loaded: LoadedUser,
	input: NormalizedUser,
	action: string,
): Promise<Result<ScimUserRow>> {
	const current = loaded.user;
	const active = input.active ?? current.active;
	const resource = { ...input.resource, active };
	const tooBig = checkUserResourceLimits(resource);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	const changes = changedAttributes(current.resource, resource);
	if (changes.length === 0) {
		return ok(current);
	}
	if (foldCase(input.userName) !== current.userNameKey) {
		const other = await findScimUserByUserName(db, ctx.teamId, input.userName);
		if (other && other.id !== current.id) {
			return err(userNameTaken(input.userName));
		}
	}
	const email = linkingEmail(input);
	const statements: Statement[] = [];
	let state: ScimUserState = current.state;
	let joinedAt = current.joinedAt;
	let accountId = current.accountId;

	if (loaded.account === null && email !== null) {
		// The first email of an unlinked user links it, by the same rules as a create.
		const reads = await readForCreate(db, ctx.teamId, input.userName, email);
		if (reads.account && reads.linked && reads.linked.id !== current.id) {
			return err(emailTaken());
		}
		const link = linkAccount(db, ctx, email, input, reads.account, reads.role !== null, statements);
		const settled = await settleMembership(db, ctx, {
			scimUserId: current.id,
			teamName: reads.team?.name ?? ctx.teamId,
			link,
			wasActive: null,
			joinedAt,
			active,
			statements,
		});
		({ state, joinedAt } = settled);
		accountId = link.account.id;
	} else if (loaded.account !== null) {
		const account = loaded.account;
		const managed = account.managingTeamId === ctx.teamId;
		if (managed) {
			statements.push(...(await managedAccountWrites(db, ctx, account, input, email)));
		}
		if (active !== current.active) {
			// Only a reactivation may join or invite, so only it reads the team's name and the
			// membership: a deactivation (an IdP's hottest write) costs no extra round trip.
			const settled = await settleMembership(db, ctx, {
				scimUserId: current.id,
				teamName: active ? ((await getTeam(db, ctx.teamId))?.name ?? ctx.teamId) : ctx.teamId,
				link: {
					account,
					managed,
					isMember: active && (await getMembershipRole(db, ctx.teamId, account.id)) !== null,
					created: false,
				},
				wasActive: current.active,
				joinedAt,
				active,
				statements,
			});
			({ state, joinedAt } = settled);
		}
	}

	const row: ScimUserRow = {
		...current,
		...indexedColumns(input, email, active),
		state,
		accountId,
		joinedAt,
		resource,
		version: current.version + 1,
		updatedAt: ctx.now,
	};
	statements.push(
		db
			.update(scimUsers)
			.set({
				...indexedColumns(input, email, active),
				state: row.state,
				accountId: row.accountId,
				joinedAt: row.joinedAt,
				resource: row.resource,
				version: row.version,
				updatedAt: row.updatedAt,
			})
			.where(and(eq(scimUsers.id, current.id), eq(scimUsers.version, current.version))),
		// A stale version (a write outside the team's queue) aborts the whole batch: no email
		// rows, account or log row are written around an update that did nothing.
		versionGuard(db, "scim_users"),
		db.delete(scimUserEmails).where(eq(scimUserEmails.scimUserId, current.id)),
	);
	statements.push(...emailInserts(db, emailRows(ctx.teamId, current.id, input.emails)));
	statements.push(
		insertEvent(db, {
			...eventBase(ctx, action, row),
			detail: updateDetail(action, current.active, active, state),
			changes: attributeChanges(current.resource, resource),
		}),
	);
	const written = await runUserBatch(db, ctx, statements);
	return written.ok ? ok(row) : written;
}

/** Applies a PATCH to the stored resource, then writes it exactly as a PUT of the result would. */
export async function patchUser(
	db: Db,
	ctx: UserWriteContext,
	loaded: LoadedUser,
	operations: PatchOperation[],
): Promise<Result<ScimUserRow>> {
	const input = patchedInput(loaded.user, operations);
	if (!input.ok || input.value === null) {
		return input.ok ? ok(loaded.user) : input;
	}
	return updateUser(db, ctx, loaded, input.value, "user.patch");
}

/**
 * The user a PATCH makes of the stored one, as the normalizer makes a POST or PUT body, so PATCH
 * refuses exactly what they refuse (a blank userName, a wrong type, an over-long name); null when
 * the operations change nothing.
 */
export function patchedInput(
	current: ScimUserRow,
	operations: PatchOperation[],
): Result<NormalizedUser | null> {
	const patched = applyPatch(current.resource, operations, USER_RESOURCE_TYPE);
	if (!patched.ok) {
		return patched;
	}
	return patched.value.changed
		? normalizeUserResource(patched.value.resource, USER_RESOURCE_TYPE)
		: ok(null);
}

/**
 * A plain deactivation (the write changes `active` from true to false and nothing else: Okta's
 * and Entra's deactivate), decided from the user's row alone and written in one batch, or null
 * when the write is anything else, or the row turned out stale, so the caller takes the full
 * path (load, then updateUser). The team object calls it with its copy of the row.
 *
 * Nothing but the row is needed: the membership goes and sign-in is blocked as far as the team
 * may, decided as the batch runs (deactivateStatements), and since no name or email changes,
 * there is nothing to write to the account. The version guard makes a stale row a no-op.
 */
export async function deactivateFromRow(
	db: Db,
	ctx: UserWriteContext,
	current: ScimUserRow,
	input: NormalizedUser,
	action: string,
): Promise<Result<ScimUserRow> | null> {
	const resource = { ...input.resource, active: false };
	const plain =
		input.active === false &&
		current.active &&
		current.accountId !== null &&
		changedAttributes(current.resource, resource).join() === "active";
	if (!plain || current.accountId === null) {
		return null;
	}
	const row: ScimUserRow = {
		...current,
		active: false,
		state: "deactivated",
		resource,
		version: current.version + 1,
		updatedAt: ctx.now,
	};
	const written = await runUserBatch(db, ctx, [
		db
			.update(scimUsers)
			.set({
				active: false,
				state: row.state,
				resource,
				version: row.version,
				updatedAt: row.updatedAt,
			})
			.where(and(eq(scimUsers.id, current.id), eq(scimUsers.version, current.version))),
		versionGuard(db, "scim_users"),
		...deactivateStatements(db, ctx, current.id, current.accountId),
		insertEvent(db, {
			...eventBase(ctx, action, row),
			detail: updateDetail(action, true, false, row.state),
			changes: attributeChanges(current.resource, resource),
		}),
	]);
	return written.ok ? ok(row) : null;
}

/** Deletes a SCIM user: deactivates the person and detaches the resource; the account stays. */
export async function deleteUser(
	db: Db,
	ctx: UserWriteContext,
	current: ScimUserRow,
): Promise<Result<null>> {
	const statements: Statement[] = [];
	if (current.active && current.accountId !== null) {
		statements.push(...deactivateStatements(db, ctx, current.id, current.accountId));
	} else {
		// A deactivation revokes the pending invites itself. An inactive user should have none left;
		// revoking anyway keeps a DELETE final even if one survived.
		statements.push(...revokePendingInvites(db, current.id, ctx.now));
	}
	statements.push(
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
		db
			.delete(scimUsers)
			.where(and(eq(scimUsers.id, current.id), eq(scimUsers.version, current.version))),
		// A user that changed or went since `current` was read deletes nothing, and nothing else.
		versionGuard(db, "scim_users"),
		insertEvent(db, {
			...eventBase(ctx, "user.delete", current),
			detail: "Deleted: deactivated and detached; the account and its data are kept.",
		}),
	);
	const written = await runUserBatch(db, ctx, statements);
	return written.ok ? ok(null) : written;
}

/**
 * Deactivates a SCIM user because a team admin removed the member (or the member left): the IdP
 * then reads `active: false`, and its next `active: true` reactivates them by the usual rules.
 */
export function deactivateByRemoval(
	db: Db,
	ctx: UserWriteContext,
	loaded: LoadedUser,
	action: "member.remove" | "member.leave",
): Promise<Result<ScimUserRow>> {
	const input = normalizeUserResource(loaded.user.resource, USER_RESOURCE_TYPE);
	if (!input.ok) {
		return Promise.resolve(input);
	}
	return updateUser(db, ctx, loaded, { ...input.value, active: false }, action);
}

/**
 * Loads a SCIM user and its account for a write, in one D1 round trip (each one holds up the
 * team's queue), or the 404 to answer.
 */
export async function loadUser(db: Db, teamId: string, id: string): Promise<Result<LoadedUser>> {
	const found = await getScimUserWithAccount(db, teamId, id);
	return found ? ok(found) : err(scimErrors.notFound(`User ${id} not found.`).toData());
}

/** The account a user links to, and what the team may do with it. */
interface AccountLink {
	account: AccountWithManager;
	/** This team manages the account. */
	managed: boolean;
	/** The account is already a member of this team. */
	isMember: boolean;
	/** The account is created by this very write. */
	created: boolean;
}

/**
 * The account a linking email leads to: the existing one, or a new one this team creates (and
 * so manages, unless another team has verified the email's domain). Never writes to an
 * existing account the team does not manage.
 */
function linkAccount(
	db: Db,
	ctx: UserWriteContext,
	email: string,
	input: NormalizedUser,
	existing: AccountWithManager | null,
	isMember: boolean,
	statements: Statement[],
): AccountLink {
	if (existing) {
		const managed = existing.managingTeamId === ctx.teamId;
		if (managed) {
			statements.push(...nameWrites(db, ctx, existing, input));
		}
		return { account: existing, managed, isMember, created: false };
	}
	const account: AccountWithManager = {
		id: crypto.randomUUID(),
		email,
		emailKey: foldCase(email),
		givenName: input.givenName ?? null,
		familyName: input.familyName ?? null,
		createdByTeamId: ctx.teamId,
		createdAt: ctx.now,
		updatedAt: ctx.now,
		managingTeamId: ctx.teamId,
	};
	const { managingTeamId: _, ...row } = account;
	statements.push(db.insert(accounts).values(row));
	return { account, managed: true, isMember: false, created: true };
}

/**
 * The membership effects of a user's activation (on create, on linking, on a change of
 * `active`): deactivation removes this team's membership and blocks sign-in to this team (and
 * everywhere when the team manages the account); activation joins a person this team manages,
 * already has, or had before, and invites anyone else.
 */
async function settleMembership(
	db: Db,
	ctx: UserWriteContext,
	step: {
		scimUserId: string;
		teamName: string;
		link: AccountLink;
		/** Whether the user was active before; null when the link is new. */
		wasActive: boolean | null;
		joinedAt: string | null;
		active: boolean;
		statements: Statement[];
	},
): Promise<{ state: ScimUserState; joinedAt: string | null }> {
	const { link, statements } = step;
	const accountId = link.account.id;
	if (!step.active) {
		statements.push(...deactivateStatements(db, ctx, step.scimUserId, accountId));
		return { state: "deactivated", joinedAt: step.joinedAt };
	}
	statements.push(unblockStatement(db, ctx, accountId));
	if (link.isMember || link.managed || step.joinedAt !== null) {
		if (!link.isMember) {
			statements.push(
				db.insert(memberships).values({
					teamId: ctx.teamId,
					accountId,
					role: "developer",
					createdAt: ctx.now,
				}),
			);
		}
		return { state: "active", joinedAt: step.joinedAt ?? ctx.now };
	}
	const invite = await inviteStatements(db, {
		teamId: ctx.teamId,
		teamName: step.teamName,
		recipient: { accountId, email: link.account.email },
		scimUserId: step.scimUserId,
		origin: ctx.origin,
		now: ctx.now,
		ttlMs: ctx.inviteTtlMs,
		emailsPerDay: ctx.inviteEmailsPerDay,
	});
	statements.push(...invite.statements);
	return { state: "invited", joinedAt: step.joinedAt };
}

/**
 * Deactivation: this team's membership goes, and sign-in is blocked as far as the team may,
 * decided as the batch runs (blockScopeSql), so it needs no read of who manages the account.
 */
function deactivateStatements(
	db: Db,
	ctx: UserWriteContext,
	scimUserId: string,
	accountId: string | SQL<string>,
): Statement[] {
	return [
		db
			.delete(memberships)
			.where(and(eq(memberships.teamId, ctx.teamId), eq(memberships.accountId, accountId))),
		insertSelected(
			db,
			accountBlocks,
			{
				accountId: accounts.id,
				teamId: ctx.teamId,
				scope: blockScopeSql(ctx.teamId),
				createdAt: ctx.now,
			},
			accounts,
			eq(accounts.id, accountId),
		).onConflictDoUpdate({
			target: [accountBlocks.accountId, accountBlocks.teamId],
			set: { scope: sql`excluded.scope` },
		}),
		...revokePendingInvites(db, scimUserId, ctx.now),
	];
}

function unblockStatement(db: Db, ctx: UserWriteContext, accountId: string | SQL<string>) {
	return db
		.delete(accountBlocks)
		.where(and(eq(accountBlocks.accountId, accountId), eq(accountBlocks.teamId, ctx.teamId)));
}

/**
 * The writes a managing team makes to the account itself: it follows the IdP's name and email.
 * An email that another account already holds is not taken over: the account keeps its own,
 * and the answer is the same 200 as for a free email, so a team cannot probe which emails have
 * accounts elsewhere (docs/architecture.md "Accounts and team authority").
 */
async function managedAccountWrites(
	db: Db,
	ctx: UserWriteContext,
	account: AccountWithManager,
	input: NormalizedUser,
	email: string | null,
): Promise<Statement[]> {
	const statements = nameWrites(db, ctx, account, input);
	if (email !== null && foldCase(email) !== account.emailKey) {
		statements.push(
			db
				.update(accounts)
				.set({ email, emailKey: foldCase(email), updatedAt: ctx.now })
				.where(
					and(
						eq(accounts.id, account.id),
						sql`not exists (select 1 from accounts other where other.email_key = ${foldCase(email)} and other.id <> ${account.id})`,
					),
				),
		);
	}
	return statements;
}

function nameWrites(
	db: Db,
	ctx: UserWriteContext,
	account: AccountWithManager,
	input: NormalizedUser,
): Statement[] {
	const givenName = input.givenName ?? null;
	const familyName = input.familyName ?? null;
	if (givenName === account.givenName && familyName === account.familyName) {
		return [];
	}
	return [
		db
			.update(accounts)
			.set({ givenName, familyName, updatedAt: ctx.now })
			.where(eq(accounts.id, account.id)),
	];
}

/** The scim_users columns that mirror the resource, for filters, uniqueness and the account link. */
function indexedColumns(input: NormalizedUser, email: string | null, active: boolean) {
	return {
		userName: input.userName,
		userNameKey: foldCase(input.userName),
		externalId: input.externalId ?? null,
		displayName: input.displayName ?? null,
		givenName: input.givenName ?? null,
		familyName: input.familyName ?? null,
		email,
		active,
	};
}

/** The inserts of a user's email rows, chunked under D1's 100 bound parameters per statement. */
function emailInserts(db: Db, rows: ReturnType<typeof emailRows>): Statement[] {
	return chunkRows(rows, Object.keys(getTableColumns(scimUserEmails)).length).map((chunk) =>
		db.insert(scimUserEmails).values(chunk),
	);
}

function eventBase(ctx: UserWriteContext, action: string, user: ScimUserRow) {
	return successEvent(ctx, action, { type: "User", id: user.id, label: user.userName });
}

function updateDetail(
	action: string,
	wasActive: boolean,
	active: boolean,
	state: ScimUserState,
): string {
	if (action === "member.remove") {
		return `Removed from the team by a team admin: the SCIM user is now active: false; ${stateDetail(state)}`;
	}
	if (action === "member.leave") {
		return `Left the team: the SCIM user is now active: false; ${stateDetail(state)}`;
	}
	const activeChange = wasActive === active ? "" : active ? "; reactivated" : "; deactivated";
	return `Updated${activeChange}; ${stateDetail(state)}`;
}

function stateDetail(state: ScimUserState): string {
	switch (state) {
		case "active":
			return "active member, may sign in";
		case "invited":
			return "the account exists outside the team, an invite was sent";
		case "deactivated":
			return "not a member, sign-in to the team blocked";
		case "unlinked":
			return "no email yet: no account, membership or sign-in until one arrives";
	}
}

/** The detail of a userName collision found by the unique index (createUser names the userName). */
const USER_NAME_TAKEN = "userName is already taken in this team.";

/** The detail of the uniqueness error that means another team's object created the account first. */
const ACCOUNT_RACE = "The account was created concurrently; try again.";

async function runUserBatch(
	db: Db,
	ctx: UserWriteContext,
	statements: Statement[],
): Promise<Result<unknown[]>> {
	try {
		return ok(await commitWrite(db, ctx, statements));
	} catch (error) {
		if (isStaleWrite(error, "scim_users")) {
			return err(
				scimErrors
					.preconditionFailed(
						"The User changed while this write ran, so nothing was written; read it again and retry.",
					)
					.toData(),
			);
		}
		const index = uniqueViolation(error);
		if (index === null) {
			throw error;
		}
		return err(uniquenessError(index));
	}
}

function uniquenessError(index: string): ScimErrorData {
	if (index.includes("user_name")) {
		return scimErrors.uniqueness(USER_NAME_TAKEN).toData();
	}
	if (index.includes("accounts_email")) {
		return scimErrors.uniqueness(ACCOUNT_RACE).toData();
	}
	if (index.includes("team_account")) {
		return emailTaken();
	}
	return scimErrors.uniqueness("A unique value is already in use.").toData();
}

function teamNotFound(): ScimErrorData {
	return scimErrors.notFound("Team not found.").toData();
}

function userNameTaken(userName: string): ScimErrorData {
	return scimErrors.uniqueness(`userName "${userName}" is already taken in this team.`).toData();
}

function emailTaken(): ScimErrorData {
	return scimErrors
		.uniqueness("Another user of this team is already provisioned with that email.")
		.toData();
}
