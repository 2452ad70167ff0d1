import { and, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import { blockScopeSql, managingTeamSql, readEmailMoveFacts } from "../db/authority";
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
import { emailRows, groupsColumn, groupsFromColumn, type UserGroup } from "../db/scim-users";
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
	/** The team's name, for invite emails (the team object remembers it); read when not given. */
	teamName?: () => Promise<string | undefined>;
	/**
	 * The id of the team's user known to hold this userName key (foldCase), from the team object's
	 * memory of committed rows; undefined when it knows of none, and the unique index decides.
	 */
	userNameHolder?: (userNameKey: string) => string | undefined;
}

/**
 * What a user write leaves: the user's row, and the groups the user belongs to when the write's
 * batch read them (a create: none yet; an update: read by its own UPDATE, see UPDATED_OUTCOME),
 * null when the write sent no batch (nothing changed), so whoever answers reads them itself.
 */
export interface UserWrite {
	row: ScimUserRow;
	groups: UserGroup[] | null;
}

/** Sends a write's statements through the context's commit, else as a batch of their own. */
export function commitWrite(db: Db, ctx: { commit?: Commit }, statements: Statement[]) {
	return ctx.commit ? ctx.commit(statements) : runBatch(db, statements);
}

/**
 * The email that links a SCIM user to an account: the primary (else first) email, else the
 * userName (Okta's default userName is the login email), whichever is first shaped like an email.
 * Null: unlinked. A value that is no email ("N/A", a placeholder) never names an account, or the
 * users of every team that sends it would share one.
 */
export function linkingEmail(input: Pick<NormalizedUser, "email" | "userName">): string | null {
	return [input.email, input.userName].map((value) => value?.trim()).find(isEmailShaped) ?? null;
}

function isEmailShaped(value: string | undefined): value is string {
	return value !== undefined && /^[^\s@]+@[^\s@]+$/.test(value);
}

/**
 * Creates a SCIM user: a new account and membership, a link to a member, an invite, or unlinked,
 * in one D1 batch with no read before it. What an existing account means for the team is
 * decided by the statements themselves as the batch runs (linkStatements), so an account
 * another team's object creates at the same moment is simply the existing account; the unique
 * indexes refuse a taken userName or an account already linked in this team (409).
 */
export async function createUser(
	db: Db,
	ctx: UserWriteContext,
	input: NormalizedUser,
): Promise<Result<UserWrite>> {
	// A create without `active` makes an active user: RFC 7643 §4.1.1 leaves the default to us.
	const active = input.active ?? true;
	const resource = { ...input.resource, active };
	const tooBig = checkUserResourceLimits(resource);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	if (ctx.userNameHolder?.(foldCase(input.userName)) !== undefined) {
		return err(userNameTaken(input.userName));
	}
	const teamName = await teamNameOf(db, ctx);
	if (teamName === undefined) {
		return err(teamNotFound());
	}
	const email = linkingEmail(input);
	const id = crypto.randomUUID();
	const row: ScimUserRow = {
		id,
		teamId: ctx.teamId,
		...indexedColumns(input, email, active),
		state: "unlinked",
		accountId: null,
		joinedAt: null,
		resource,
		version: 1,
		createdAt: ctx.now,
		updatedAt: ctx.now,
	};
	const settled: MembershipStatements =
		email === null
			? { before: [], after: [] }
			: await linkStatements(db, ctx, { email, input, active, scimUserId: id, teamName });
	const statements: Statement[] = [
		...settled.before,
		db
			.insert(scimUsers)
			.values({ ...row, ...settled.linked })
			.returning(STORED_OUTCOME),
		...settled.after,
		...emailInserts(db, emailRows(ctx.teamId, id, input.emails)),
		insertEvent(db, {
			...eventBase(ctx, "user.create", row),
			detail: detailOfState(id, (state) => `Created; ${stateDetail(state)}`),
			changes: attributeChanges({}, resource),
		}),
	];
	return commitUserRow(db, ctx, statements, settled.before.length, row);
}

/**
 * Sends a user write's batch and answers the row it wrote: `row` with what the batch decided
 * about the user (STORED_OUTCOME), returned by the statement at `outcomeAt`, and the user's
 * groups when that statement returned them (UPDATED_OUTCOME); a user just created has none.
 */
