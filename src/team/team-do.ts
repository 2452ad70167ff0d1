import { DurableObject } from "cloudflare:workers";
import * as loginLinks from "../admin/login-links";
import type { Commit } from "../db/batch";
import { createDb, type Db } from "../db/client";
import { insertEvent } from "../db/events";
import { keyForAuthQuery } from "../db/keys";
import type { ScimGroupRow, ScimUserRow, Team } from "../db/schema";
import { getScimUser, getScimUserAndTeamThatFits } from "../db/scim-users";
import { getTeam } from "../db/teams";
import * as invites from "../invites/accept";
import { inviteEmailsPerDay, inviteTtlMs } from "../invites/create";
import * as inviteAdmin from "../invites/manage";
import { OutboxAlarm } from "../invites/outbox-alarm";
import { KEY_TOUCH_INTERVAL_MS, type KeyCredential, keyGuard, keyRefusal } from "../keys/auth";
import type { Actor } from "../provisioning/actor";
import * as groups from "../provisioning/groups";
import { removeMember } from "../provisioning/members";
import {
	createUser,
	deleteUser,
	patchUser,
	type UserWrite,
	type UserWriteContext,
	updateUser,
	userNotFound,
} from "../provisioning/users";
import { type BulkOperationResult, type BulkRequest, parseBulkPath } from "../scim/bulk";
import { type ScimErrorData, scimErrors } from "../scim/errors";
import { etagMatches, versionTag } from "../scim/etag";
import { foldCase } from "../scim/fold";
import type { NormalizedUser } from "../scim/normalize";
import type { PatchOperation } from "../scim/patch";
import { err, ok, type Result } from "../scim/result";
import { runBulkRequest } from "./bulk";
import { GroupCommit, type KeyGuard, KeyRefused } from "./group-commit";
import * as keys from "./keys";
import * as members from "./members";
import { RefusalLog } from "./refusal-log";
import type { SettingsContext } from "./settings-context";
import * as teamSettings from "./team-settings";
import { USER_ROWS_FIT, UserRows } from "./user-rows";

/** Who makes a SCIM write, as the route knows it. */
export interface WriteCaller {
	actor: Actor;
	/** The public origin of this service, for invite links. */
	origin: string;
	/**
	 * The caller's key while the Worker has not checked it; null once it has. Every batch of the
	 * write then checks it itself (keyGuard), so the check costs no round trip of its own.
	 */
	credential: KeyCredential | null;
	/** The caller's User-Agent, recorded as the key's last client by a guarded batch. */
	userAgent: string | null;
}

/**
 * A SCIM write's answer. `keyChecked`: a batch with the caller's key guard committed, so the
 * Worker may take the key as checked without reading it (src/http/caller.ts).
 */
export type WriteResult<T> = Result<T> & { keyChecked?: true };

/** A SCIM write's caller, its team, and how its batches are sent (on their own when absent). */
type UserWriteInput = WriteCaller & { teamId: string; commit?: Commit };

/**
 * The single writer of one team's changes (docs/architecture.md "Storage and concurrency"). Every method
 * runs to completion, D1 awaits included, before the next starts: a Durable Object's input gate
 * does not hold other calls while it awaits D1, so the object keeps its own queue. Single SCIM
 * writes run in groups, one queue step each, committed in one D1 batch (src/team/group-commit.ts).
 * Only the log row of a refused SCIM write is written after the queue moves on (see scimWrite).
 */
