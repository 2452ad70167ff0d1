import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";

/**
 * Sends a SCIM JSON body. The content type is `application/scim+json` unless the client asked
 * only for `application/json` (OneLogin's documented expectation, docs/idp-notes.md "OneLogin").
 */
export function scimJson(
	c: Context,
	body: unknown,
	status: ContentfulStatusCode = 200,
	headers: Record<string, string> = {},
): Response {
	return c.json(body, status, {
		...headers,
		"Content-Type": scimContentType(c.req.header("Accept")),
	});
}

/** The response content type for a request's Accept header. RFC 7644 §3.1, §8.1. */
export function scimContentType(accept: string | undefined): string {
	if (!accept) {
		return SCIM_CONTENT_TYPE;
	}
	const types = accept.split(",").map((part) => part.split(";")[0]?.trim().toLowerCase());
	const wantsPlainJsonOnly =
		types.includes("application/json") && !types.includes("application/scim+json");
	return wantsPlainJsonOnly && !types.includes("*/*")
		? "application/json; charset=utf-8"
		: SCIM_CONTENT_TYPE;
}
