import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";

export type Statement = BatchItem<"sqlite">;

/**
 * Sends a write's statements as one D1 transaction, all or nothing, and gives back each
 * statement's result in order (rows for a SELECT or RETURNING). The team object may send them
 * together with other writes' statements (src/team/team-do.ts); a write never runs its own
 * batch but hands it to the commit it is given.
 */
export type Commit = (statements: Statement[]) => Promise<unknown[]>;

/** Runs the statements as one D1 batch: one transaction, all or nothing; their results in order. */
export async function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
	const [first, ...rest] = statements;
	if (first === undefined) {
		return [];
	}
	return db.batch([first, ...rest]);
}

/**
 * An INSERT of one row per row of `from` that `where` selects, as the batch runs: a write whose
 * values come from (or that depends on) a row it does not read first, e.g. the account with an
 * email, whoever created it. `values` maps columns of `table` to values or SQL over `from`;
 * columns left out are NULL. Every column is listed, in order, as drizzle's insert…select needs.
 */
export function insertSelected<T extends SQLiteTable>(
	db: Db,
	table: T,
	values: { [K in keyof T["$inferInsert"]]?: unknown },
	from: SQLiteTable,
	where: SQL | undefined,
) {
	const given = values as Record<string, unknown>;
	const fields = Object.fromEntries(
		Object.entries(getTableColumns(table)).map(([key, column]) => [
			key,
			(given[key] === undefined ? sql`null` : sql`${given[key]}`).as(column.name),
		]),
	);
	// Typed per call site it would need the columns twice; the keys are checked at run time.
	return db.insert(table).select(db.select(fields).from(from).where(where) as never);
}

/**
 * The unique index or columns a failed write collided with, or null when the error is not a
 * uniqueness violation. D1 reports "UNIQUE constraint failed: index 'name'" for expression
 * indexes and "UNIQUE constraint failed: table.a, table.b" (every column) for plain ones.
 */
export function uniqueViolation(error: unknown): string | null {
	for (let e: unknown = error; e instanceof Error; e = e.cause) {
		const match = /UNIQUE constraint failed: (?:index '([^']+)'|([\w.]+(?:, [\w.]+)*))/.exec(
			e.message,
		);
		if (match) {
			return match[1] ?? match[2] ?? "unknown";
		}
	}
	return null;
}

/** D1 binds at most 100 parameters per statement: splits rows so each insert stays under it. */
export function chunkRows<T>(rows: T[], columnsPerRow: number): T[][] {
	const size = Math.max(1, Math.floor(100 / columnsPerRow));
	const chunks: T[][] = [];
	for (let i = 0; i < rows.length; i += size) {
		chunks.push(rows.slice(i, i + size));
	}
	return chunks;
}

/** What the error of a batch aborted by {@link versionGuard} says, before the table name. */
const STALE_WRITE = "stale write of";

/**
 * A statement that aborts its D1 batch when the statement just before it changed no row: put it
 * right after a version-guarded UPDATE (`where id = ? and version = ?`) and a stale write rolls
 * back the whole batch instead of rewriting the other rows around an update that did nothing.
 *
 * SQLite has no RAISE outside triggers, so the abort is an error SQLite raises by itself:
 * `json_extract` with a malformed path. The path is valid ('$') when `changes()` (the rows the
 * previous statement of this connection changed) is not 0, and names the table when it is 0;
 * it depends on `changes()`, so SQLite cannot evaluate it ahead of time. Recognise the abort
 * with {@link isStaleWrite}.
 *
 * @example runBatch(db, [db.update(t).set(v).where(and(eq(t.id, id), eq(t.version, n))), versionGuard(db, "scim_groups"), ...rest])
 */
export function versionGuard(db: Db, table: string): Statement {
	if (!/^\w+$/.test(table)) {
		throw new Error(`versionGuard: "${table}" is not a table name`);
	}
	return db.run(
		sql.raw(`select json_extract('{}', iif(changes() = 0, '${STALE_WRITE} ${table}', '$'))`),
	);
}

/** Whether a failed batch was aborted by a {@link versionGuard} (of `table`, when given). */
export function isStaleWrite(error: unknown, table?: string): boolean {
	for (let e: unknown = error; e instanceof Error; e = e.cause) {
		if (e.message.includes(table === undefined ? STALE_WRITE : `${STALE_WRITE} ${table}`)) {
			return true;
		}
	}
	return false;
}
