import { Hono } from "hono/tiny";
import type { AppEnv } from "../env";
import { type BulkLimits, bulkResponse, parseBulkRequest } from "../scim/bulk";
import { MAX_BODY_BYTES, readJsonBody } from "./body";
import { scimBaseUrl, teamWriter, writeInput } from "./caller";
import { scimJson } from "./respond";
import { unwrap } from "./unwrap";

/**
 * The bulk limits, advertised in /ServiceProviderConfig and enforced here: the payload limit is
 * the body limit every SCIM request has. RFC 7644 §3.7.4.
 */
export const BULK_LIMITS: BulkLimits = { maxOperations: 1000, maxPayloadSize: MAX_BODY_BYTES };

/**
 * POST /Bulk: many writes in one request, run in order by the team's Durable Object. Each
 * operation is atomic; the request as a whole is not a transaction. RFC 7644 §3.7.
 */
export const bulkApp = new Hono<AppEnv>();

bulkApp.post("/", async (c) => {
	const team = await teamWriter(c);
	const request = unwrap(parseBulkRequest(await readJsonBody(c), BULK_LIMITS));
	const results = await team.runBulk(writeInput(c), request);
	return scimJson(c, bulkResponse(request.operations, results, scimBaseUrl(c)));
});
