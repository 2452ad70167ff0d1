/** URN of the SCIM Error message. RFC 7644 §3.12. */
export const MESSAGE_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

/** The `scimType` values RFC 7644 Table 9 defines. */
export type ScimType =
	| "invalidFilter"
	| "tooMany"
	| "uniqueness"
	| "mutability"
	| "invalidSyntax"
	| "invalidPath"
	| "noTarget"
	| "invalidValue"
	| "invalidVers"
	| "sensitive";

/** HTTP statuses a SCIM error can carry. RFC 7644 §3.12. */
export type ScimStatus = 304 | 400 | 401 | 403 | 404 | 409 | 412 | 413 | 429 | 500 | 501 | 503;

/** A plain, serialisable description of a SCIM error: what crosses Durable Object RPC. */
export interface ScimErrorData {
	status: ScimStatus;
	scimType?: ScimType;
	detail: string;
}

/** The SCIM Error response body. RFC 7644 §3.12: `status` is a string on the wire. */
export interface ScimErrorBody {
	schemas: [typeof MESSAGE_ERROR];
	status: string;
	scimType?: ScimType;
	detail: string;
}

/** The one error type of scim-edge; mapped to HTTP in exactly one place. RFC 7644 §3.12. */
export class ScimError extends Error {
	override readonly name = "ScimError";
	constructor(
		readonly status: ScimStatus,
		readonly scimType: ScimType | undefined,
		readonly detail: string,
	) {
		super(detail);
	}

	/** Rebuilds an error from its serialisable form (after Durable Object RPC). */
	static from(data: ScimErrorData): ScimError {
		return new ScimError(data.status, data.scimType, data.detail);
	}

	/** The serialisable form of this error. */
	toData(): ScimErrorData {
		return this.scimType === undefined
			? { status: this.status, detail: this.detail }
			: { status: this.status, scimType: this.scimType, detail: this.detail };
	}

	/** The SCIM Error response body. RFC 7644 §3.12. */
	toBody(): ScimErrorBody {
		const body: ScimErrorBody = {
			schemas: [MESSAGE_ERROR],
			status: String(this.status),
			detail: this.detail,
		};
		if (this.scimType !== undefined) {
			body.scimType = this.scimType;
		}
		return body;
	}
}

/**
 * One factory per RFC 7644 Table 9 entry, plus the plain HTTP errors SCIM uses; each carries the
 * RFC's meaning as its default detail.
 * @example throw scimErrors.uniqueness(`userName "${userName}" is already taken in this team`);
 */
export const scimErrors = {
	invalidFilter: (
		detail = "The specified filter syntax was invalid or the attribute and comparison combination is not supported.",
	) => new ScimError(400, "invalidFilter", detail),
	tooMany: (
		detail = "The specified filter yields more results than the server is willing to calculate or process.",
	) => new ScimError(400, "tooMany", detail),
	uniqueness: (
		detail = "One or more of the attribute values are already in use or are reserved.",
	) => new ScimError(409, "uniqueness", detail),
	mutability: (
		detail = "The attempted modification is not compatible with the target attribute's mutability or current state.",
	) => new ScimError(400, "mutability", detail),
	invalidSyntax: (
		detail = "The request body message structure was invalid or did not conform to the request schema.",
	) => new ScimError(400, "invalidSyntax", detail),
	invalidPath: (detail = "The path attribute was invalid or malformed.") =>
		new ScimError(400, "invalidPath", detail),
	noTarget: (path: string) =>
		new ScimError(
			400,
			"noTarget",
			`The path "${path}" did not yield an attribute or attribute value that could be operated on.`,
		),
	invalidValue: (
		detail = "A required value was missing, or the value specified was not compatible with the operation or attribute type.",
	) => new ScimError(400, "invalidValue", detail),
	invalidVers: (detail = "The specified SCIM protocol version is not supported.") =>
		new ScimError(400, "invalidVers", detail),
	sensitive: (
		detail = "The request cannot be completed because it contained sensitive information in the URI.",
	) => new ScimError(403, "sensitive", detail),
	badRequest: (detail: string) => new ScimError(400, undefined, detail),
	unauthorized: (
		detail = "Authentication failed: send a valid SCIM API key as 'Authorization: Bearer <key>'.",
	) => new ScimError(401, undefined, detail),
	forbidden: (detail: string) => new ScimError(403, undefined, detail),
	notFound: (detail = "Resource not found.") => new ScimError(404, undefined, detail),
	conflict: (detail: string) => new ScimError(409, undefined, detail),
	preconditionFailed: (detail = "The resource has changed: its version does not match If-Match.") =>
		new ScimError(412, undefined, detail),
	payloadTooLarge: (detail = "The request body is larger than the server accepts.") =>
		new ScimError(413, undefined, detail),
	tooManyRequests: (detail = "Too many requests: retry after the time given in Retry-After.") =>
		new ScimError(429, undefined, detail),
	internal: (detail = "An internal error occurred.") => new ScimError(500, undefined, detail),
	notImplemented: (detail: string) => new ScimError(501, undefined, detail),
} as const;
