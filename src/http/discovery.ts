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

discoveryApp.get("/ServiceProviderConfig", (c) => scimJson(c, serviceProviderConfig(config(c))));

discoveryApp.get("/ResourceTypes", (c) => scimJson(c, resourceTypesList(config(c))));

discoveryApp.get("/ResourceTypes/:id", (c) => {
	const found = findResourceTypeResource(c.req.param("id"), config(c));
	if (!found) {
		throw scimErrors.notFound(`No resource type "${c.req.param("id")}".`);
	}
	return scimJson(c, found);
});

discoveryApp.get("/Schemas", (c) => scimJson(c, schemasList(config(c))));

discoveryApp.get("/Schemas/:id", (c) => {
	const found = findSchemaResource(c.req.param("id"), config(c));
	if (!found) {
		throw scimErrors.notFound(`No schema "${c.req.param("id")}".`);
	}
	return scimJson(c, found);
});

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