async function commitUserRow(
	db: Db,
	ctx: UserWriteContext,
	statements: Statement[],
	outcomeAt: number,
	row: ScimUserRow,
): Promise<Result<UserWrite>> {
	const written = await runUserBatch(db, ctx, statements);
	if (!written.ok) {
		return written.error.detail === USER_NAME_TAKEN ? err(userNameTaken(row.userName)) : written;
	}
	const [stored] = written.value[outcomeAt] as (StoredOutcome & { groups?: string })[];
	if (stored === undefined) {
		return ok({ row, groups: null });
	}
	const { groups, ...outcome } = stored;
	return ok({
		row: { ...row, ...outcome },
		groups: groups === undefined ? [] : groupsFromColumn(groups),
	});
}

/** The team's name, for invite emails: as the team object remembers it, else read. */
async function teamNameOf(db: Db, ctx: UserWriteContext): Promise<string | undefined> {
	return ctx.teamName ? ctx.teamName() : (await getTeam(db, ctx.teamId))?.name;
}

/** What a write's batch decides about the user, read back with RETURNING. */
const STORED_OUTCOME = {
	state: scimUsers.state,
	accountId: scimUsers.accountId,
	joinedAt: scimUsers.joinedAt,
};

type StoredOutcome = Pick<ScimUserRow, "state" | "accountId" | "joinedAt">;

/**
 * What an update reads back: STORED_OUTCOME and the user's groups. A user write never changes
 * the user's groups, and the update's own statement reads them, so the answer needs no read
 * beside the write.
 */
const UPDATED_OUTCOME = { ...STORED_OUTCOME, groups: groupsColumn };

/**
 * The statements of a write's membership effects that the batch decides as it runs: `before`
 * goes ahead of the user's own insert or update, `after` behind it, and `linked` are the user's
 * columns that come from them.
 */
interface MembershipStatements {
	before: Statement[];
	after: Statement[];
	linked?: {
		accountId?: SQL<string>;
		state?: SQL<ScimUserState>;
		joinedAt?: SQL<string | null>;
	};
}

/** The log detail of a write, by the state its batch left the user in. */
function detailOfState(scimUserId: string, detail: (state: ScimUserState) => string): SQL<string> {
	const state = sql`(select ${scimUsers.state} from ${scimUsers} where ${scimUsers.id} = ${scimUserId})`;
	return sql<string>`case ${state} ${sql.join(
		STATES.map((s) => sql`when ${s} then ${detail(s)}`),
		sql` `,
	)} end`;
}

/** Whether the account in `accounts` (the statement's row) is managed by the team. */
function managedByTeam(teamId: string): SQL {
	return sql`${managingTeamSql()} = ${teamId}`;
}

const STATES: readonly ScimUserState[] = ["active", "invited", "deactivated", "unlinked"];

/**
 * The statements that link a SCIM user (new, or unlinked until now) to the account of its email,
 * by the product rules, decided by the batch as it runs: the account is created unless one has
 * the email (`on conflict do nothing`); an existing account the team manages follows the IdP's
 * names; an active user joins when the team manages the account (a new one it created, outside
 * a domain another team has verified) or it is already a member, and is invited otherwise; an
 * inactive one is blocked as far as the team may. An account another team's object creates at
 * the same moment is simply the existing account.
 */
async function linkStatements(
	db: Db,
	ctx: UserWriteContext,
	link: {
		email: string;
		input: NormalizedUser;
		active: boolean;
		scimUserId: string;
		teamName: string;
	},
): Promise<MembershipStatements> {
	const emailKey = foldCase(link.email);
	const newAccountId = crypto.randomUUID();
	const account = eq(accounts.emailKey, emailKey);
	const accountId = sql<string>`(select ${accounts.id} from ${accounts} where ${account})`;
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
		...nameWrites(db, ctx, and(account, sql`${accounts.id} <> ${newAccountId}`), link.input),
	];
	if (!link.active) {
		before.push(...deactivateStatements(db, ctx, link.scimUserId, accountId));
		return { before, after: [], linked: { accountId, state: sql`'deactivated'` } };
	}
	const settled = await joinOrInviteStatements(db, ctx, {
		before,
		account,
		accountId,
		// Decided after the account's insert above: a new account the team created manages itself
		// into the team, unless its domain is another team's, whose people join only by invite.
		joinsWhen: managedByTeam(ctx.teamId),
		scimUserId: link.scimUserId,
		teamName: link.teamName,
		joinedAt: null,
	});
	return { ...settled, linked: { ...settled.linked, accountId } };
}

/**
 * An activation's effects (on create, on linking, on reactivation), decided by the batch: the
 * team's block goes; the account joins the team when `joinsWhen` holds for it (always, when
 * undefined), and a member stays one; anyone who is then not a member is invited, to the email
 * their account has. The user's state and join time follow from the membership.
 */
