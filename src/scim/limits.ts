import { type ScimError, scimErrors } from "./errors";
import type { PatchOperation } from "./patch";

/**
 * Size limits on what a client may send. RFC 7644 §3.4.2.4, §3.5.2 and §3.12 leave every limit to
 * the service provider; these are far above what Okta, Entra or OneLogin send (docs/idp-notes.md) and
 * low enough that no request can make the Worker or D1 fail: a D1 row holds at most 2 MB and a
 * Worker has 128 MB of memory.
 */

/**
 * The longest `userName` or group `displayName` accepted, in characters (Unicode code points, so
 * an emoji counts once); RFC 7643 §4.1.1 and §4.2 set no limit.
 */
export const MAX_NAME_LENGTH = 256;
/** The deepest nesting of arrays and objects in a JSON body. A SCIM User nests three levels. */
export const MAX_JSON_DEPTH = 32;
/** The most elements of any one array in a JSON body. */
export const MAX_JSON_ARRAY_LENGTH = 10_000;
/** The longest string (value or key) in a JSON body, in UTF-16 code units. */
export const MAX_JSON_STRING_LENGTH = 64 * 1024;
/** The most emails one User may hold (RFC 7643 §4.1.2 sets no limit). */
export const MAX_USER_EMAILS = 100;
/** The most values of any multi-valued User attribute other than emails. */
export const MAX_MULTI_VALUES = 100;
/**
 * The most members one Group may have. Equal to {@link MAX_JSON_ARRAY_LENGTH}, so that a Group
 * any write made can always be PUT back as it is.
 */
export const MAX_GROUP_MEMBERS = MAX_JSON_ARRAY_LENGTH;
/** The most members one PATCH operation may add, remove or replace (RFC 7644 §3.5.2). */
export const MAX_MEMBERS_PER_OPERATION = 1000;
/** The largest stored resource, as JSON, in bytes (each D1 row holds at most 2 MB). */
export const MAX_RESOURCE_BYTES = 256 * 1024;

/**
 * Checks the shape of a parsed JSON body before anything else walks it: nesting depth, array
 * lengths and string lengths. Iterative, so a hostile body cannot overflow the stack.
 * RFC 7644 §3.12.
 * @returns the 400 to answer, or undefined when the body is within the limits.
 * @example const problem = checkJsonLimits(JSON.parse(text)); if (problem) throw problem;
 */
export function checkJsonLimits(value: unknown): ScimError | undefined {
	const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
	for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
		const { value: current, depth } = item;
		if (typeof current === "string") {
			if (current.length > MAX_JSON_STRING_LENGTH) {
				return scimErrors.invalidValue(
					`A string in the request body is ${current.length} characters long; the limit is ${MAX_JSON_STRING_LENGTH}.`,
				);
			}
			continue;
		}
		if (typeof current !== "object" || current === null) {
			continue;
		}
		if (depth >= MAX_JSON_DEPTH) {
			return scimErrors.invalidSyntax(
				`The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`,
			);
		}
		if (Array.isArray(current)) {
			if (current.length > MAX_JSON_ARRAY_LENGTH) {
				return scimErrors.invalidValue(
					`An array in the request body has ${current.length} elements; the limit is ${MAX_JSON_ARRAY_LENGTH}.`,
				);
			}
			for (const element of current) {
				stack.push({ value: element, depth: depth + 1 });
			}
			continue;
		}
		for (const [key, element] of Object.entries(current)) {
			if (key.length > MAX_JSON_STRING_LENGTH) {
				return scimErrors.invalidValue(
					`A key in the request body is ${key.length} characters long; the limit is ${MAX_JSON_STRING_LENGTH}.`,
				);
			}
			stack.push({ value: element, depth: depth + 1 });
		}
	}
	return undefined;
}

/**
 * Checks a User resource as it is about to be stored (after POST, PUT or PATCH): at most
 * {@link MAX_USER_EMAILS} emails, {@link MAX_MULTI_VALUES} values per other multi-valued
 * attribute and {@link MAX_RESOURCE_BYTES} in all. RFC 7643 §4.1.2.
 * @returns the 400 invalidValue to answer, or undefined.
 */
