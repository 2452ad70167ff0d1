import { drizzle } from "drizzle-orm/d1";

/**
 * Builds the Drizzle client over a D1 binding. Queries use the SQL-like builder with the tables
 * from ./schema; the relational query API (`db.query`) is not used, so the schema is not passed.
 */
export function createDb(d1: D1Database) {
	return drizzle(d1, { casing: "snake_case" });
}

export type Db = ReturnType<typeof createDb>;
