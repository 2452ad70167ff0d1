import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client";
import {
	type ActorType,
	type EventOutcome,
	type LoggedChange,
	type ProvisioningEventRow,
	provisioningEvents,
} from "./schema";

export interface NewEvent {
	teamId: string;
	at: string;
	actorType: ActorType;
	actorId: string | null;
	action: string;
	targetType?: string | null;
	targetId?: string | null;
	targetLabel?: string | null;
	outcome: EventOutcome;
	status: number;
	/** What happened; SQL when the batch decides it (a create's outcome). */
	detail?: string | SQL<string> | null;
	changes?: LoggedChange[] | null;
}

/** The insert statement for one log event, to put in an operation's batch. */
export function insertEvent(db: Db, event: NewEvent) {
	return db.insert(provisioningEvents).values({
		...event,
		targetType: event.targetType ?? null,
		targetId: event.targetId ?? null,
		targetLabel: event.targetLabel ?? null,
		detail: event.detail ?? null,
		changes: event.changes ?? null,
	});
}

export interface EventQuery {
	limit: number;
	/** Only events older than this event id (keyset paging). */
	before?: number;
	/** Only this action, e.g. `user.create`. */
	action?: string;
	/** Only events whose target label or id contains this text (case-insensitive). */
	target?: string;
	/** Only events done by this actor, e.g. a SCIM key id. */
	actorId?: string;
}

/** The team's log, newest first, `limit` at a time, narrowed by the query's filters. */
export async function listEvents(
	db: Db,
	teamId: string,
	query: EventQuery,
): Promise<ProvisioningEventRow[]> {
	const where: SQL[] = [eq(provisioningEvents.teamId, teamId)];
	if (query.before !== undefined) {
		where.push(lt(provisioningEvents.id, query.before));
	}
	if (query.action) {
		where.push(eq(provisioningEvents.action, query.action));
	}
	if (query.actorId) {
		where.push(eq(provisioningEvents.actorId, query.actorId));
	}
	if (query.target) {
		// instr, not LIKE: the text is matched literally, with no wildcards to escape.
		where.push(
			sql`(instr(lower(coalesce(${provisioningEvents.targetLabel}, '')), lower(${query.target})) > 0
				or instr(coalesce(${provisioningEvents.targetId}, ''), ${query.target}) > 0)`,
		);
	}
	return db
		.select()
		.from(provisioningEvents)
		.where(and(...where))
		.orderBy(desc(provisioningEvents.id))
		.limit(query.limit);
}

/** One event of the team's log, or null. */
export async function getEvent(
	db: Db,
	teamId: string,
	id: number,
): Promise<ProvisioningEventRow | null> {
	const row = await db
		.select()
		.from(provisioningEvents)
		.where(and(eq(provisioningEvents.teamId, teamId), eq(provisioningEvents.id, id)))
		.get();
	return row ?? null;
}

/** The distinct actions in the team's log, for the log filter. */
export async function listEventActions(db: Db, teamId: string): Promise<string[]> {
	const rows = await db
		.selectDistinct({ action: provisioningEvents.action })
		.from(provisioningEvents)
		.where(eq(provisioningEvents.teamId, teamId))
		.orderBy(provisioningEvents.action);
	return rows.map((r) => r.action);
}

/** What every logged operation knows: the team, the time and who acted. */
export interface EventContext {
	teamId: string;
	now: string;
	actor: { type: ActorType; id: string | null };
}

/** The HTTP status a successful action answers with, as the log records it. */
export function successStatus(action: string): number {
	if (action.endsWith(".create")) {
		return 201;
	}
	return action.endsWith(".delete") || action === "group.patch" ? 204 : 200;
}

/** A successful action of `ctx.actor` on an optional target, for the log. */
export function successEvent(
	ctx: EventContext,
	action: string,
	target?: { type: string; id: string; label?: string | null },
): NewEvent {
	return {
		teamId: ctx.teamId,
		at: ctx.now,
		actorType: ctx.actor.type,
		actorId: ctx.actor.id,
		action,
		targetType: target?.type ?? null,
		targetId: target?.id ?? null,
		targetLabel: target?.label ?? null,
		outcome: "success",
		status: successStatus(action),
	};
}
