import { runBatch, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { isKeyRefused } from "../keys/auth";
import type { KeyGuard } from "./group-commit";

/** Log rows in one combined batch at most; more wait for the next. */
const MAX_ROWS_PER_BATCH = 50;

interface Entry {
	row: Statement;
	guard: KeyGuard | null;
	settle: (written: Promise<boolean>) => void;
}

/**
 * The provisioning log rows of refused SCIM writes, sent in group commits of their own
 * (docs/architecture.md "Group commit"): while one batch of them is in flight, the rows that
 * arrive queue up and go together in the next, so a burst of refusals (an IdP's retried or racing
 * creates of one userName) costs a couple of batches, not one each. The first row of a quiet
 * moment goes at once. Each row keeps its writer's key guard, sent once per key in a batch; a
 * combined batch that fails is sent again one row at a time, so a refused key, or any other
 * failure, never costs another writer its row.
 */
export class RefusalLog {
	private pending: Entry[] = [];
	private sending = false;

	constructor(private readonly db: () => Db) {}

	/** Writes the row; false when its key guard refused the key, and then nothing was written. */
	write(row: Statement, guard: KeyGuard | null): Promise<boolean> {
		return new Promise<boolean>((resolve, reject) => {
			this.pending.push({ row, guard, settle: (written) => written.then(resolve, reject) });
			if (!this.sending) {
				void this.sendPending();
			}
		});
	}

	private async sendPending(): Promise<void> {
		this.sending = true;
		try {
			while (this.pending.length > 0) {
				const entries = this.pending.splice(0, MAX_ROWS_PER_BATCH);
				await this.send(entries);
			}
		} finally {
			this.sending = false;
		}
	}

	private async send(entries: Entry[]): Promise<void> {
		if (entries.length > 1 && (await this.sendCombined(entries))) {
			return;
		}
		// Alone, or again one by one after a combined batch failed (a refused key, say): that
		// failure rolled back every row.
		for (const entry of entries) {
			const alone = this.sendAlone(entry);
			entry.settle(alone);
			await alone.catch(() => undefined);
		}
	}

	/** Sends the rows in one batch, one guard per key; false when the batch failed. */
	private async sendCombined(entries: Entry[]): Promise<boolean> {
		const guards = new Map<string, Statement[]>();
		for (const { guard } of entries) {
			if (guard !== null && !guards.has(guard.key)) {
				guards.set(guard.key, guard.statements());
			}
		}
		try {
			await runBatch(this.db(), [...[...guards.values()].flat(), ...entries.map((e) => e.row)]);
		} catch {
			return false;
		}
		for (const entry of entries) {
			entry.settle(Promise.resolve(true));
		}
		return true;
	}

	private async sendAlone({ row, guard }: Entry): Promise<boolean> {
		const statements = guard?.statements() ?? [];
		try {
			await runBatch(this.db(), [...statements, row]);
			return true;
		} catch (failure) {
			if (statements.length > 0 && isKeyRefused(failure)) {
				return false;
			}
			throw failure;
		}
	}
}
