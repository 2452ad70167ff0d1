import type { Context } from "hono";
import { listMembers } from "../db/accounts";
import type { EventQuery } from "../db/events";
import { listKeys } from "../db/keys";
import type { ProvisioningEventRow } from "../db/schema";
import { listScimUserEmails } from "../db/scim-users";
import type { LogFilters } from "./pages/log";
import type { AdminEnv } from "./session";

/** What the log page and its CSV export share: the filters from the query string, actor names. */

/** The log filters of the request, trimmed and bounded. */
export function logFilters(c: Context<AdminEnv>): LogFilters {
	const text = (name: string, max: number) => (c.req.query(name) ?? "").trim().slice(0, max);
	return { action: text("action", 100), user: text("user", 200), key: text("key", 100) };
}

/** The filters as the events query takes them. */
export function eventQuery(filters: LogFilters): Omit<EventQuery, "limit"> {
	return {
		action: filters.action || undefined,
		target: filters.user || undefined,
		actorId: filters.key || undefined,
	};
}

/** Names for the actor ids of the log (SCIM keys and admin accounts), and the team's keys. */
export async function actorNames(c: Context<AdminEnv>) {
	const { teamId } = c.var.admin;
	const [keys, members] = await Promise.all([
		listKeys(c.var.db, teamId),
		listMembers(c.var.db, teamId),
	]);
	const byId = new Map<string, string>();
	for (const k of keys) {
		byId.set(k.id, k.name);
	}
	for (const m of members) {
		byId.set(m.accountId, m.email);
	}
	return { byId, keys: keys.map((k) => ({ id: k.id, name: k.name })) };
}

/**
 * The email of the person each event is about, by event id: the SCIM user's (also on failed
 * writes, which name it only by id), or the member's for an account.
 */
export async function eventEmails(
	c: Context<AdminEnv>,
	events: ProvisioningEventRow[],
	names: Map<string, string>,
): Promise<Map<number, string>> {
	const userIds = events
		.filter((e) => e.targetType === "User" && e.targetId)
		.map((e) => e.targetId as string);
	const userEmails = await listScimUserEmails(c.var.db, c.var.admin.teamId, userIds);
	const emails = new Map<number, string>();
	for (const e of events) {
		const email =
			e.targetId === null
				? undefined
				: e.targetType === "User"
					? userEmails.get(e.targetId)
					: e.targetType === "Account"
						? names.get(e.targetId)
						: undefined;
		if (email) {
			emails.set(e.id, email);
		}
	}
	return emails;
}
