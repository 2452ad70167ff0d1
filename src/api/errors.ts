import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorHeaders, logUnhandled, toScimError } from "../http/errors";
import type { ScimError, ScimStatus, ScimType } from "../scim/errors";

/** How an error of the service API becomes its answer: `{"error": {"code", "message"}}`. */
export function handleApiError(error: Error, c: Context): Response | Promise<Response> {
	const scimError = toScimError(error);
	logUnhandled(c, scimError.status, error);
	return c.json(
		{ error: { code: apiErrorCode(scimError), message: scimError.detail } },
		scimError.status as ContentfulStatusCode,
		errorHeaders(scimError, error),
	);
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