export class TeamDO extends DurableObject<Env> {
	private readonly db: Db;
	private queue: Promise<unknown> = Promise.resolve();
	private readonly outbox: OutboxAlarm;
	private readonly groups: GroupCommit;
	private readonly refusals = new RefusalLog(() => this.db);
	/** The team's user rows as its writes and reads last left them (src/team/user-rows.ts). */
	private readonly userRows = new UserRows();
	private knownTeamName: string | undefined;
	/** When this object last sent each key's last-use refresh (epoch ms), by key id. */
	private readonly keyTouchedAt = new Map<string, number>();
	/** This activation's first read of a user, which brings the whole team when it fits. */
	private teamRowsLoad: { rows: Promise<ScimUserRow[]>; settled: boolean } | undefined;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.db = createDb(env.DB);
		this.outbox = new OutboxAlarm(ctx, env, this.db, (operation) => this.serialize(operation));
		this.groups = new GroupCommit(
			() => this.db,
			(operation) => this.serialize(operation),
		);
		ctx.blockConcurrencyWhile(async () => {
			try {
				await this.outbox.restore();
			} catch (error) {
				// The next write that queues mail re-arms the alarm; never fail the object's start.
				console.error("could not re-arm the invite outbox", error);
			}
		});
	}

	/** Drains the team's invite outbox (see OutboxAlarm). */
	override async alarm(): Promise<void> {
		await this.outbox.run();
	}

	/** Accepts an invite from its public page: the token's hash identifies it. */
	async acceptInvite(
		teamId: string,
		tokenHash: string,
	): Promise<Result<invites.AcceptedInvite, invites.AcceptFailure>> {
		return this.serialize(() => {
			// An accepted invite moves its user from invited to active.
			this.userRows.clear();
			return invites.acceptInvite(this.db, { teamId, now: new Date().toISOString() }, tokenHash);
		});
	}

	/** Replaces an invite with a fresh one (new token, new email). */
	async resendInvite(
		teamId: string,
		inviteId: string,
		actor: Actor,
	): Promise<Result<inviteAdmin.PublicInvite>> {
		return this.serialize(async () => {
			const result = await inviteAdmin.resendInvite(
				this.db,
				this.inviteAdminContext(teamId, actor),
				inviteId,
			);
			if (result.ok) {
				await this.outbox.queued(teamId);
			}
			return result;
		});
	}

	/** Revokes an invite and cancels its unsent email. */
	async revokeInvite(
		teamId: string,
		inviteId: string,
		actor: Actor,
	): Promise<Result<inviteAdmin.PublicInvite>> {
		return this.serialize(() =>
			inviteAdmin.revokeInvite(this.db, this.inviteAdminContext(teamId, actor), inviteId),
		);
	}

	async createTeam(teamId: string, name: string, actor: Actor): Promise<Result<Team>> {
		return this.serialize(() =>
			teamSettings.createTeam(this.db, this.settingsContext(teamId, actor), name),
		);
	}

	async setSsoMethods(teamId: string, methods: string[], actor: Actor) {
		return this.serialize(() =>
			teamSettings.setSsoMethods(this.db, this.settingsContext(teamId, actor), methods),
		);
	}

	async setScimEnabled(teamId: string, enabled: boolean, actor: Actor) {
		return this.serialize(() =>
			teamSettings.setScimEnabled(this.db, this.settingsContext(teamId, actor), enabled),
		);
	}

	async createKey(teamId: string, name: string, actor: Actor, expiresAt: string | null = null) {
		return this.serialize(() =>
			keys.createKey(this.db, this.settingsContext(teamId, actor), name, expiresAt),
		);
	}

	async regenerateKey(teamId: string, keyId: string, graceSeconds: number, actor: Actor) {
		return this.serialize(() =>
			keys.regenerateKey(this.db, this.settingsContext(teamId, actor), keyId, graceSeconds),
		);
	}

	async revokeKey(teamId: string, keyId: string, actor: Actor) {
		return this.serialize(() =>
			keys.revokeKey(this.db, this.settingsContext(teamId, actor), keyId),
		);
	}

	async touchKey(teamId: string, keyId: string, userAgent: string | null) {
		return this.serialize(() =>
			keys.touchKey(
				this.db,
				this.settingsContext(teamId, { type: "scim_key", id: keyId }),
				keyId,
				userAgent,
			),
		);
	}

	async addAdmin(teamId: string, email: string, actor: Actor) {
		return this.serialize(() =>
			members.addAdmin(this.db, this.settingsContext(teamId, actor), email),
		);
	}

	async leaveTeam(teamId: string, accountId: string, actor: Actor) {
		return this.serialize(async () => {
			this.userRows.clear();
			const locked = await members.leavePrecondition(this.db, teamId, accountId);
			return locked.ok
				? removeMember(this.db, this.removalContext(teamId, actor), accountId, "member.leave")
				: locked;
		});
	}

	/** A team admin removes a member; a SCIM-provisioned one is deactivated, as the IdP then sees. */
	async removeMember(teamId: string, accountId: string, actor: Actor) {
		return this.serialize(() => {
			this.userRows.clear();
			return removeMember(this.db, this.removalContext(teamId, actor), accountId, "member.remove");
		});
	}

	async setDomains(teamId: string, domains: string[], actor: Actor) {
		return this.serialize(() =>
			teamSettings.setDomains(this.db, this.settingsContext(teamId, actor), domains),
		);
	}

	async createAdminLoginLink(teamId: string, email: string, tokenHash: string, actor: Actor) {
		return this.serialize(() =>
			loginLinks.createLoginLink(this.db, this.settingsContext(teamId, actor), email, tokenHash),
		);
	}

	async useAdminLoginLink(teamId: string, tokenHash: string) {
		return this.serialize(() =>
			loginLinks.useLoginLink(
				this.db,
				this.settingsContext(teamId, { type: "admin", id: null }),
				tokenHash,
			),
		);
	}

	async endAdminSession(
		teamId: string,
		session: { sessionId: string; accountId: string; expiresAt: string },
	) {
		return this.serialize(() =>
			loginLinks.endAdminSession(
				this.db,
				this.settingsContext(teamId, { type: "admin", id: session.accountId }),
				session,
			),
		);
	}

	async changeEmail(teamId: string, accountId: string, email: string, actor: Actor) {
		return this.serialize(() =>
			members.changeEmail(this.db, this.settingsContext(teamId, actor), accountId, email),
		);
	}

	async checkPasswordChange(teamId: string, accountId: string, actor: Actor) {
		return this.serialize(() =>
			members.checkPasswordChange(this.db, this.settingsContext(teamId, actor), accountId),
		);
	}

	/** POST /Users, with the body as the normalizer made it. */
	async createUser(
		teamId: string,
		caller: WriteCaller,
		user: NormalizedUser,
	): Promise<WriteResult<UserWrite>> {
		return this.scimWrite(teamId, caller, [userNameTarget(user.userName)], (input, log) =>
			this.writeCreateUser(input, user, log),
		);
	}

	/** PUT /Users/:id: the normalized body replaces the stored resource. */
	async replaceUser(
		teamId: string,
		caller: WriteCaller,
		id: string,
		user: NormalizedUser,
		ifMatch: string | null,
	): Promise<WriteResult<UserWrite>> {
		return this.scimWrite(
			teamId,
			caller,
			[userTarget(id), userNameTarget(user.userName)],
			(input, log) => this.writeReplaceUser(input, id, user, ifMatch, log),
		);
	}

	/** PATCH /Users/:id, applied here so that it sees the latest version. */
	async patchUser(
		teamId: string,
		caller: WriteCaller,
		id: string,
		operations: PatchOperation[],
		ifMatch: string | null,
	): Promise<WriteResult<UserWrite>> {
		return this.scimWrite(teamId, caller, [userTarget(id)], (input, log) =>
			this.writePatchUser(input, id, operations, ifMatch, log),
		);
	}

	/** DELETE /Users/:id. */
	async deleteUser(
		teamId: string,
		caller: WriteCaller,
		id: string,
		ifMatch: string | null,
	): Promise<WriteResult<null>> {
		return this.scimWrite(teamId, caller, [userTarget(id)], (input, log) =>
			this.writeDeleteUser(input, id, ifMatch, log),
		);
	}

	/** POST /Groups. */
	async createGroup(
		teamId: string,
		caller: WriteCaller,
		resource: Record<string, unknown>,
	): Promise<WriteResult<groups.GroupWrite>> {
		return this.scimWrite(teamId, caller, [displayNameTarget(resource)], (input, log) =>
			this.writeCreateGroup(input, resource, log),
		);
	}

	/** PUT /Groups/:id. */
	async replaceGroup(
		teamId: string,
		caller: WriteCaller,
		id: string,
		resource: Record<string, unknown>,
		ifMatch: string | null,
	): Promise<WriteResult<groups.GroupWrite>> {
		return this.scimWrite(
			teamId,
			caller,
			[groupTarget(id), displayNameTarget(resource)],
			(input, log) => this.writeReplaceGroup(input, id, resource, ifMatch, log),
		);
	}

	/** PATCH /Groups/:id. */
	async patchGroup(
		teamId: string,
		caller: WriteCaller,
		id: string,
		operations: PatchOperation[],
		ifMatch: string | null,
	): Promise<WriteResult<groups.GroupWrite>> {
		return this.scimWrite(teamId, caller, [groupTarget(id)], (input, log) =>
			this.writePatchGroup(input, id, operations, ifMatch, log),
		);
	}

	/** DELETE /Groups/:id. */
	async deleteGroup(
		teamId: string,
		caller: WriteCaller,
		id: string,
		ifMatch: string | null,
	): Promise<WriteResult<null>> {
		return this.scimWrite(teamId, caller, [groupTarget(id)], (input, log) =>
			this.writeDeleteGroup(input, id, ifMatch, log),
		);
	}

	/** How many single SCIM writes ran and in how many D1 batches: for tests and the benchmark. */
	async groupCommitStats(_teamId: string): Promise<{ writes: number; batches: number }> {
		return { ...this.groups.stats };
	}

	/**
	 * POST /Bulk (RFC 7644 §3.7): runs the operations one after another while holding the queue, so
	 * no other write of this team interleaves and every bulkId stays valid until the end. Each
	 * operation is atomic on its own, exactly like the single-resource request; the bulk request
	 * as a whole is not a transaction, as the RFC allows.
	 */
	async runBulk(
		teamId: string,
		caller: WriteCaller,
		request: BulkRequest,
	): Promise<BulkOperationResult[]> {
		if (caller.credential !== null) {
			// Its writes send no key guard: the Worker checks the key before a Bulk request.
			throw new Error("runBulk needs a caller whose key is checked");
		}
		const input: UserWriteInput = { teamId, ...caller };
		// Inside a bulk request a refusal is logged at once: the request holds the queue anyway.
		const log: LogRefusal = async (...refusal) => {
			await this.logError(...refusal);
		};
		return this.serialize(() =>
			runBulkRequest(request, {
				createUser: (user) => this.writeCreateUser(input, user, log),
				replaceUser: (id, user, ifMatch) => this.writeReplaceUser(input, id, user, ifMatch, log),
				patchUser: (id, operations, ifMatch) =>
					this.writePatchUser(input, id, operations, ifMatch, log),
				deleteUser: (id, ifMatch) => this.writeDeleteUser(input, id, ifMatch, log),
				createGroup: (resource) => this.writeCreateGroup(input, resource, log),
				replaceGroup: (id, resource, ifMatch) =>
					this.writeReplaceGroup(input, id, resource, ifMatch, log),
				patchGroup: (id, operations, ifMatch) =>
					this.writePatchGroup(input, id, operations, ifMatch, log),
				deleteGroup: (id, ifMatch) => this.writeDeleteGroup(input, id, ifMatch, log),
				logRefusal: async (op, error) => {
					const target = op.path === undefined ? undefined : parseBulkPath(op.path);
					await this.logError(
						this.userContext(input),
						`bulk.${op.method.toLowerCase() || "invalid"}`,
						op.bulkId ?? null,
						target?.ok ? (target.value.id ?? null) : null,
						error,
						target?.ok ? target.value.resourceType : "User",
					);
				},
			}),
		);
	}

	private async writeCreateUser(
		input: UserWriteInput,
		user: NormalizedUser,
		log: LogRefusal,
	): Promise<Result<UserWrite>> {
		const ctx = this.userContext(input);
		const result = await this.logFailure(log, ctx, "user.create", user.userName, null, () =>
			createUser(this.db, ctx, user),
		);
		if (result.ok) {
			this.userRows.set(result.value.row);
		}
		return this.armIfInvited(ctx, result);
	}

	private async writeReplaceUser(
		input: UserWriteInput,
		id: string,
		user: NormalizedUser,
		ifMatch: string | null,
		log: LogRefusal,
	): Promise<Result<UserWrite>> {
		const ctx = this.userContext(input);
		const result = await this.logFailure(log, ctx, "user.replace", user.userName, id, () =>
			this.onUserRow(ctx, id, ifMatch, wroteUser, (row) =>
				updateUser(this.db, ctx, row, user, "user.replace"),
			),
		);
		this.remember(id, result);
		return this.armIfInvited(ctx, result);
	}

	private async writePatchUser(
		input: UserWriteInput,
		id: string,
		operations: PatchOperation[],
		ifMatch: string | null,
		log: LogRefusal,
	): Promise<Result<UserWrite>> {
		const ctx = this.userContext(input);
		const result = await this.logFailure(log, ctx, "user.patch", null, id, () =>
			this.onUserRow(ctx, id, ifMatch, wroteUser, (row) =>
				patchUser(this.db, ctx, row, operations),
			),
		);
		this.remember(id, result);
		return this.armIfInvited(ctx, result);
	}

	private writeDeleteUser(
		input: UserWriteInput,
		id: string,
		ifMatch: string | null,
		log: LogRefusal,
	): Promise<Result<null>> {
		const ctx = this.userContext(input);
		return this.logFailure(log, ctx, "user.delete", null, id, async () => {
			const result = await this.onUserRow<null>(
				ctx,
				id,
				ifMatch,
				(r) => r.ok,
				(row) => deleteUser(this.db, ctx, row),
			);
			this.userRows.delete(id);
			return result;
		});
	}

	/**
	 * Runs a user write on the user's row: this object's copy when it has one that If-Match
	 * allows, else the stored row. An answer from the copy stands only when its batch committed
	 * (`committed`), because that batch's version guard proved the copy current; any other answer
	 * (a no-op, a refusal, or the guard's 412 for a copy changed behind the object) is decided
	 * again from the stored row.
	 */
	private async onUserRow<T>(
		ctx: UserWriteContext,
		id: string,
		ifMatch: string | null,
		committed: (result: Result<T>, row: ScimUserRow) => boolean,
		write: (row: ScimUserRow) => Promise<Result<T>>,
	): Promise<Result<T>> {
		const known = this.userRows.get(id);
		if (known !== undefined && (ifMatch === null || etagMatches(ifMatch, known.version))) {
			const result = await write(known);
			if (committed(result, known)) {
				return result;
			}
			this.userRows.delete(id);
		}
		const current = await this.loadForWrite(ctx, id, ifMatch);
		return current.ok ? write(current.value) : current;
	}

	/** Keeps the row a user write left, or forgets the user when the write was refused. */
	private remember(id: string, result: Result<UserWrite>): void {
		if (result.ok) {
			this.userRows.set(result.value.row);
		} else {
			this.userRows.delete(id);
		}
	}

	private async writeCreateGroup(
		input: UserWriteInput,
		resource: Record<string, unknown>,
		log: LogRefusal,
	): Promise<Result<groups.GroupWrite>> {
		const ctx = this.userContext(input);
		const result = await this.logFailure(
			log,
			ctx,
			"group.create",
			String(resource.displayName ?? ""),
			null,
			() => groups.createGroup(this.db, ctx, resource),
			"Group",
		);
		return this.touchUsers(ctx, result);
	}

	private writeReplaceGroup(
		input: UserWriteInput,
		id: string,
		resource: Record<string, unknown>,
		ifMatch: string | null,
		log: LogRefusal,
	): Promise<Result<groups.GroupWrite>> {
		return this.groupWrite(input, "group.replace", id, ifMatch, log, async (ctx, current) =>
			this.touchUsers(ctx, await groups.replaceGroup(this.db, ctx, current, resource)),
		);
	}

	private writePatchGroup(
		input: UserWriteInput,
		id: string,
		operations: PatchOperation[],
		ifMatch: string | null,
		log: LogRefusal,
	): Promise<Result<groups.GroupWrite>> {
		return this.groupWrite(input, "group.patch", id, ifMatch, log, async (ctx, current) =>
			this.touchUsers(ctx, await groups.patchGroup(this.db, ctx, current, operations)),
		);
	}

	private writeDeleteGroup(
		input: UserWriteInput,
		id: string,
		ifMatch: string | null,
		log: LogRefusal,
	): Promise<Result<null>> {
		return this.groupWrite(input, "group.delete", id, ifMatch, log, async (ctx, current) => {
			const result = this.touchUsers(ctx, await groups.deleteGroup(this.db, ctx, current));
			return result.ok ? ok(null) : result;
		});
	}

	/**
	 * Moves this object's copies of the users a group write changed on as its batch moved them
	 * (version and updatedAt), so their next write is still decided from memory.
	 */
	private touchUsers<T extends { usersChanged: string[] }>(
		ctx: UserWriteContext,
		result: Result<T>,
	): Result<T> {
		if (result.ok) {
			this.userRows.touch(result.value.usersChanged, ctx.now);
		}
		return result;
	}

	/** Loads the group, checks If-Match, then writes; callers hold the queue. */
	private groupWrite<T>(
		input: UserWriteInput,
		action: string,
		id: string,
		ifMatch: string | null,
		log: LogRefusal,
		write: (ctx: UserWriteContext, current: ScimGroupRow) => Promise<Result<T>>,
	): Promise<Result<T>> {
		const ctx = this.userContext(input);
		return this.logFailure(
			log,
			ctx,
			action,
			null,
			id,
			async () => {
				const current = await groups.loadGroup(this.db, ctx.teamId, id);
				if (!current.ok) {
					return current;
				}
				if (ifMatch !== null && !etagMatches(ifMatch, current.value.version)) {
					return err(versionMismatch("group", current.value.version, ifMatch));
				}
				return write(ctx, current.value);
			},
			"Group",
		);
	}

	/** The team's name (it never changes), read once per activation; undefined for no team. */
	private async teamName(teamId: string): Promise<string | undefined> {
		this.knownTeamName ??= (await getTeam(this.db, teamId))?.name;
		return this.knownTeamName;
	}

	/** Runs `operation` after every operation queued before it has finished. */
	private serialize<T>(operation: () => Promise<T>): Promise<T> {
		const run = this.queue.then(operation, operation);
		this.queue = run.catch(() => undefined);
		return run;
	}

	private async loadForWrite(
		ctx: UserWriteContext,
		id: string,
		ifMatch: string | null,
	): Promise<Result<ScimUserRow>> {
		const current = await this.readUserRow(ctx.teamId, id);
		if (current.ok && ifMatch !== null && !etagMatches(ifMatch, current.value.version)) {
			return err(versionMismatch("user", current.value.version, ifMatch));
		}
		return current;
	}

	/**
	 * A user's stored row, kept in this object's memory. The first read of an activation brings
	 * the whole team with it when the team fits (getScimUserAndTeamThatFits), so the writes after
	 * it, an IdP's run of deactivations say, decide without a read; the writes of its group that
	 * read beside it wait for it and take their rows from it (the same committed state). Any later
	 * miss reads its one row.
	 */
	private async readUserRow(teamId: string, id: string): Promise<Result<ScimUserRow>> {
		const load = this.teamRowsLoad;
		if (load === undefined) {
			const found = (await this.loadTeamRows(teamId, id)).find((row) => row.id === id);
			return found === undefined ? userNotFound(id) : ok(found);
		}
		if (!load.settled) {
			const found = (await load.rows.catch(() => [])).find((row) => row.id === id);
			if (found !== undefined) {
				return ok(found);
			}
		}
		const row = await getScimUser(this.db, teamId, id);
		if (row === null) {
			return userNotFound(id);
		}
		this.userRows.set(row);
		return ok(row);
	}

	/** Starts this activation's read of a user with the whole team, keeping what it finds. */
	private loadTeamRows(teamId: string, id: string): Promise<ScimUserRow[]> {
		const load = {
			settled: false,
			rows: getScimUserAndTeamThatFits(this.db, teamId, id, USER_ROWS_FIT),
		};
		this.teamRowsLoad = load;
		load.rows.then(
			(rows) => {
				load.settled = true;
				for (const row of rows) {
					this.userRows.set(row);
				}
			},
			// A failed read is no activation's load: the next read tries again.
			() => {
				this.teamRowsLoad = undefined;
			},
		);
		return load.rows;
	}

	/**
	 * Runs a single SCIM write in the next write group (src/team/group-commit.ts), then records its
	 * refusal, if any, in the provisioning log. The log insert waits until the queue has moved on:
	 * it is append-only and decides nothing, so a refused write (an IdP's duplicate create) holds
	 * up the team's other writes only for its reads, not for one more D1 round trip; the rows of a
	 * burst of refusals share batches (src/team/refusal-log.ts). The caller still gets its answer
	 * only once the row is written.
	 *
	 * With a key the Worker has not checked, every batch of the write, the log insert's too,
	 * starts with the key's guard: a refused key writes nothing, not even a log row, and gets
	 * keyRefusal's 401 or 403.
	 */
	private async scimWrite<T>(
		teamId: string,
		caller: WriteCaller,
		targets: string[],
		write: (input: UserWriteInput, log: LogRefusal) => Promise<Result<T>>,
	): Promise<WriteResult<T>> {
		const { credential } = caller;
		const guard =
			credential === null
				? null
				: {
						key: `${credential.keyId} ${credential.secretHash}`,
						statements: () => this.keyStatements(teamId, credential, caller.userAgent),
					};
		let refusals: Parameters<LogRefusal>[] = [];
		let result: Result<T> | undefined;
		let keyChecked: boolean;
		try {
			keyChecked = await this.groups.submit({
				targets,
				guard,
				run: async (commit) => {
					// A write run again after its group's batch failed starts over.
					refusals = [];
					result = await write({ teamId, ...caller, commit }, async (...refusal) => {
						refusals.push(refusal);
					});
				},
			});
		} catch (error) {
			if (error instanceof KeyRefused && credential !== null) {
				return this.keyRefusedAnswer(credential);
			}
			throw error;
		}
		if (result === undefined) {
			throw new Error("a grouped write finished without a result");
		}
		for (const refusal of refusals) {
			if (!(await this.logError(...refusal, guard))) {
				// The key was refused after all: the write decided nothing, and answers as a refusal.
				return credential === null ? result : this.keyRefusedAnswer(credential);
			}
			keyChecked ||= guard !== null;
		}
		return keyChecked ? { ...result, keyChecked: true } : result;
	}

	/**
	 * The key's guard, and its last-use refresh unless this object sent one for the key within the
	 * touch interval (the refresh is itself no finer: last use is shown to a minute). A refresh in
	 * a batch that then failed is not sent again before the interval ends.
	 */
	private keyStatements(teamId: string, credential: KeyCredential, userAgent: string | null) {
		const now = Date.now();
		const at = new Date(now).toISOString();
		const guard = keyGuard(this.db, credential, teamId, at);
		if (now - (this.keyTouchedAt.get(credential.keyId) ?? 0) < KEY_TOUCH_INTERVAL_MS) {
			return [guard];
		}
		this.keyTouchedAt.set(credential.keyId, now);
		return [guard, keys.touchKeyStatement(this.db, credential.keyId, userAgent, at)];
	}

	/** The answer to a write whose key guard aborted: keyRefusal's 401 or 403 for the key's row. */
	private async keyRefusedAnswer(credential: KeyCredential): Promise<Result<never>> {
		const [found] = await keyForAuthQuery(this.db, credential.keyId);
		const refusal =
			keyRefusal(found, credential, new Date().toISOString()) ??
			// The guard also asks for the team the object serves, which keyRefusal leaves aside.
			scimErrors.unauthorized("Invalid SCIM API key.");
		return err(refusal.toData());
	}

	/** Runs `operation` and hands a refusal to `log` (its rows were never written). */
	private async logFailure<T>(
		log: LogRefusal,
		ctx: UserWriteContext,
		action: string,
		label: string | null,
		targetId: string | null,
		operation: () => Promise<Result<T>>,
		targetType = "User",
	): Promise<Result<T>> {
		const result = await operation();
		if (!result.ok) {
			await log(ctx, action, label, targetId, result.error, targetType);
		}
		return result;
	}

	/**
	 * Records a refused operation in the provisioning log, behind `guard` (a key guard) when
	 * given: false when the guard refused the key, and nothing was written.
	 */
	private async logError(
		ctx: UserWriteContext,
		action: string,
		label: string | null,
		targetId: string | null,
		error: ScimErrorData,
		targetType: string,
		guard: KeyGuard | null = null,
	): Promise<boolean> {
		const row = insertEvent(this.db, {
			teamId: ctx.teamId,
			at: ctx.now,
			actorType: ctx.actor.type,
			actorId: ctx.actor.id,
			action,
			targetType,
			targetId,
			targetLabel: label,
			outcome: "failure",
			status: error.status,
			detail: error.detail,
		});
		return this.refusals.write(row, guard);
	}

	/** A user left waiting for an invite may have just had its email queued: arm the outbox. */
	private async armIfInvited(
		ctx: UserWriteContext,
		result: Result<UserWrite>,
	): Promise<Result<UserWrite>> {
		if (result.ok && result.value.row.state === "invited") {
			await this.outbox.queued(ctx.teamId);
		}
		return result;
	}

	private userContext(
		input: Pick<UserWriteInput, "teamId" | "actor" | "origin" | "commit">,
	): UserWriteContext {
		return {
			teamId: input.teamId,
			actor: input.actor,
			origin: input.origin,
			commit: input.commit,
			teamName: () => this.teamName(input.teamId),
			userNameHolder: (key) => this.userRows.userNameHolder(key),
			now: new Date().toISOString(),
			inviteTtlMs: inviteTtlMs(this.env.INVITE_TTL_HOURS),
			inviteEmailsPerDay: inviteEmailsPerDay(this.env.INVITE_EMAILS_PER_DAY),
		};
	}

	/** A removal only deactivates, so it never sends an invite and needs no origin for links. */
	private removalContext(teamId: string, actor: Actor): UserWriteContext {
		return this.userContext({ teamId, actor, origin: "" });
	}

	private inviteAdminContext(teamId: string, actor: Actor): inviteAdmin.InviteAdminContext {
		return {
			teamId,
			actor,
			now: new Date().toISOString(),
			inviteTtlMs: inviteTtlMs(this.env.INVITE_TTL_HOURS),
			inviteEmailsPerDay: inviteEmailsPerDay(this.env.INVITE_EMAILS_PER_DAY),
		};
	}

	private settingsContext(teamId: string, actor: Actor): SettingsContext {
		return { teamId, actor, now: new Date().toISOString() };
	}
}

/** Records a refused write in the provisioning log: at once, or once the queue has moved on. */
type LogRefusal = (
	ctx: UserWriteContext,
	action: string,
	label: string | null,
	targetId: string | null,
	error: ScimErrorData,
	targetType: string,
) => Promise<void>;

/** Whether a user write's answer is a row its batch wrote (a no-op answers the row it was given). */
function wroteUser(result: Result<UserWrite>, row: ScimUserRow): boolean {
	return result.ok && result.value.row.version > row.version;
}

function versionMismatch(kind: string, version: number, ifMatch: string): ScimErrorData {
	return {
		status: 412,
		detail: `The ${kind} has changed: its version is ${versionTag(version)}, not ${ifMatch}.`,
	};
}

/** The group-commit targets (src/team/group-commit.ts) of SCIM writes: ids and unique names. */
function userTarget(id: string): string {
	return `User ${id}`;
}

function userNameTarget(userName: string): string {
	return `userName ${foldCase(userName)}`;
}

function groupTarget(id: string): string {
	return `Group ${id}`;
}

function displayNameTarget(resource: Record<string, unknown>): string {
	return `displayName ${foldCase(String(resource.displayName ?? ""))}`;
}
