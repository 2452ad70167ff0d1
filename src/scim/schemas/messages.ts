import * as z from "../../zod";
import { ScimError, type ScimErrorData, type ScimType } from "../errors";
import { parseAttributeList } from "../project";
import { err, ok, type Result } from "../result";
import { MESSAGE_PATCH_OP, MESSAGE_SEARCH_REQUEST } from "./urns";

/** The most operations one PATCH request may carry. RFC 7644 §3.5.2 leaves the limit to us. */
export const MAX_PATCH_OPERATIONS = 1000;

/** Marks a custom zod issue with the SCIM error type it should become. */
const SCIM_TYPE = "scimType";

function issueWith(scimType: ScimType) {
	return { params: { [SCIM_TYPE]: scimType } };
}

/** Renames the given keys to their canonical spelling: SCIM attribute names are case-insensitive. */
function canonicalKeys(names: readonly string[]) {
	const byLower = new Map(names.map((name) => [name.toLowerCase(), name]));
	return (input: unknown): unknown => {
		if (typeof input !== "object" || input === null || Array.isArray(input)) {
			return input;
		}
		const output: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(input)) {
			output[byLower.get(key.toLowerCase()) ?? key] = value;
		}
		return output;
	};
}

/** `z.preprocess`, which `zod/mini` spells as a pipe from a transform, as classic zod builds it. */
function preprocess<T extends z.core.$ZodType>(fn: (input: unknown) => unknown, schema: T) {
	return z.pipe(z.transform(fn), schema);
}

function schemasListing(urn: string) {
	return z.array(z.string(), { error: `"schemas" must be an array listing "${urn}".` }).check(
		z.refine((schemas) => schemas.some((schema) => schema.toLowerCase() === urn.toLowerCase()), {
			message: `"schemas" must list "${urn}".`,
			...issueWith("invalidSyntax"),
		}),
	);
}

/** One PATCH operation as sent; `op` and `path` are interpreted by the PATCH engine. RFC 7644 §3.5.2. */
export const patchOperationSchema = preprocess(
	canonicalKeys(["op", "path", "value"]),
	z.looseObject(
		{
			op: z.optional(z.string({ error: '"op" must be a string: "add", "remove" or "replace".' })),
			path: z.optional(z.string({ error: '"path" must be a string.' })),
			value: z.optional(z.unknown()),
		},
		{
			error: 'must be an object with "op" ("add", "remove" or "replace") and a "path" or "value".',
		},
	),
);

/** A PATCH request body: PatchOp `schemas` and 1 to 1000 `Operations`. RFC 7644 §3.5.2. */
export const patchRequestSchema = preprocess(
	canonicalKeys(["schemas", "Operations"]),
	z.looseObject({
		schemas: schemasListing(MESSAGE_PATCH_OP),
		Operations: z
			.array(patchOperationSchema, { error: '"Operations" must be an array of operations.' })
			.check(
				z.minLength(1, { message: '"Operations" must hold at least one operation.' }),
				z.maxLength(MAX_PATCH_OPERATIONS, {
					message: `"Operations" may hold at most ${MAX_PATCH_OPERATIONS} operations.`,
				}),
			),
	}),
);

/** A parsed PATCH request body. RFC 7644 §3.5.2. */
export type PatchRequest = z.output<typeof patchRequestSchema>;

/** List and search parameters after validation and clamping. RFC 7644 §3.4.2, §3.4.3. */
export interface ListQuery {
	filter?: string;
	sortBy?: string;
	sortOrder?: "ascending" | "descending";
	/** 1-based; values below 1 are taken as 1 (RFC 7644 §3.4.2.4). */
	startIndex: number;
	/** Between 0 and the maximum; negative values are taken as 0 (RFC 7644 §3.4.2.4). */
	count: number;
	attributes: string[];
	excludedAttributes: string[];
}

/** Accepts an integer or an integer-looking string; blank means absent. */
function integerParam(name: string) {
	return z.optional(
		z.pipe(
			z.unknown(),
			z.transform((value, ctx): number | undefined => {
				if (
					value === undefined ||
					value === null ||
					(typeof value === "string" && value.trim() === "")
				) {
					return undefined;
				}
				if (typeof value === "number" && Number.isInteger(value)) {
					return value;
				}
				if (typeof value === "string" && /^[+-]?\d{1,15}$/.test(value.trim())) {
					return Number(value.trim());
				}
				ctx.issues.push({
					code: "custom",
					message: `"${name}" must be an integer, got ${JSON.stringify(value)}.`,
					input: value,
					...issueWith("invalidValue"),
				});
				return z.NEVER;
			}),
		),
	);
}

const optionalText = z.pipe(
	z.optional(z.string()),
	z.transform((value: string | undefined) =>
		value === undefined || value.trim() === "" ? undefined : value,
	),
);

const sortOrderParam = z.pipe(
	z.optional(z.string()),
	z.transform((value: string | undefined, ctx): ListQuery["sortOrder"] => {
		if (value === undefined || value.trim() === "") {
			return undefined;
		}
		const lower = value.trim().toLowerCase();
		if (lower === "ascending" || lower === "descending") {
			return lower;
		}
		ctx.issues.push({
			code: "custom",
			message: `"sortOrder" must be "ascending" or "descending", got ${JSON.stringify(value)}.`,
			input: value,
			...issueWith("invalidValue"),
		});
		return z.NEVER;
	}),
);

