import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { AppEnv } from "../env";
import {
	type DiscoveryConfig,
	findResourceTypeResource,
	findSchemaResource,
	resourceTypesList,
	schemasList,
	serviceProviderConfig,
} from "../scim/discovery";
import { scimErrors } from "../scim/errors";
import { MAX_BODY_BYTES } from "./body";
import { BULK_LIMITS } from "./bulk";
import { scimBaseUrl } from "./caller";
import { maxResults } from "./params";
import { scimJson } from "./respond";

/** Discovery endpoints: what this service provider supports, truthfully. RFC 7644 §4. */
export const discoveryApp = new Hono<AppEnv>();

discoveryApp.get("/ServiceProviderConfig", (c) => {
	refuseFilter(c);
	return scimJson(c, serviceProviderConfig(config(c)));
});

discoveryApp.get("/ResourceTypes", (c) => {
	refuseFilter(c);
	return scimJson(c, resourceTypesList(config(c)));
});

discoveryApp.get("/ResourceTypes/:id", (c) => {
	refuseFilter(c);
	const found = findResourceTypeResource(c.req.param("id"), config(c));
	if (!found) {
		throw scimErrors.notFound(`No resource type "${c.req.param("id")}".`);
	}
	return scimJson(c, found);
});

discoveryApp.get("/Schemas", (c) => {
	refuseFilter(c);
	return scimJson(c, schemasList(config(c)));
});

discoveryApp.get("/Schemas/:id", (c) => {
	refuseFilter(c);
	const found = findSchemaResource(c.req.param("id"), config(c));
	if (!found) {
		throw scimErrors.notFound(`No schema "${c.req.param("id")}".`);
	}
	return scimJson(c, found);
});

/**
 * RFC 7644 §4: the discovery endpoints do not filter, and answer a filter with 403, so that no
 * client takes the whole list for the answer to its filter. (Query parameter names are
 * case-insensitive here as everywhere in SCIM.)
 */
function refuseFilter(c: Context): void {
	for (const name of new URL(c.req.url).searchParams.keys()) {
		if (name.toLowerCase() === "filter") {
			throw scimErrors.forbidden(
				"The discovery endpoints do not support filtering (RFC 7644 §4); ask without a filter.",
			);
		}
	}
}

function config(c: Context<AppEnv>): DiscoveryConfig {
	return {
		baseUrl: scimBaseUrl(c),
		maxResults: maxResults(c.env),
		maxPayloadBytes: MAX_BODY_BYTES,
		bulk: { supported: true, ...BULK_LIMITS },
		etag: true,
		sort: true,
		changePassword: false,
	};
}
