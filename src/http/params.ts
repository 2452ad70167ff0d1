import type { Context } from "hono";
import type { AppEnv } from "../env";
import { scimErrors } from "../scim/errors";
import type { Filter } from "../scim/filter/ast";
import { parseFilter } from "../scim/filter/parse";
import { validateFilter } from "../scim/filter/validate";
import { checkPatchMemberLimits } from "../scim/limits";
import type { PatchOperation } from "../scim/patch";
import { checkProjection, type Projection, parseAttributeList } from "../scim/project";
import {
	listQuerySchema,
	patchRequestSchema,
	searchRequestSchema,
	zodToScimError,
} from "../scim/schemas/messages";
import type { ResourceTypeDef } from "../scim/schemas/types";

/** A list request's parameters, from the query string or a SearchRequest body. RFC 7644 §3.4.2–3. */
export interface ListParams {
	filter?: Filter;
	startIndex: number;
	count: number;
	sortBy?: string;
	sortOrder: "ascending" | "descending";
	projection: Projection;
}

/** The largest page a client may ask for (`filter.maxResults` in /ServiceProviderConfig). */
export function maxResults(env: Env): number {
	const configured = Number(env.SCIM_MAX_RESULTS);
	return Number.isInteger(configured) && configured > 0 ? configured : 200;
}

/**
 * Refuses a query string that repeats a parameter (`filter=a&filter=b`, or `count` and `COUNT`,
 * since SCIM parameter names are case-insensitive): which one to honour would be a guess, and a
 * guess that differs from a proxy's or a WAF's is how filters get smuggled past them.
 * RFC 7644 §3.4.2 defines each parameter once.
 */
export function rejectRepeatedQueryParams(url: string): void {
	if (!url.includes("?")) {
		// No query string (a get by id, a write): nothing to parse.
		return;
	}
	const seen = new Set<string>();
	for (const name of new URL(url).searchParams.keys()) {
		const key = name.toLowerCase();
		if (seen.has(key)) {
			throw scimErrors.invalidValue(`The query parameter "${name}" is given more than once.`);
		}
		seen.add(key);
	}
}

/** List parameters from the query string of GET /Users or GET /Groups. */
export function listParamsFromQuery(c: Context<AppEnv>, resourceType: ResourceTypeDef): ListParams {
	const query = c.req.query();
	const parsed = listQuerySchema(maxResults(c.env)).safeParse(query);
	if (!parsed.success) {
		throw zodToScimError(parsed.error);
	}
	return toListParams(parsed.data, resourceType);
}

/** List parameters from a POST /.search body. RFC 7644 §3.4.3. */
export function listParamsFromSearch(
	c: Context<AppEnv>,
	body: unknown,
	resourceType: ResourceTypeDef,
): ListParams {
	return searchRequestFromBody(c, body).forType(resourceType);
}

/**
 * A checked SearchRequest body, whose filter and sortBy are then read against each resource type
 * it applies to (one for /Users/.search, all of them for the root /.search). RFC 7644 §3.4.3.
 */
export function searchRequestFromBody(
	c: Context<AppEnv>,
	body: unknown,
): { startIndex: number; count: number; forType(resourceType: ResourceTypeDef): ListParams } {
	const parsed = searchRequestSchema(maxResults(c.env)).safeParse(body);
	if (!parsed.success) {
		throw zodToScimError(parsed.error);
	}
	const data = parsed.data;
	return {
		startIndex: data.startIndex,
		count: data.count,
		forType: (resourceType) => toListParams(data, resourceType),
	};
}

/**
 * The attributes/excludedAttributes of a single-resource request, checked against the resource
 * type; read it before a write, so a malformed one refuses the request rather than its answer.
 * RFC 7644 §3.9.
 */
export function projectionFromQuery(c: Context, resourceType: ResourceTypeDef): Projection {
	const projection = {
		attributes: parseAttributeList(c.req.query("attributes")),
		excludedAttributes: parseAttributeList(c.req.query("excludedAttributes")),
	};
	checkProjection(resourceType, projection);
	return projection;
}

/** The Operations of a PATCH body, after checking the PatchOp envelope. RFC 7644 §3.5.2. */
export function patchOperations(body: unknown): PatchOperation[] {
	const parsed = patchRequestSchema.safeParse(body);
	if (!parsed.success) {
		throw zodToScimError(parsed.error);
	}
	const tooMany = checkPatchMemberLimits(parsed.data.Operations);
	if (tooMany !== undefined) {
		throw tooMany;
	}
	return parsed.data.Operations;
}

function toListParams(
	data: {
		filter?: string;
		startIndex: number;
		count: number;
		sortBy?: string;
		sortOrder?: string;
		attributes?: string | string[];
		excludedAttributes?: string | string[];
	},
	resourceType: ResourceTypeDef,
): ListParams {
	const sortOrder = data.sortOrder?.toLowerCase() ?? "ascending";
	if (sortOrder !== "ascending" && sortOrder !== "descending") {
		throw scimErrors.invalidValue(
			`sortOrder must be "ascending" or "descending", not "${data.sortOrder}".`,
		);
	}
	const projection = {
		attributes: toList(data.attributes),
		excludedAttributes: toList(data.excludedAttributes),
	};
	checkProjection(resourceType, projection);
	return {
		...(data.filter !== undefined && data.filter.trim() !== ""
			? { filter: validateFilter(parseFilter(data.filter), resourceType) }
			: {}),
		startIndex: data.startIndex,
		count: data.count,
		...(data.sortBy ? { sortBy: data.sortBy } : {}),
		sortOrder,
		projection,
	};
}

function toList(value: string | string[] | undefined): string[] {
	return Array.isArray(value) ? value : parseAttributeList(value);
}