/** An optional comma-separated list of attribute names. */
const attributeList = z.pipe(
	z.optional(z.string()),
	z.transform((value: string | undefined) => parseAttributeList(value)),
);

/** List parameters as parsed, before clamping. */
interface ListParams {
	filter?: string | undefined;
	sortBy?: string | undefined;
	sortOrder?: ListQuery["sortOrder"];
	startIndex?: number | undefined;
	count?: number | undefined;
	attributes: string[];
	excludedAttributes: string[];
}

function toListQuery(input: ListParams, maxCount: number): ListQuery {
	const query: ListQuery = {
		startIndex: Math.max(1, input.startIndex ?? 1),
		count: Math.min(maxCount, Math.max(0, input.count ?? maxCount)),
		attributes: input.attributes,
		excludedAttributes: input.excludedAttributes,
	};
	if (input.filter !== undefined) {
		query.filter = input.filter;
	}
	if (input.sortBy !== undefined) {
		query.sortBy = input.sortBy;
	}
	if (input.sortOrder !== undefined) {
		query.sortOrder = input.sortOrder;
	}
	return query;
}

const LIST_PARAMS = [
	"filter",
	"sortBy",
	"sortOrder",
	"startIndex",
	"count",
	"attributes",
	"excludedAttributes",
];

/**
 * The query string of GET /Users and /Groups: `startIndex` below 1 becomes 1, `count` below 0
 * becomes 0 and above `maxCount` becomes `maxCount` (also the default); non-integers are 400
 * invalidValue. Parameter names are case-insensitive. RFC 7644 §3.4.2.
 * @example listQuerySchema(100).parse({ startIndex: "1", count: "2" }).count // 2
 */
export function listQuerySchema(maxCount: number) {
	const params = z.object({
		filter: optionalText,
		sortBy: optionalText,
		sortOrder: sortOrderParam,
		startIndex: integerParam("startIndex"),
		count: integerParam("count"),
		attributes: attributeList,
		excludedAttributes: attributeList,
	});
	return preprocess(
		canonicalKeys(LIST_PARAMS),
		z.pipe(
			params,
			z.transform((input: z.output<typeof params>) => toListQuery(input, maxCount)),
		),
	);
}

/** `attributes` in a SearchRequest: a list of names; a comma-separated string is tolerated. */
const attributeNames = z.pipe(
	z.optional(
		z.union([z.array(z.string()), z.string()], {
			error: "must be an array of attribute names.",
		}),
	),
	z.transform((value: string[] | string | undefined) =>
		value === undefined ? [] : parseAttributeList(Array.isArray(value) ? value.join(",") : value),
	),
);

/**
 * A POST /.search body, validated and clamped exactly like `listQuerySchema`; `schemas` must list
 * the SearchRequest URN. RFC 7644 §3.4.3.
 */
export function searchRequestSchema(maxCount: number) {
	const request = z.looseObject({
		schemas: schemasListing(MESSAGE_SEARCH_REQUEST),
		filter: optionalText,
		sortBy: optionalText,
		sortOrder: sortOrderParam,
		startIndex: integerParam("startIndex"),
		count: integerParam("count"),
		attributes: attributeNames,
		excludedAttributes: attributeNames,
	});
	return preprocess(
		canonicalKeys(["schemas", ...LIST_PARAMS]),
		z.pipe(
			request,
			z.transform((input: z.output<typeof request>) => toListQuery(input, maxCount)),
		),
	);
}

const SHAPE_CODES = new Set(["invalid_type", "unrecognized_keys", "invalid_union", "invalid_key"]);

function formatPath(path: readonly PropertyKey[]): string {
	let text = "";
	for (const segment of path) {
		text +=
			typeof segment === "number" ? `[${segment}]` : `${text === "" ? "" : "."}${String(segment)}`;
	}
	return text;
}

/**
 * Turns a failed zod parse into a SCIM error: 400 invalidSyntax when the body has the wrong shape,
 * invalidValue when a value is out of range; the detail lists every problem with its path.
 * RFC 7644 §3.12.
 * @example throw zodToScimError(result.error)
 */
export function zodToScimError(error: z.core.$ZodError): ScimError {
	const first = error.issues[0];
	const marked =
		first?.code === "custom" ? (first.params?.[SCIM_TYPE] as ScimType | undefined) : undefined;
	const scimType: ScimType =
		marked ??
		(first !== undefined && SHAPE_CODES.has(first.code) ? "invalidSyntax" : "invalidValue");
	const detail = error.issues
		.map((issue) => {
			const path = formatPath(issue.path);
			return path === "" || issue.message.startsWith('"')
				? issue.message
				: `${path}: ${issue.message}`;
		})
		.join(" ");
	return new ScimError(400, scimType, detail || "The request is invalid.");
}

/**
 * Parses input with a zod schema into a `Result`, mapping failures with `zodToScimError`.
 * RFC 7644 §3.12.
 * @example parseWith(patchRequestSchema, body)
 */
export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown): Result<T, ScimErrorData> {
	const parsed = schema.safeParse(input);
	return parsed.success ? ok(parsed.data) : err(zodToScimError(parsed.error).toData());
}
