import type { Context } from "hono";
import { listEvents } from "../db/events";
import type { ProvisioningEventRow } from "../db/schema";
import { csvRow } from "./csv";
import { shownChanges } from "./log-changes";
import { actorNames, eventQuery, logFilters } from "./log-query";
import { actorLabel } from "./pages/log";
import type { AdminEnv } from "./session";

const CSV_MAX_ROWS = 50_000;
const CSV_CHUNK = 1000;

const HEADER = [
	"id",
	"at",
	"actor_type",
	"actor_id",
	"actor",
	"action",
	"target_type",
	"target_id",
	"target_label",
	"outcome",
	"status",
	"changes",
	"detail",
];

/** GET /admin/log.csv: the filtered log (up to 50,000 rows, newest first) as a CSV download. */
export async function logCsv(c: Context<AdminEnv>): Promise<Response> {
	const { teamId } = c.var.admin;
	const filters = logFilters(c);
	const names = await actorNames(c);
	let csv = csvRow(HEADER);
	let before: number | undefined;
	for (let total = 0; total < CSV_MAX_ROWS; ) {
		const rows: ProvisioningEventRow[] = await listEvents(c.var.db, teamId, {
			...eventQuery(filters),
			before,
			limit: CSV_CHUNK,
		});
		for (const e of rows) {
			csv += csvRow([
				e.id,
				e.at,
				e.actorType,
				e.actorId,
				actorLabel(e, names.byId),
				e.action,
				e.targetType,
				e.targetId,
				e.targetLabel,
				e.outcome,
				e.status,
				changesText(e),
				e.detail,
			]);
		}
		total += rows.length;
		before = rows.at(-1)?.id;
		if (rows.length < CSV_CHUNK || before === undefined) {
			break;
		}
	}
	const date = new Date().toISOString().slice(0, 10);
	return c.body(csv, 200, {
		"Content-Type": "text/csv; charset=utf-8",
		"Content-Disposition": `attachment; filename="provisioning-log-${date}.csv"`,
	});
}

/** "department: Eng → Sales; first name": what changed, as on the page, one cell. */
function changesText(event: ProvisioningEventRow): string {
	return shownChanges(event.changes)
		.map((c) =>
			c.hidden
				? `${c.label}: (secret, not shown)`
				: c.hasValues
					? `${c.label}: ${c.before ?? "—"} → ${c.after ?? "—"}`
					: c.label,
		)
		.join("; ");
}
