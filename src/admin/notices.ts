import type { Context } from "hono";
import type { AdminEnv } from "./session";

/**
 * The confirmation named by `?notice=` after a redirect, when it is one of the page's own: each
 * routes module keeps its notices, so a notice can link to what it names.
 */
export function notice<T>(c: Context<AdminEnv>, notices: Record<string, T>): T | undefined {
	const name = c.req.query("notice") ?? "";
	return Object.hasOwn(notices, name) ? notices[name] : undefined;
}
