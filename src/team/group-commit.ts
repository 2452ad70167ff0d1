import { type Commit, runBatch, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { isKeyRefused } from "../keys/auth";

/**
 * Group commit for the team object's single SCIM writes (docs/architecture.md "Group commit").
 *
 * While one group's batch is in flight, the writes that arrive queue up; the next queue step
 * takes them as a group, runs each write's own code concurrently (their reads go to D1 side by
 * side), collects the statements each hands to its `commit`, and sends them all as one D1 batch.
 * Each write then maps the outcome to its own answer. Writes that share a target (a resource id,
 * a userName or displayName) are never decided in the same group: the group is cut there, so a
 * write never sees a decision made without the write queued before it on the same resource.
 *
 * The writes of a group are decided against the same committed state, so they must not depend on
 * each other; where they could (two creates linking one email, a rename onto a name another
 * write creates, a member added to a group while its user is deleted) a unique index, a foreign
 * key or a version guard fails the combined batch. Any failure of a combined batch rolls the
 * whole batch back and each write of the group runs again on its own, in queue order, from its
 * reads on: exactly the answers one-by-one writing gives, and one bad write never fails others.
 *
 * The answers of a group are those of one serial order of its writes, which were all in flight
 * at once: first the writes that answered from their reads alone (a 404, a 409 from a read, a
 * no-op), which saw the state before the group, then the committed ones in batch order.
 */

/** Writes decided together at most; more wait for the next group. */
export const MAX_GROUP_WRITES = 16;
/** Statements in one combined batch at most; a group with more is sent in several batches. */
export const MAX_GROUP_STATEMENTS = 500;

/** The statements that check a writer's key at the front of a batch, and what tells keys apart. */
export interface KeyGuard {
	key: string;
	statements: () => Statement[];
}

/** One single SCIM write, as the group runner runs it. */
export interface GroupedWrite {
	/** What the write decides about: writes sharing one are never decided in the same group. */
	targets: string[];
	/**
	 * The statements that check the caller's key, sent once ahead of the first write of a batch
	 * made with it (`key` tells keys apart); null when the Worker already checked it.
	 */
	guard: KeyGuard | null;
	/** Runs the write from the start, sending its statements through `commit`. */
	run(commit: Commit): Promise<void>;
}

/**
 * What a commit of a combined batch rejects with when the batch failed: the write is run again
 * on its own. It carries no cause, so the writes' own error mapping (unique violations, version
 * guards) never reads another write's failure as its own, and rethrows it.
 */
export class GroupBatchFailed extends Error {
	constructor() {
		super("The combined batch of a write group failed; the write runs again on its own.");
	}
}

/** What a write's commit rejects with when its key guard aborted the batch. */
export class KeyRefused extends Error {
	constructor() {
		super("The SCIM key was refused by the write's key guard.");
	}
}

interface Pending {
	write: GroupedWrite;
	resolve(keyChecked: boolean): void;
	reject(error: unknown): void;
}

/** A write of the running group. */
interface Member {
	pending: Pending;
	/** The statements handed to commit while the group collects; null until then. */
	statements: Statement[] | null;
	/** Whether a batch with the write's key guard committed. */
	checked: boolean;
	/** Settles the commit the write awaits, with its statements' results. */
	committed: Deferred<unknown[]>;
	/** Resolves once the write has handed its statements over or finished without them. */
	ready: Deferred<void>;
}

export class GroupCommit {
	private readonly pending: Pending[] = [];
	private scheduled = false;
	/** Single writes run and D1 batches they were sent in: shown to tests and the benchmark. */
	readonly stats = { writes: 0, batches: 0 };

	/**
	 * `db` gives the team object's client at the time of each batch; `serialize` is the team
	 * object's queue: each group runs as one step of it.
	 */
	constructor(
		private readonly db: () => Db,
		private readonly serialize: (operation: () => Promise<void>) => Promise<void>,
	) {}

	/** Runs the write in the next group; resolves with whether its key was checked by a batch. */
	submit(write: GroupedWrite): Promise<boolean> {
		return new Promise((resolve, reject) => {
			this.pending.push({ write, resolve, reject });
			this.schedule();
		});
	}

	private schedule(): void {
		if (!this.scheduled) {
			this.scheduled = true;
			void this.serialize(() => this.runNextGroup());
		}
	}

	private async runNextGroup(): Promise<void> {
		this.scheduled = false;
		const group = this.takeGroup();
		if (this.pending.length > 0) {
			this.schedule();
		}
		try {
			await this.runGroup(group);
		} catch (error) {
			// runGroup settles every write itself; this is only a last guard for the queue.
			for (const pending of group) {
				pending.reject(error);
			}
		}
	}

	/** The longest run of pending writes from the front that share no target, up to the cap. */
	private takeGroup(): Pending[] {
		const group: Pending[] = [];
		const targets = new Set<string>();
		for (const next of this.pending) {
			if (group.length >= MAX_GROUP_WRITES || next.write.targets.some((t) => targets.has(t))) {
				break;
			}
			group.push(next);
			for (const target of next.write.targets) {
				targets.add(target);
			}
		}
		this.pending.splice(0, group.length);
		return group;
	}

	private async runGroup(group: Pending[]): Promise<void> {
		this.stats.writes += group.length;
		const [only] = group;
		if (group.length === 1 && only) {
			await this.runAlone(only);
			return;
		}
		let collecting = true;
		const members: Member[] = group.map((pending) => ({
			pending,
			statements: null,
			checked: false,
			committed: deferred<unknown[]>(),
			ready: deferred(),
		}));
		const runs = members.map((member) => {
			const commit: Commit = (statements) => {
				if (!collecting || member.statements !== null) {
					// A second commit of one write (a create retried after losing an account race)
					// goes on its own: the group has been sent.
					return this.sendAlone(member, statements);
				}
				member.statements = statements;
				member.ready.resolve();
				return member.committed.promise;
			};
			const run = member.pending.write.run(commit);
			run.then(member.ready.resolve, member.ready.resolve);
			return run;
		});
		await Promise.all(members.map((member) => member.ready.promise));
		collecting = false;
		for (const batch of packBatches(members.filter((m) => m.statements !== null))) {
			await this.sendCombined(batch);
		}
		const outcomes = await Promise.allSettled(runs);
		const again: Pending[] = [];
		outcomes.forEach((outcome, index) => {
			const member = members[index];
			if (member === undefined) {
				return;
			}
			if (outcome.status === "fulfilled") {
				member.pending.resolve(member.checked);
			} else if (outcome.reason instanceof GroupBatchFailed) {
				again.push(member.pending);
			} else {
				member.pending.reject(outcome.reason);
			}
		});
		for (const pending of again) {
			await this.runAlone(pending);
		}
	}

	/** Runs one write with a commit of its own: its batch goes to D1 as soon as it is decided. */
	private async runAlone(pending: Pending): Promise<void> {
		const member: Member = {
			pending,
			statements: null,
			checked: false,
			committed: deferred<unknown[]>(),
			ready: deferred(),
		};
		try {
			await pending.write.run((statements) => this.sendAlone(member, statements));
			pending.resolve(member.checked);
		} catch (error) {
			pending.reject(error);
		}
	}

	private async sendAlone(member: Member, statements: Statement[]): Promise<unknown[]> {
		const { guard } = member.pending.write;
		const guards = guard?.statements() ?? [];
		let results: unknown[];
		try {
			results = await this.send([...guards, ...statements]);
		} catch (error) {
			throw guard !== null && isKeyRefused(error) ? new KeyRefused() : error;
		}
		member.checked = guard !== null;
		return results.slice(guards.length);
	}

	/** Sends the members' statements as one batch, each key's guard ahead of its first write. */
	private async sendCombined(batch: Member[]): Promise<void> {
		const [only] = batch;
		if (batch.length === 1 && only) {
			// On its own the write maps its failure itself, exactly as a lone write.
			const statements = only.statements ?? [];
			await this.sendAlone(only, statements).then(
				(results) => only.committed.resolve(results),
				(error: unknown) => only.committed.reject(error),
			);
			return;
		}
		const statements: Statement[] = [];
		const guarded = new Set<string>();
		/** Where each member's statements start in the combined batch. */
		const starts: number[] = [];
		for (const member of batch) {
			const { guard } = member.pending.write;
			if (guard !== null && !guarded.has(guard.key)) {
				guarded.add(guard.key);
				statements.push(...guard.statements());
			}
			starts.push(statements.length);
			statements.push(...(member.statements ?? []));
		}
		let results: unknown[];
		try {
			results = await this.send(statements);
		} catch {
			for (const member of batch) {
				member.committed.reject(new GroupBatchFailed());
			}
			return;
		}
		batch.forEach((member, index) => {
			const start = starts[index] ?? 0;
			member.checked = member.pending.write.guard !== null;
			member.committed.resolve(results.slice(start, start + (member.statements?.length ?? 0)));
		});
	}

	private send(statements: Statement[]): Promise<unknown[]> {
		this.stats.batches += 1;
		return runBatch(this.db(), statements);
	}
}

/** Splits the members, in order, into batches under the statement cap (one member at least). */
function packBatches(members: Member[]): Member[][] {
	const batches: Member[][] = [];
	let current: Member[] = [];
	let size = 0;
	for (const member of members) {
		const count = member.statements?.length ?? 0;
		if (current.length > 0 && size + count > MAX_GROUP_STATEMENTS) {
			batches.push(current);
			current = [];
			size = 0;
		}
		current.push(member);
		size += count;
	}
	if (current.length > 0) {
		batches.push(current);
	}
	return batches;
}

interface Deferred<T> {
	promise: Promise<T>;
	resolve(value: T): void;
	reject(error: unknown): void;
}

function deferred<T = void>(): Deferred<T> {
	let resolve: (value: T) => void = () => undefined;
	let reject: (error: unknown) => void = () => undefined;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}
