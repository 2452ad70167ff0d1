import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ScimError, type ScimStatus, scimErrors } from "../scim/errors";
import { scimJson } from "./respond";

/**
 * The one place errors become HTTP responses. SCIM routes answer with the SCIM Error body
 * (RFC 7644 §3.12); the service API with `{"error": {"code", "message"}}` (DESIGN.md).
 */
export function handleError(error: Error, c: Context): Response {
	const scimError = toScimError(error);
	if (scimError.status === 500) {
		// The route pattern, not the path: a path can carry a secret (`/invites/:token`).
		console.error("unhandled error", c.req.method, routePath(c, -1), error);
	}
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
	const status = scimError.status as ContentfulStatusCode;
	if (isServiceApi(c)) {
		return c.json(
			{ error: { code: apiErrorCode(scimError), message: scimError.detail } },
			status,
			headers,
		);
	}
	if (scimError.status === 304) {
		return c.body(null, 304, headers);
	}
	return scimJson(c, scimError.toBody(), status, headers);
}

/** The 404 for any unknown route. */
export function handleNotFound(c: Context): Response {
	return handleError(scimErrors.notFound(`No such endpoint: ${c.req.method} ${c.req.path}`), c);
}

function toScimError(error: Error): ScimError {
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

function isServiceApi(c: Context): boolean {
	return c.req.path.startsWith("/api/");
}

function apiErrorCode(error: ScimError): string {
	if (error.scimType) {
		return error.scimType;
	}
	const codes: Partial<Record<ScimStatus, string>> = {
		400: "bad_request",
		401: "unauthorized",
		403: "forbidden",
		404: "not_found",
		409: "conflict",
		412: "precondition_failed",
		413: "payload_too_large",
		429: "rate_limited",
	};
	return codes[error.status] ?? "internal_error";
}
