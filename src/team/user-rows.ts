import type { ScimUserRow } from "../db/schema";

/**
 * What a team object keeps at most: this many rows, whose resources take at most this many
 * characters of JSON (a resource may take 256 KiB, so a row count alone could fill the object's
 * 128 MB); the least recently used go first.
 */
export const USER_ROWS_FIT = { rows: 10_000, chars: 8 * 1024 * 1024 };

/**
 * The team's SCIM user rows as this object's own writes and reads last left them, so that a
 * plain deactivation is decided without reading the user first (docs/architecture.md "One round
 * trip per request"). Every write of the team's SCIM users passes through the team object, so a
 * row here is the stored one; a write decided from a row still carries its version guard, and a
 * row that turns out stale is dropped and the write takes the full path. Lost on eviction, and
 * refilled by the first read of an activation (the whole team when it fits) and the writes that
 * follow.
 */
export class UserRows {
	private readonly rows = new Map<string, { row: ScimUserRow; chars: number }>();
	/** The userName key (foldCase) of each row kept, to the row's id. */
	private readonly userNames = new Map<string, string>();
	private chars = 0;

	/**
	 * The id of the kept row that holds this userName key. A row is kept only as a committed
	 * write or a read left it, and every write of the team's users passes through the object,
	 * so a name held here is taken; a name not held here may still be (the index decides).
	 */
	userNameHolder(userNameKey: string): string | undefined {
		return this.userNames.get(userNameKey);
	}

	get(id: string): ScimUserRow | undefined {
		const kept = this.rows.get(id);
		if (kept !== undefined) {
			// Map keeps insertion order: re-inserting makes it the most recently used.
			this.rows.delete(id);
			this.rows.set(id, kept);
		}
		return kept?.row;
	}

	set(row: ScimUserRow): void {
		this.delete(row.id);
		const chars = JSON.stringify(row.resource).length;
		this.rows.set(row.id, { row, chars });
		this.userNames.set(row.userNameKey, row.id);
		this.chars += chars;
		while (this.rows.size > USER_ROWS_FIT.rows || this.chars > USER_ROWS_FIT.chars) {
			const oldest = this.rows.keys().next();
			if (oldest.done) {
				break;
			}
			this.delete(oldest.value);
		}
	}

	/**
	 * Moves the kept rows of these users on as a committed batch did (version + 1, updatedAt):
	 * a group write changed their `groups`, whose ETag is theirs.
	 */
	touch(ids: readonly string[], updatedAt: string): void {
		for (const id of ids) {
			const kept = this.rows.get(id);
			if (kept !== undefined) {
				kept.row = { ...kept.row, version: kept.row.version + 1, updatedAt };
			}
		}
	}

	delete(id: string): void {
		const kept = this.rows.get(id);
		if (kept !== undefined) {
			this.rows.delete(id);
			if (this.userNames.get(kept.row.userNameKey) === id) {
				this.userNames.delete(kept.row.userNameKey);
			}
			this.chars -= kept.chars;
		}
	}

	/** Forgets every row: after a write of another kind that may change users (an accepted invite, a removal). */
	clear(): void {
		this.rows.clear();
		this.userNames.clear();
		this.chars = 0;
	}
}
