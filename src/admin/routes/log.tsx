import { HTTPException } from "hono/http-exception";
import { Hono } from "hono/tiny";
import { getEvent, listEventActions, listEvents } from "../../db/events";
import { logCsv } from "../log-csv";
import { actorNames, eventEmails, eventQuery, logFilters } from "../log-query";
import { actorLabel, LogEventPage, LogPage } from "../pages/log";
import { type AdminEnv, renderPage } from "../session";

const LOG_PAGE_SIZE = 50;

/** The provisioning log: every SCIM and admin action, filterable, paged, exportable as CSV. */
export const logRoutes = new Hono<AdminEnv>();

logRoutes.get("/log", async (c) => {
	const { teamId } = c.var.admin;
	const db = c.var.db;
	const filters = logFilters(c);
	const before = cursor(c.req.query("before"));
	const [rows, actions, names] = await Promise.all([
		listEvents(db, teamId, { ...eventQuery(filters), before, limit: LOG_PAGE_SIZE + 1 }),
		listEventActions(db, teamId),
		actorNames(c),
	]);
	const events = rows.slice(0, LOG_PAGE_SIZE);
	const last = events.at(-1);
	const emails = await eventEmails(c, events, names.byId);
	return renderPage(
		c,
		"Provisioning log",
		<LogPage
			events={events}
			filters={filters}
			actions={actions}
			keys={names.keys}
			actorNames={names.byId}
			emails={emails}
			nextBefore={rows.length > LOG_PAGE_SIZE && last ? last.id : null}
			firstPage={before === undefined}
		/>,
	);
});

logRoutes.get("/log.csv", logCsv);

logRoutes.get("/log/:id", async (c) => {
	const id = cursor(c.req.param("id"));
	const event = id === undefined ? null : await getEvent(c.var.db, c.var.admin.teamId, id);
	if (!event) {
		throw new HTTPException(404, { message: "This log event does not exist in your team." });
	}
	const names = await actorNames(c);
	const emails = await eventEmails(c, [event], names.byId);
	return renderPage(
		c,
		`Log event ${event.id}`,
		<LogEventPage
			event={event}
			actor={actorLabel(event, names.byId)}
			email={emails.get(event.id) ?? null}
		/>,
	);
});

function cursor(value: string | undefined): number | undefined {
	const n = Number(value);
	return value && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
