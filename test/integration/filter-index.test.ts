import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { groupFilterSql, groupOrderBy, userFilterSql, userOrderBy } from "../../src/db/filter-sql";
import { listQueries } from "../../src/db/list";
import { scimGroups } from "../../src/db/schema";
import { userListQueries } from "../../src/db/scim-users";
import { parseFilter } from "../../src/scim/filter/parse";
import { validateFilter } from "../../src/scim/filter/validate";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../src/scim/schemas/resource-types";

/**
 * The filters IdPs send on every sync (Okta's userName eq, Entra's externalId eq, email
 * lookups) must be index lookups, not scans of the team (docs/architecture.md "compiled to parameterised SQL
 * over indexed columns"). EXPLAIN QUERY PLAN runs on the exact SQL a list request sends.
 */

const PAGE = { startIndex: 1, count: 100 };

async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
	const { sql, params } = query.toSQL();
	const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
		.bind(...params)
		.all<{ detail: string }>();
	return results.map((row) => row.detail).join("\n");
}

async function userPlans(filter: string): Promise<string[]> {
	const db = createDb(env.DB);
	const where = userFilterSql(validateFilter(parseFilter(filter), USER_RESOURCE_TYPE), "team-1");
	const [count, page] = userListQueries(
		db,
		"team-1",
		where,
		userOrderBy(undefined, "ascending"),
		PAGE,
	);
	return [await plan(count), await plan(page)];
}

async function groupPlans(filter: string): Promise<string[]> {
	const db = createDb(env.DB);
	const where = groupFilterSql(validateFilter(parseFilter(filter), GROUP_RESOURCE_TYPE), "team-1");
	const { total: count, page } = listQueries(
		db,
		scimGroups,
		"team-1",
		where,
		groupOrderBy(undefined, "ascending"),
		PAGE,
	);
	return [await plan(count), await plan(page)];
}

/** No step reads every row of the table, or of the team: each searches a selective index. */
function expectNoScan(detail: string, table: string): void {
	expect(detail).not.toMatch(new RegExp(`SCAN ${table}(?! USING)`));
	expect(detail).not.toMatch(
		new RegExp(`SEARCH ${table} USING (COVERING )?INDEX \\w+ \\(team_id=\\?\\)`),
	);
}

describe("EXPLAIN QUERY PLAN of GET /Users?filter=", () => {
	it.each<[string, RegExp]>([
		[
			'userName eq "Ada@Example.com"',
			/SEARCH scim_users USING (COVERING )?INDEX scim_users_team_user_name_key \(team_id=\? AND user_name_key=\?\)/,
		],
		['USERNAME EQ "ada@example.com"', /USING (COVERING )?INDEX scim_users_team_user_name_key/],
		[
			'externalId eq "00u123"',
			/SEARCH scim_users USING (COVERING )?INDEX scim_users_team_external_id \(team_id=\? AND external_id=\?\)/,
		],
		[
			'emails.value eq "ada@example.com"',
			/SEARCH scim_user_emails USING (COVERING )?INDEX scim_user_emails_team_value_key \(team_id=\? AND value_key=\?\)/,
		],
		['emails eq "ada@example.com"', /USING (COVERING )?INDEX scim_user_emails_team_value_key/],
		[
			'emails[type eq "work" and value eq "ada@example.com"]',
			/USING (COVERING )?INDEX scim_user_emails_team_value_key/,
		],
		[
			'emails[value eq "ada@example.com"] and active eq true',
			/USING (COVERING )?INDEX scim_user_emails_team_value_key/,
		],
		[
			'id eq "2819c223-7f76-453a-919d-413861904646"',
			/SEARCH scim_users USING (INDEX sqlite_autoindex_scim_users_1|PRIMARY KEY|COVERING INDEX sqlite_autoindex_scim_users_1) \(id=\?\)/,
		],
	])("%s uses its index", async (filter, expected) => {
		for (const detail of await userPlans(filter)) {
			expect(detail).toMatch(expected);
			expectNoScan(detail, "scim_users");
			expectNoScan(detail, "scim_user_emails");
		}
	});
});

describe("EXPLAIN QUERY PLAN of a Users page's groups column", () => {
	it("looks up each returned user's memberships by user id, never scanning memberships", async () => {
		const [, page] = await userPlans('userName eq "ada@example.com"');
		expect(page).toMatch(/CORRELATED SCALAR SUBQUERY/);
		expect(page).toMatch(
			/SEARCH m USING (COVERING )?INDEX scim_group_members_user \(scim_user_id=\?\)/,
		);
		expect(page).toMatch(
			/SEARCH g USING (INDEX sqlite_autoindex_scim_groups_1|PRIMARY KEY|COVERING INDEX sqlite_autoindex_scim_groups_1) \(id=\?\)/,
		);
		expect(page).not.toMatch(/SCAN m\b/);
		expect(page).not.toMatch(/SCAN g\b/);
	});
});

describe("EXPLAIN QUERY PLAN of GET /Groups?filter=", () => {
	it.each<[string, RegExp]>([
		[
			'displayName eq "Engineering"',
			/SEARCH scim_groups USING (COVERING )?INDEX scim_groups_team_display_name_key \(team_id=\? AND display_name_key=\?\)/,
		],
		[
			'externalId eq "grp-1"',
			/SEARCH scim_groups USING (COVERING )?INDEX scim_groups_team_external_id \(team_id=\? AND external_id=\?\)/,
		],
		[
			'id eq "2819c223-7f76-453a-919d-413861904646"',
			/SEARCH scim_groups USING (INDEX sqlite_autoindex_scim_groups_1|PRIMARY KEY|COVERING INDEX sqlite_autoindex_scim_groups_1) \(id=\?\)/,
		],
	])("%s uses its index", async (filter, expected) => {
		for (const detail of await groupPlans(filter)) {
			expect(detail).toMatch(expected);
			expectNoScan(detail, "scim_groups");
		}
	});
});