export function checkUserResourceLimits(resource: Record<string, unknown>): ScimError | undefined {
	const nameProblem = checkNameLength(resource.userName, "userName");
	if (nameProblem !== undefined) {
		return nameProblem;
	}
	for (const [name, value] of Object.entries(resource)) {
		if (!Array.isArray(value)) {
			continue;
		}
		const limit = name.toLowerCase() === "emails" ? MAX_USER_EMAILS : MAX_MULTI_VALUES;
		if (value.length > limit) {
			return scimErrors.invalidValue(
				`A User may have at most ${limit} ${name}; this one would have ${value.length}.`,
			);
		}
	}
	return checkResourceSize(resource, "User");
}

/**
 * Checks a Group as it is about to be stored, whichever write made it: the displayName length,
 * {@link MAX_RESOURCE_BYTES} for its attributes (members are stored apart), and at most
 * {@link MAX_GROUP_MEMBERS} members. RFC 7643 §4.2.
 * @returns the 400 invalidValue to answer, or undefined.
 */
export function checkGroupResourceLimits(
	attributes: Record<string, unknown>,
	memberCount: number,
): ScimError | undefined {
	if (memberCount > MAX_GROUP_MEMBERS) {
		return scimErrors.invalidValue(
			`A Group may have at most ${MAX_GROUP_MEMBERS} members; this one would have ${memberCount}.`,
		);
	}
	return (
		checkNameLength(attributes.displayName, "displayName") ?? checkResourceSize(attributes, "Group")
	);
}

/**
 * The length rule of a unique name (userName, displayName), for POST and PUT (normalize.ts) and
 * for values a PATCH sets. Counts code points; the UTF-16 units only bound the loop.
 */
export function checkNameLength(value: unknown, name: string): ScimError | undefined {
	if (typeof value !== "string" || value.length <= MAX_NAME_LENGTH) {
		return undefined;
	}
	let characters = 0;
	for (const _ of value) {
		characters += 1;
	}
	return characters > MAX_NAME_LENGTH
		? scimErrors.invalidValue(`${name} must be at most ${MAX_NAME_LENGTH} characters long.`)
		: undefined;
}

/**
 * Checks that a resource's stored JSON stays under {@link MAX_RESOURCE_BYTES}. RFC 7643 §2.
 * @returns the 400 invalidValue to answer, or undefined.
 */
export function checkResourceSize(
	resource: Record<string, unknown>,
	kind: "User" | "Group",
): ScimError | undefined {
	const bytes = new TextEncoder().encode(JSON.stringify(resource)).byteLength;
	return bytes > MAX_RESOURCE_BYTES
		? scimErrors.invalidValue(
				`The ${kind} would take ${bytes} bytes; a stored ${kind} may take at most ${MAX_RESOURCE_BYTES}.`,
			)
		: undefined;
}

/**
 * Checks that no PATCH operation carries more than {@link MAX_MEMBERS_PER_OPERATION} members,
 * whether under `path: "members"` or as `members` in a path-less value. RFC 7644 §3.5.2.
 * @returns the 400 invalidValue to answer, or undefined.
 */
export function checkPatchMemberLimits(
	operations: readonly PatchOperation[],
): ScimError | undefined {
	for (const [index, operation] of operations.entries()) {
		const count = memberCount(operation);
		if (count > MAX_MEMBERS_PER_OPERATION) {
			return scimErrors.invalidValue(
				`Operations[${index}] carries ${count} members; one operation may carry at most ${MAX_MEMBERS_PER_OPERATION}. Split it into several operations.`,
			);
		}
	}
	return undefined;
}

function memberCount(operation: PatchOperation): number {
	const { value } = operation;
	const path = typeof operation.path === "string" ? operation.path.trim().toLowerCase() : "";
	if (/^(?:urn:[^\s]*:)?members$/.test(path)) {
		return Array.isArray(value) ? value.length : 1;
	}
	if (path === "" && typeof value === "object" && value !== null && !Array.isArray(value)) {
		const members = Object.entries(value).find(([key]) => key.toLowerCase().endsWith("members"));
		return Array.isArray(members?.[1]) ? members[1].length : 0;
	}
	return 0;
}
