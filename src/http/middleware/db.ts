import { createMiddleware } from "hono/factory";
import { createDb } from "../../db/client";
import type { AppEnv } from "../../env";

/** Gives every request the Drizzle client of its D1 binding. */
export const dbMiddleware = createMiddleware<AppEnv>(async (c, next) => {
	c.set("db", createDb(c.env.DB));
	await next();
});
