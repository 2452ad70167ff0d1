import type { ScimUserRow } from "../db/schema";

/** How many rows a team object keeps; the least recently used go first. */
const MAX_ROWS = 10_000;

/**
 * The team's SCIM user rows as this object's own writes last left them, so that a plain
 * deactivation is decided without reading the user first (docs/architecture.md "One round trip
 * per request"). Every write of the team's SCIM users passes through the team object, so a row
 * here is the stored one; a write decided from a row still carries its version guard, and a
 * row that turns out stale is dropped and the write takes the full path. Lost on eviction, and
 * refilled by the writes and loads that follow.
 */
export class UserRows {
	private readonly rows = new Map<string, ScimUserRow>();

	get(id: string): ScimUserRow | undefined {
		const row = this.rows.get(id);
		if (row !== undefined) {
			// Map keeps insertion order: re-inserting makes it the most recently used.
			this.rows.delete(id);
			this.rows.set(id, row);
		}
		return row;
	}

	set(row: ScimUserRow): void {
		this.rows.delete(row.id);
		this.rows.set(row.id, row);
		if (this.rows.size > MAX_ROWS) {
			const oldest = this.rows.keys().next();
			if (!oldest.done) {
				this.rows.delete(oldest.value);
			}
		}
	}

	delete(id: string): void {
		this.rows.delete(id);
	}

	/** Forgets every row: after a write of another kind that may change users (an accepted invite, a removal). */
	clear(): void {
		this.rows.clear();
	}
}