async function joinOrInviteStatements(
	db: Db,
	ctx: UserWriteContext,
	step: {
		before: Statement[];
		/** Selects the account's row in `accounts`. */
		account: SQL | undefined;
		accountId: string | SQL<string>;
		joinsWhen: SQL | undefined;
		scimUserId: string;
		teamName: string;
		joinedAt: string | null;
	},
): Promise<MembershipStatements> {
	const isMember = sql`exists (select 1 from ${memberships} where ${memberships.teamId} = ${ctx.teamId} and ${memberships.accountId} = ${step.accountId})`;
	const invite = await inviteStatements(db, {
		teamId: ctx.teamId,
		teamName: step.teamName,
		recipient: { where: and(step.account, sql`not ${isMember}`) },
		scimUserId: step.scimUserId,
		origin: ctx.origin,
		now: ctx.now,
		ttlMs: ctx.inviteTtlMs,
		emailsPerDay: ctx.inviteEmailsPerDay,
	});
	return {
		before: [
			...step.before,
			unblockStatement(db, ctx, step.accountId),
			insertSelected(
				db,
				memberships,
				{ teamId: ctx.teamId, accountId: accounts.id, role: "developer", createdAt: ctx.now },
				accounts,
				and(step.account, step.joinsWhen),
			).onConflictDoNothing(),
		],
		after: invite.statements,
		linked: {
			state: sql`case when ${isMember} then 'active' else 'invited' end`,
			joinedAt: sql`case when ${isMember} then ${step.joinedAt ?? ctx.now} else ${step.joinedAt} end`,
		},
	};
}

/**
 * Replaces a SCIM user's resource (PUT, the result of a PATCH, an admin's removal): renames,
 * email changes, linking a first email, and activation changes with their product effects,
 * decided from the user's row alone and written in one D1 batch: what the account allows (is it
 * managed by this team, a member, linked elsewhere) is decided by the statements as the batch
 * runs. `input.active` absent keeps the user's state: a PUT that leaves it out must not
 * reactivate or deactivate anyone by accident. The row's version guards the batch, so a row that
 * changed since it was read answers 412 and writes nothing.
 */
