import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ScimError, type ScimStatus, scimErrors } from "../scim/errors";
import { scimJson } from "./respond";

/**
 * How an error of the SCIM surface becomes its answer: the SCIM Error body (RFC 7644 §3.12) with
 * `application/scim+json`. The other surfaces map their own errors (src/api/errors.ts,
 * src/admin/errors.tsx, src/invites/errors.ts); `toScimError` is the classification they share.
 */
export function handleScimError(error: Error, c: Context): Response | Promise<Response> {
	const scimError = toScimError(error);
	logUnhandled(c, scimError.status, error);
	if (scimError.status === 304) {
		return c.body(null, 304);
	}
	return scimJson(
		c,
		scimError.toBody(),
		scimError.status as ContentfulStatusCode,
		errorHeaders(scimError, error),
	);
}

/** Any error as a ScimError: a thrown ScimError, Hono's HTTPException (bodyLimit, ...), or a 500. */
export function toScimError(error: Error): ScimError {
	if (error instanceof ScimError) {
		return error;
	}
	if (error instanceof HTTPException) {
		const status = error.status as ScimStatus;
		if (status === 401) {
			return scimErrors.unauthorized();
		}
		if (status === 413) {
			return scimErrors.payloadTooLarge();
		}
		return new ScimError(status, undefined, error.message || "Request refused.");
	}
	return scimErrors.internal();
}

/** The headers an error answer carries on every surface: WWW-Authenticate on 401, Retry-After. */
export function errorHeaders(scimError: ScimError, error: Error): Record<string, string> {
	const headers: Record<string, string> = {};
	if (scimError.status === 401) {
		headers["WWW-Authenticate"] = 'Bearer realm="scim-edge"';
	}
	if (error instanceof HTTPException) {
		const retryAfter = error.res?.headers.get("Retry-After");
		if (retryAfter) {
			headers["Retry-After"] = retryAfter;
		}
	}
	return headers;
}

/**
 * Logs an unexpected error: the route pattern, never the path, which can carry a secret
 * (`/invites/:token`, `/admin/login/:token`).
 */
export function logUnhandled(c: Context, status: number, error: Error): void {
	if (status === 500) {
		console.error("unhandled error", c.req.method, routePath(c, -1), error);
	}
}
