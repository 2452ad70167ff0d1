import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { AppEnv } from "../env";
import { ScimError } from "../scim/errors";
import { listResponse } from "../scim/list";
import { resolveAttribute } from "../scim/schemas/lookup";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../scim/schemas/resource-types";
import type { ResourceTypeDef } from "../scim/schemas/types";
import { readJsonBody } from "./body";
import { groupPage } from "./groups";
import { type ListParams, searchRequestFromBody } from "./params";
import { scimJson } from "./respond";
import { userPage } from "./users";

type Page = (
	c: Context<AppEnv>,
	params: ListParams,
) => Promise<{ resources: Record<string, unknown>[]; total: number }>;

/** The resource types a root search covers, in the order their results are listed. */
const SEARCHED: readonly { resourceType: ResourceTypeDef; page: Page }[] = [
	{ resourceType: USER_RESOURCE_TYPE, page: userPage },
	{ resourceType: GROUP_RESOURCE_TYPE, page: groupPage },
];

/**
 * `POST /.search` at the service root: one SearchRequest over Users and Groups. RFC 7644 §3.4.3.
 *
 * The filter (and sortBy) is read against each resource type on its own; a type whose schema
 * lacks an attribute the filter names contributes nothing (`userName eq "x"` finds only Users),
 * and only a filter no type understands is a 400. Results are all matching Users, then all
 * matching Groups, each in its own list order (sortBy applies within a type); `totalResults` is
 * the sum and startIndex/count page over that concatenation. Every resource has
 * `meta.resourceType`, so clients can tell them apart.
 */
export const searchApp = new Hono<AppEnv>();

searchApp.post("/.search", async (c) => {
	const request = searchRequestFromBody(c, await readJsonBody(c));
	const applicable: { params: ListParams; page: Page }[] = [];
	let firstError: ScimError | undefined;
	for (const { resourceType, page } of SEARCHED) {
		try {
			const params = request.forType(resourceType);
			// A sortBy only some types have orders those types; the others keep their list order.
			if (params.sortBy !== undefined && !resolveAttribute(resourceType, params.sortBy)) {
				params.sortBy = undefined;
			}
			applicable.push({ params, page });
		} catch (error) {
			if (!(error instanceof ScimError)) {
				throw error;
			}
			firstError ??= error;
		}
	}
	if (applicable.length === 0 && firstError !== undefined) {
		throw firstError;
	}
	// Walk the types in order: `skip` is how much of the concatenation lies before this type.
	let skip = request.startIndex - 1;
	let room = request.count;
	let total = 0;
	const resources: Record<string, unknown>[] = [];
	for (const { params, page } of applicable) {
		const result = await page(c, {
			...params,
			startIndex: skip + 1,
			count: room,
		});
		resources.push(...result.resources);
		total += result.total;
		room -= result.resources.length;
		skip = Math.max(0, skip - result.total);
	}
	return scimJson(
		c,
		listResponse(resources, { totalResults: total, startIndex: request.startIndex }),
	);
});