export async function updateUser(
	db: Db,
	ctx: UserWriteContext,
	current: ScimUserRow,
	input: NormalizedUser,
	action: string,
	retried = false,
): Promise<Result<UserWrite>> {
	const active = input.active ?? current.active;
	const resource = { ...input.resource, active };
	const tooBig = checkUserResourceLimits(resource);
	if (tooBig !== undefined) {
		return err(tooBig.toData());
	}
	const changed = changedAttributes(current.resource, resource);
	if (changed.length === 0) {
		return ok({ row: current, groups: null });
	}
	const holder = ctx.userNameHolder?.(foldCase(input.userName));
	if (holder !== undefined && holder !== current.id) {
		return err(userNameTaken(input.userName));
	}
	const email = linkingEmail(input);
	const move =
		current.accountId !== null && email !== null
			? await emailMove(db, ctx, current.accountId, current.email, email)
			: "none";
	const needsTeamName =
		active && (current.accountId === null || !current.active || move === "relink");
	const teamName = needsTeamName ? ((await teamNameOf(db, ctx)) ?? ctx.teamId) : ctx.teamId;
	let settled: MembershipStatements = { before: [], after: [] };
	if (move === "relink" && current.accountId !== null && email !== null) {
		// The team's link leaves the account and follows the new email, by the rules of a create:
		// the team's membership and pending invites of the old account end first. The join time
		// was the old account's: a user moved while inactive comes back only by those rules.
		const linked = await linkStatements(db, ctx, {
			email,
			input,
			active,
			scimUserId: current.id,
			teamName,
		});
		settled = {
			...linked,
			before: [...detachStatements(db, ctx, current.id, current.accountId), ...linked.before],
			linked: { joinedAt: sql`null`, ...linked.linked },
		};
	} else if (current.accountId === null && email !== null) {
		// The first email of an unlinked user links it, by the same rules as a create.
		settled = await linkStatements(db, ctx, {
			email,
			input,
			active,
			scimUserId: current.id,
			teamName,
		});
	} else if (current.accountId !== null) {
		const accountId = current.accountId;
		const account = eq(accounts.id, accountId);
		// The account follows the attributes it copies, so a write that changes none of them (a
		// deactivation, a new title) has nothing to send it.
		if (changed.some((name) => ACCOUNT_SOURCES.has(name))) {
			// The account takes the user's email only on a "rename"; a rename that another write
			// beat to the email aborts the batch, and the write is decided again. Any other write
			// leaves the account's email as it is: an admin's ("keep") stays, whatever the IdP
			// sends next.
			const accountEmail = move === "rename" ? email : null;
			settled.before.push(...managedAccountWrites(db, ctx, account, input, accountEmail));
			if (move === "rename") {
				settled.before.push(versionGuard(db, "accounts"));
			}
		}
		if (!active && current.active) {
			settled.before.push(...deactivateStatements(db, ctx, current.id, accountId));
			settled.linked = { state: sql`'deactivated'` };
		} else if (active && !current.active) {
			settled = await joinOrInviteStatements(db, ctx, {
				before: settled.before,
				account,
				accountId,
				// A person who was a member before comes back; otherwise only one the team manages.
				joinsWhen: current.joinedAt === null ? managedByTeam(ctx.teamId) : undefined,
				scimUserId: current.id,
				teamName,
				joinedAt: current.joinedAt,
			});
		}
	}
	const row: ScimUserRow = {
		...current,
		...indexedColumns(input, email, active),
		resource,
		version: current.version + 1,
		updatedAt: ctx.now,
	};
	const statements: Statement[] = [
		...settled.before,
		db
			.update(scimUsers)
			.set({
				...indexedColumns(input, email, active),
				...settled.linked,
				resource,
				version: row.version,
				updatedAt: row.updatedAt,
			})
			.where(and(eq(scimUsers.id, current.id), eq(scimUsers.version, current.version)))
			.returning(UPDATED_OUTCOME),
		// A stale version (a write outside the team's queue) aborts the whole batch: no email
		// rows, account or log row are written around an update that did nothing.
		versionGuard(db, "scim_users"),
		...settled.after,
		...(changed.includes("displayName") || changed.includes("userName")
			? [touchGroupsOf(db, ctx, current.id)]
			: []),
		// The email rows mirror `emails`: rewritten only when it changed (not for a deactivation).
		...(changed.includes("emails")
			? [
					db.delete(scimUserEmails).where(eq(scimUserEmails.scimUserId, current.id)),
					...emailInserts(db, emailRows(ctx.teamId, current.id, input.emails)),
				]
			: []),
		insertEvent(db, {
			...eventBase(ctx, action, row),
			detail: detailOfState(current.id, (state) =>
				updateDetail(action, current.active, active, state),
			),
			changes: attributeChanges(current.resource, resource),
		}),
	];
	const written = await commitUserRow(db, ctx, statements, settled.before.length, row);
	if (!written.ok && written.error.detail === ACCOUNT_EMAIL_TAKEN && !retried) {
		// Another write gave the new email to an account between the facts and the batch.
		return updateUser(db, ctx, current, input, action, true);
	}
	return written;
}

/** Applies a PATCH to the stored resource, then writes it exactly as a PUT of the result would. */
export async function patchUser(
	db: Db,
	ctx: UserWriteContext,
	current: ScimUserRow,
	operations: PatchOperation[],
): Promise<Result<UserWrite>> {
	const input = patchedInput(current, operations);
	if (!input.ok || input.value === null) {
		return input.ok ? ok({ row: current, groups: null }) : input;
	}
	return updateUser(db, ctx, current, input.value, "user.patch");
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
		touchGroupsOf(db, ctx, current.id),
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
	current: ScimUserRow,
	action: "member.remove" | "member.leave",
): Promise<Result<UserWrite>> {
	const input = normalizeUserResource(current.resource, USER_RESOURCE_TYPE);
	if (!input.ok) {
		return Promise.resolve(input);
	}
	return updateUser(db, ctx, current, { ...input.value, active: false }, action);
}

/**
 * What a linked user's new linking email does to its link (docs/architecture.md "Product
 * rules"): "none" when the email did not change (or the account has it already); "rename" when
 * the account may take it (the team manages the account, no other account holds the email, and
 * no other team has verified its domain), so managedAccountWrites renames it; "keep" for a team
 * admin's account, which neither follows an IdP's edit nor leaves the team over it; otherwise
 * "relink": the link follows the email to that email's account. So the team's user, its
 * membership and its sign-in belong to the account of the email the IdP sends, and no later
 * create can learn from a link left behind whether an email has an account elsewhere. A user
 * whose email was cleared (a placeholder, a removal) kept its link; its next email is judged
 * against the account's, not against no email.
 */
async function emailMove(
	db: Db,
	ctx: UserWriteContext,
	accountId: string,
	oldEmail: string | null,
	newEmail: string,
): Promise<"none" | "rename" | "keep" | "relink"> {
	const newEmailKey = foldCase(newEmail);
	if (oldEmail !== null && foldCase(oldEmail) === newEmailKey) {
		return "none";
	}
	const facts = await readEmailMoveFacts(db, ctx.teamId, accountId, newEmailKey);
	if (facts.hasEmail) {
		return "none";
	}
	if (facts.role === "admin") {
		return "keep";
	}
	return facts.managed && facts.emailFree && !facts.domainElsewhere ? "rename" : "relink";
}

