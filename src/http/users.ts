import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { userFilterSql, userOrderBy } from "../db/filter-sql";
import {
	listGroupsOfUsers,
	type ScimUserView,
	type UserGroups,
	userListFromRows,
	userListQueries,
	userWithGroupsFromRows,
	userWithGroupsQuery,
} from "../db/scim-users";
import type { AppEnv } from "../env";
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
	return sendUser(c, user, 200, projectionFromQuery(c, USER_RESOURCE_TYPE), {}, groups);
});

usersApp.post("/", async (c) => {
	const projection = projectionFromQuery(c, USER_RESOURCE_TYPE);
	const input = unwrap(normalizeUserInput(await readJsonBody(c), USER_RESOURCE_TYPE));
	const team = teamOf(c);
	const user = writeAnswer(c, await team.createUser(writeInput(c), input));
	// A user created just now is in no group yet.
	return sendUser(c, user, 201, projection, { Location: userLocation(c, user.id) }, new Map());
});

usersApp.put("/:id", async (c) => {
	const projection = projectionFromQuery(c, USER_RESOURCE_TYPE);
	const input = unwrap(normalizeUserInput(await readJsonBody(c), USER_RESOURCE_TYPE));
	const team = teamOf(c);
	const [result, groups] = await Promise.all([
		team.replaceUser(writeInput(c), c.req.param("id"), input, c.req.header("If-Match") ?? null),
		groupsOf(c, c.req.param("id")),
	]);
	return sendUser(c, writeAnswer(c, result), 200, projection, {}, groups);
});

usersApp.patch("/:id", async (c) => {
	const projection = projectionFromQuery(c, USER_RESOURCE_TYPE);
	const operations = patchOperations(await readJsonBody(c));
	const team = teamOf(c);
	const [result, groups] = await Promise.all([
		team.patchUser(writeInput(c), c.req.param("id"), operations, c.req.header("If-Match") ?? null),
		groupsOf(c, c.req.param("id")),
	]);
	return sendUser(c, writeAnswer(c, result), 200, projection, {}, groups);
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
	const where =
		params.filter === undefined
			? undefined
			: userFilterSql(params.filter, { teamId, baseUrl: scimBaseUrl(c) });
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
			toScimUser(c, row, groups.get(row.id) ?? []),
			USER_RESOURCE_TYPE,
			params.projection,
		),
	);
	return { resources, total };
}

/**
 * The user's groups, read beside a PUT or PATCH rather than after it: a User write never
 * changes group membership, so the read costs no time of its own.
 */
function groupsOf(c: Context<AppEnv>, id: string): Promise<UserGroups> {
	return listGroupsOfUsers(c.var.db, c.var.scimCaller.teamId, [id]);
}

function sendUser(
	c: Context<AppEnv>,
	user: ScimUserView,
	status: 200 | 201,
	projection: Projection,
	headers: Record<string, string>,
	groups: UserGroups,
): Response {
	const body = projectResource(
		toScimUser(c, user, groups.get(user.id) ?? []),
		USER_RESOURCE_TYPE,
		projection,
	);
	return scimJson(c, body, status, { ...headers, ETag: versionTag(user.version) });
}

function toScimUser(
	c: Context<AppEnv>,
	row: ScimUserView,
	groups: { value: string; display: string }[],
) {
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
		{ baseUrl: scimBaseUrl(c) },
	);
}

function userLocation(c: Context, id: string): string {
	return `${scimBaseUrl(c)}/Users/${id}`;
}
