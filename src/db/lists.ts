import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";

/**
 * Statements over client-sized lists. D1 binds at most 100 parameters per statement, so a list
 * whose length the client chooses (members, ids, filter operands) is never bound value by value:
 * it travels as ONE JSON parameter and SQLite unpacks it with `json_each`. Any length the
 * published limits allow then costs one parameter, and no statement can reach the bound.
 */

/** The values of a list as a one-column subquery, bound as one JSON parameter. */
export function listValues(values: readonly (string | number)[]): SQL {
	return sql`(select value from json_each(${JSON.stringify(values)}))`;
}

/** `column in (the list)`, one parameter for any number of values. */
export function inList(column: SQLiteColumn | SQL, values: readonly (string | number)[]): SQL {
	return sql`${column} in ${listValues(values)}`;
}

/**
 * The rows of `select <columns> from json_each(<list>) where true`: one row per value, `value`
 * naming the element, for `insert … select` of any number of rows in one statement. The
 * `where true` lets an `on conflict` clause follow (SQLite's parsing rule for upsert-after-select).
 */
export function selectFromList(columns: SQL, values: readonly (string | number)[]): SQL {
	return sql`select ${columns} from json_each(${JSON.stringify(values)}) where true`;
}

/**
 * Operands of one statement collected into a single JSON parameter, for SQL whose number of
 * operands the client chooses (a filter): each operand is read back from the `with` table
 * {@link OPERANDS_TABLE} by position. Equal values share one position. An uncorrelated scalar
 * subquery is computed once per statement and compares like a bound value, so indexes serve.
 */
export class ListOperands {
	private readonly values: (string | number)[] = [];
	private readonly positions = new Map<string, number>();

	/** The SQL reading this value back. */
	ref(value: string | number): SQL {
		const key = `${typeof value}:${value}`;
		let position = this.positions.get(key);
		if (position === undefined) {
			position = this.values.push(value) - 1;
			this.positions.set(key, position);
		}
		return sql.raw(`(select json_extract(p, '$[${position}]') from ${OPERANDS_TABLE})`);
	}

	/** Whether any operand was collected (a statement without any needs no `with`). */
	get empty(): boolean {
		return this.values.length === 0;
	}

	/** The JSON parameter. */
	json(): string {
		return JSON.stringify(this.values);
	}
}

/** The `with` table that holds a statement's {@link ListOperands} as one JSON value `p`. */
export const OPERANDS_TABLE = "list_operands";

/**
 * The `with` tables a statement reading these operands needs: none when there are none, else
 * {@link OPERANDS_TABLE} holding them as one bound JSON value. For `db.with(...withOperands(…))`.
 */
export function withOperands(db: Db, operands: ListOperands | undefined) {
	return operands === undefined || operands.empty
		? []
		: [db.$with(OPERANDS_TABLE, { p: sql<string>`p` }).as(sql`select ${operands.json()} as p`)];
}
