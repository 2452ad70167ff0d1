import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { renderAdminError } from "../admin/error-page";
import { renderInviteError } from "../invites/pages";
import { ScimError, type ScimStatus, type ScimType, scimErrors } from "../scim/errors";
import { scimJson } from "./respond";

/**
 * The one place errors become HTTP responses. SCIM routes answer with the SCIM Error body
 * (RFC 7644 §3.12); the service API with `{"error": {"code", "message"}}` (DESIGN.md); the
 * admin page and the public invite pages with small HTML pages.
 */
export function handleError(error: Error, c: Context): Response | Promise<Response> {
	if (isAdminPage(c)) {
		const { status, message } = adminError(error);
		if (status === 500) {
			// The route pattern, not the path: /admin/login/:token carries a secret.
			console.error("unhandled error", c.req.method, routePath(c, -1), error);
		}
		return renderAdminError(c, status, message);
	}
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
	if (c.req.path === "/invites" || c.req.path.startsWith("/invites/")) {
		return renderInviteError(c, status, inviteErrorMessage(scimError));
	}
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
export function handleNotFound(c: Context): Response | Promise<Response> {
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

/** What the invitee reads: the reason for 403 (cross-site form) and 404; nothing internal. */
function inviteErrorMessage(error: ScimError): string {
	switch (error.status) {
		case 403:
			return "The form was sent from another site. Open the invite link again and accept there.";
		case 404:
			return "There is no page at this address. Check that you opened the whole invite link.";
		case 500:
			return "Please try again in a moment.";
		default:
			return error.detail;
	}
}

function isAdminPage(c: Context): boolean {
	return c.req.path === "/admin" || c.req.path.startsWith("/admin/");
}

/** Status and a message an admin can read; internal errors say nothing about their cause. */
function adminError(error: Error): { status: ContentfulStatusCode; message: string } {
	if (error instanceof ScimError) {
		return { status: error.status as ContentfulStatusCode, message: error.detail };
	}
	if (error instanceof HTTPException) {
		const fallback: Record<number, string> = {
			401: "Sign in to see this page.",
			403: "You are not allowed to do that.",
			404: "There is no such page.",
			413: "The form was too large.",
		};
		return {
			status: error.status as ContentfulStatusCode,
			message: error.message || fallback[error.status] || "The request was refused.",
		};
	}
	return { status: 500, message: "Something went wrong on our side. Try again in a moment." };
}

function isServiceApi(c: Context): boolean {
	return c.req.path.startsWith("/api/");
}

/**
 * The service API's `code`: snake_case throughout, so a SCIM `scimType` (camelCase in RFC 7644
 * Table 9) is renamed, and an error without one is named by its status.
 */
function apiErrorCode(error: ScimError): string {
	if (error.scimType) {
		return SCIM_TYPE_CODES[error.scimType];
	}
	return STATUS_CODES[error.status] ?? "internal_error";
}

const SCIM_TYPE_CODES: Record<ScimType, string> = {
	invalidFilter: "invalid_filter",
	tooMany: "too_many",
	uniqueness: "uniqueness",
	mutability: "mutability",
	invalidSyntax: "invalid_syntax",
	invalidPath: "invalid_path",
	noTarget: "no_target",
	invalidValue: "invalid_value",
	invalidVers: "invalid_version",
	sensitive: "sensitive",
};

const STATUS_CODES: Partial<Record<ScimStatus, string>> = {
	400: "bad_request",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found",
	409: "conflict",
	412: "precondition_failed",
	413: "payload_too_large",
	429: "rate_limited",
	501: "not_implemented",
	503: "unavailable",
};
