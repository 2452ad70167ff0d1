import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** Builds the Drizzle client over a D1 binding. */
export function createDb(d1: D1Database) {
	return drizzle(d1, { schema, casing: "snake_case" });
}

export type Db = ReturnType<typeof createDb>;
