import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { userFilterSql, userOrderBy } from "../db/filter-sql";
import {
	groupsFromColumn,
	type ScimUserView,
	type UserGroup,
	userGroupsQuery,
	userListFromRows,
	userListQueries,
	userWithGroupsFromRows,
	userWithGroupsQuery,
} from "../db/scim-users";
import type { AppEnv } from "../env";
import type { UserWrite } from "../provisioning/users";
import { scimErrors } from "../scim/errors";
import { etagMatches, versionTag } from "../scim/etag";
import { listResponse } from "../scim/list";
import { normalizeUserInput } from "../scim/normalize";
import { type Projection, projectResource } from "../scim/project";
import { userResource } from "../scim/resources";
import { USER_RESOURCE_TYPE } from "../scim/schemas/resource-types";
import { readJsonBody } from "./body";
import { scimBaseUrl, teamOf, writeAnswer, writeInput } from "./caller";
import { readWithKey } from "./middleware/scim-auth";
import {
	type ListParams,
	listParamsFromQuery,
	listParamsFromSearch,
	patchOperations,
	projectionFromQuery,
} from "./params";
import { scimJson } from "./respond";
import { unwrap } from "./unwrap";

/** /Users: the team's provisioned people. RFC 7644 §3.3–§3.6. */
export const usersApp = new Hono<AppEnv>();

usersApp.get("/", async (c) => listUsers(c, listParamsFromQuery(c, USER_RESOURCE_TYPE)));

usersApp.post("/.search", async (c) =>
	listUsers(c, listParamsFromSearch(c, await readJsonBody(c), USER_RESOURCE_TYPE)),
);

usersApp.get("/:id", async (c) => {
	const { db, scimCaller } = c.var;
	const [rows] = await readWithKey(c, [
		userWithGroupsQuery(db, scimCaller.teamId, c.req.param("id")),
	]);
	const found = userWithGroupsFromRows(rows);
	if (!found) {
		throw scimErrors.notFound(`User ${c.req.param("id")} not found.`);
	}
	const { user, groups } = found;
	const ifNoneMatch = c.req.header("If-None-Match");
	if (ifNoneMatch && etagMatches(ifNoneMatch, user.version)) {
		return c.body(null, 304, { ETag: versionTag(user.version) });
	}
	return sendUser(
		c,
		user,
		200,
		projectionFromQuery(c, USER_RESOURCE_TYPE),
		{},
		groups.get(user.id) ?? [],
	);
});

usersApp.post("/", async (c) => {
	const projection = projectionFromQuery(c, USER_RESOURCE_TYPE);
	const input = unwrap(normalizeUserInput(await readJsonBody(c), USER_RESOURCE_TYPE));
	const team = teamOf(c);
	const written = writeAnswer(c, await team.createUser(writeInput(c), input));
	return sendWritten(c, written, 201, projection, { Location: userLocation(c, written.row.id) });
});

usersApp.put("/:id", async (c) => {
	const projection = projectionFromQuery(c, USER_RESOURCE_TYPE);
	const input = unwrap(normalizeUserInput(await readJsonBody(c), USER_RESOURCE_TYPE));
	const id = c.req.param("id");
	const ifMatch = c.req.header("If-Match") ?? null;
	const result = await teamOf(c).replaceUser(writeInput(c), id, input, ifMatch);
	return sendWritten(c, writeAnswer(c, result), 200, projection);
});

usersApp.patch("/:id", async (c) => {
	const projection = projectionFromQuery(c, USER_RESOURCE_TYPE);
	const operations = patchOperations(await readJsonBody(c));
	const id = c.req.param("id");
	const ifMatch = c.req.header("If-Match") ?? null;
	const result = await teamOf(c).patchUser(writeInput(c), id, operations, ifMatch);
	return sendWritten(c, writeAnswer(c, result), 200, projection);
});

usersApp.delete("/:id", async (c) => {
	const team = teamOf(c);
	writeAnswer(
		c,
		await team.deleteUser(writeInput(c), c.req.param("id"), c.req.header("If-Match") ?? null),
	);
	return c.body(null, 204);
});

async function listUsers(c: Context<AppEnv>, params: ListParams): Promise<Response> {
	const { resources, total } = await userPage(c, params);
	return scimJson(
		c,
		listResponse(resources, { totalResults: total, startIndex: params.startIndex }),
	);
}

/** One page of the team's Users as projected SCIM resources, and how many match in all. */
export async function userPage(
	c: Context<AppEnv>,
	params: ListParams,
): Promise<{ resources: Record<string, unknown>[]; total: number }> {
	const { teamId } = c.var.scimCaller;
	// Parsed once for the page: once per row of 100 it cost 3 % of a list's CPU.
	const baseUrl = scimBaseUrl(c);
	const where =
		params.filter === undefined ? undefined : userFilterSql(params.filter, { teamId, baseUrl });
	const page = { startIndex: params.startIndex, count: params.count };
	const queries = userListQueries(
		c.var.db,
		teamId,
		where,
		userOrderBy(params.sortBy, params.sortOrder),
		page,
	);
	const { rows, total, groups } = userListFromRows(page, await readWithKey(c, [...queries]));
	const resources = rows.map((row) =>
		projectResource(
			toScimUser(baseUrl, row, groups.get(row.id) ?? []),
			USER_RESOURCE_TYPE,
			params.projection,
		),
	);
	return { resources, total };
}

/**
 * Answers a User write with the written user and its groups: those the write's own batch read
 * (src/provisioning/users.ts UserWrite), else, for a write that changed nothing and so sent no
 * batch, read now, in one round trip with the key check that no batch made.
 */
async function sendWritten(
	c: Context<AppEnv>,
	written: UserWrite,
	status: 200 | 201,
	projection: Projection,
	headers: Record<string, string> = {},
): Promise<Response> {
	let groups = written.groups;
	if (groups === null) {
		const [rows] = await readWithKey(c, [
			userGroupsQuery(c.var.db, c.var.scimCaller.teamId, written.row.id),
		]);
		groups = rows[0] ? groupsFromColumn(rows[0].groups) : [];
	}
	return sendUser(c, written.row, status, projection, headers, groups);
}

function sendUser(
	c: Context<AppEnv>,
	user: ScimUserView,
	status: 200 | 201,
	projection: Projection,
	headers: Record<string, string>,
	groups: UserGroup[],
): Response {
	const body = projectResource(
		toScimUser(scimBaseUrl(c), user, groups),
		USER_RESOURCE_TYPE,
		projection,
	);
	return scimJson(c, body, status, { ...headers, ETag: versionTag(user.version) });
}

function toScimUser(baseUrl: string, row: ScimUserView, groups: UserGroup[]) {
	const resource: Record<string, unknown> = { ...row.resource };
	if (groups.length > 0) {
		resource.groups = groups.map((g) => ({ ...g, type: "direct" }));
	}
	return userResource(
		{
			id: row.id,
			resource,
			created: row.createdAt,
			lastModified: row.updatedAt,
			version: row.version,
		},
		{ baseUrl },
	);
}

function userLocation(c: Context, id: string): string {
	return `${scimBaseUrl(c)}/Users/${id}`;
}
