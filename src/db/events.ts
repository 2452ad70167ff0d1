import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "./client";
import {
	type ActorType,
	type EventOutcome,
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
	detail?: string | null;
	changes?: string[] | null;
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

/** The team's log, newest first, `limit` at a time, before event id `before` when given. */
export async function listEvents(
	db: Db,
	teamId: string,
	options: { limit: number; before?: number },
): Promise<ProvisioningEventRow[]> {
	const scope = eq(provisioningEvents.teamId, teamId);
	return db
		.select()
		.from(provisioningEvents)
		.where(
			options.before === undefined ? scope : and(scope, lt(provisioningEvents.id, options.before)),
		)
		.orderBy(desc(provisioningEvents.id))
		.limit(options.limit);
}
