import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";

export type Statement = BatchItem<"sqlite">;

/** Runs the statements as one D1 batch: one transaction, all or nothing. */
export async function runBatch(db: Db, statements: Statement[]): Promise<void> {
	const [first, ...rest] = statements;
	if (first === undefined) {
		return;
	}
	await db.batch([first, ...rest]);
}

/**
 * The unique index or column a failed write collided with, or null when the error is not a
 * uniqueness violation. D1 reports "UNIQUE constraint failed: index 'name'" for expression
 * indexes and "UNIQUE constraint failed: table.column" for plain ones.
 */
export function uniqueViolation(error: unknown): string | null {
	for (let e: unknown = error; e instanceof Error; e = e.cause) {
		const match = /UNIQUE constraint failed: (?:index '([^']+)'|([\w.]+))/.exec(e.message);
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
