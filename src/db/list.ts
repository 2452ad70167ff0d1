import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { SelectedFields, SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";
import type { FilterSql } from "./filter-sql";
import { withOperands } from "./lists";
import { scimGroups, type scimUsers, teams } from "./schema";

/** A page of a list request: 1-based `startIndex` and at most `count` rows. RFC 7644 §3.4.2.4. */
export interface ListPage {
	startIndex: number;
	count: number;
}

/** The tables SCIM lists page through. */
type ListedTable = typeof scimUsers | typeof scimGroups;

/**
 * `team_id = ?` for a list query, marked as likely true: without table statistics SQLite guesses
 * that it keeps about 10 rows and prefers walking the team in list order over a far more
 * selective lookup such as `id in (select … from scim_user_emails where lower(value) = ?)`.
 * The hint only changes that estimate; the condition is the same.
 */
export function teamScope(column: SQLiteColumn, teamId: string): SQL {
	return sql`likelihood(${column} = ${teamId}, 0.9375)`;
}

/**
 * The queries of a list request, built but not run: the total, one page of `columns` (the
 * table's own by default), and the ids of that page for a statement that reads what belongs to
 * the page's rows in the same batch. An unfiltered total is the team's stored count
 * (teams.scim_user_count, kept by triggers), not a count of the team.
 * Exposed so tests can EXPLAIN them (test/integration/filter-index.test.ts).
 */
export function listQueries(
	db: Db,
	table: ListedTable,
	teamId: string,
	filter: FilterSql | undefined,
	orderBy: SQL[],
	page: ListPage,
	columns: SelectedFields = getTableColumns(table),
) {
	const team = teamScope(table.teamId, teamId);
	const scope = filter ? and(team, filter.where) : team;
	const operands = withOperands(db, filter?.operands);
	const stored = table === scimGroups ? teams.scimGroupCount : teams.scimUserCount;
	return {
		total: filter
			? db
					.with(...operands)
					.select({ n: sql<number>`count(*)` })
					.from(table)
					.where(scope)
			: db.select({ n: stored }).from(teams).where(eq(teams.id, teamId)),
		page: db
			.with(...operands)
			.select(columns)
			.from(table)
			.where(scope)
			.orderBy(...orderBy)
			.limit(page.count)
			.offset(page.startIndex - 1),
		/**
		 * The page's ids as a CTE, for a statement (`db.with(...operands, pageIds)`) that reads what
		 * belongs to the page's rows. A CTE, not a subquery inside an expression: SQLite counts a
		 * subquery's expression towards the depth limit of the expression around it.
		 */
		pageIds: db.$with("page_ids").as(
			db
				.select({ id: table.id })
				.from(table)
				.where(scope)
				.orderBy(...orderBy)
				.limit(page.count)
				.offset(page.startIndex - 1),
		),
		operands,
	};
}