/**
 * A link leaving its account: the team's membership of the account and the user's pending
 * invites end. Not a deactivation: the account is not blocked, the person moves to another one.
 */
function detachStatements(
	db: Db,
	ctx: UserWriteContext,
	scimUserId: string,
	accountId: string,
): Statement[] {
	return [
		db
			.delete(memberships)
			.where(and(eq(memberships.teamId, ctx.teamId), eq(memberships.accountId, accountId))),
		...revokePendingInvites(db, scimUserId, ctx.now),
	];
}

/**
 * Moves on the version of every group the user is in: a group's `members` show each member's
 * displayName (else userName), so a change of those, or the user's removal, changes the group's
 * representation, and its ETag must change with it (RFC 7644 §3.14).
 */
function touchGroupsOf(db: Db, ctx: UserWriteContext, scimUserId: string): Statement {
	return db
		.update(scimGroups)
		.set({ version: sql`${scimGroups.version} + 1`, updatedAt: ctx.now })
		.where(
			inArray(
				scimGroups.id,
				db
					.select({ id: scimGroupMembers.groupId })
					.from(scimGroupMembers)
					.where(eq(scimGroupMembers.scimUserId, scimUserId)),
			),
		);
}

/** The 404 of a write to a user the team does not have. */
export function userNotFound(id: string): Result<never> {
	return err(scimErrors.notFound(`User ${id} not found.`).toData());
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

/** The attributes a managed account copies: its name, and its email (from emails or userName). */
const ACCOUNT_SOURCES = new Set(["name", "emails", "userName"]);

/**
 * The writes a managing team makes to the account itself: it follows the IdP's name and email,
 * each an UPDATE that applies only while the team manages the account as the batch runs. An
 * email that another account already holds is not taken over: the account keeps its own, and
 * the answer is the same 200 as for a free email, so a team cannot probe which emails have
 * accounts elsewhere (docs/architecture.md "Accounts and team authority").
 */
function managedAccountWrites(
	db: Db,
	ctx: UserWriteContext,
	account: SQL | undefined,
	input: NormalizedUser,
	email: string | null,
): Statement[] {
	const statements = nameWrites(db, ctx, account, input);
	if (email !== null) {
		const emailKey = foldCase(email);
		statements.push(
			db
				.update(accounts)
				.set({ email, emailKey, updatedAt: ctx.now })
				.where(
					and(
						account,
						managedByTeam(ctx.teamId),
						sql`${accounts.emailKey} <> ${emailKey}`,
						sql`not exists (select 1 from accounts other where other.email_key = ${emailKey} and other.id <> "accounts"."id")`,
					),
				),
		);
	}
	return statements;
}

/** The IdP's names onto the account, while the team manages it and when they differ. */
function nameWrites(
	db: Db,
	ctx: UserWriteContext,
	account: SQL | undefined,
	input: NormalizedUser,
): Statement[] {
	const givenName = input.givenName ?? null;
	const familyName = input.familyName ?? null;
	return [
		db
			.update(accounts)
			.set({ givenName, familyName, updatedAt: ctx.now })
			.where(
				and(
					account,
					managedByTeam(ctx.teamId),
					sql`(${accounts.givenName} is not ${givenName} or ${accounts.familyName} is not ${familyName})`,
				),
			),
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

/** The detail when an account's rename lost its new email to another write as the batch ran. */
const ACCOUNT_EMAIL_TAKEN =
	"The user's new email was given to another account while this write ran; retry it.";

async function runUserBatch(
	db: Db,
	ctx: UserWriteContext,
	statements: Statement[],
): Promise<Result<unknown[]>> {
	try {
		return ok(await commitWrite(db, ctx, statements));
	} catch (error) {
		if (isStaleWrite(error, "accounts")) {
			return err(scimErrors.conflict(ACCOUNT_EMAIL_TAKEN).toData());
		}
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

/**
 * The 409 for the unique index or columns (`uniqueViolation`) a user's write collided with. Both
 * indexes of scim_users are on plain columns, so D1 names their columns, never the indexes.
 */
function uniquenessError(index: string): ScimErrorData {
	if (index.includes("user_name")) {
		return scimErrors.uniqueness(USER_NAME_TAKEN).toData();
	}
	if (index.includes("account_id")) {
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
