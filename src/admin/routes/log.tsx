import { Hono } from "hono";
import { listEventActions, listEvents } from "../../db/events";
import { logCsv } from "../log-csv";
import { actorNames, eventQuery, logFilters } from "../log-query";
import { LogPage } from "../pages/log";
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
	return renderPage(
		c,
		"Provisioning log",
		<LogPage
			events={events}
			filters={filters}
			actions={actions}
			keys={names.keys}
			actorNames={names.byId}
			nextBefore={rows.length > LOG_PAGE_SIZE && last ? last.id : null}
			firstPage={before === undefined}
		/>,
	);
});

logRoutes.get("/log.csv", logCsv);

function cursor(value: string | undefined): number | undefined {
	const n = Number(value);
	return value && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
