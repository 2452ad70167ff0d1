/** A JSON object as SCIM resources and messages use it. RFC 7643 §2. */
export type ScimObject = Record<string, unknown>;

/** Whether a value is a JSON object (not null, not an array). RFC 7643 §2. */
export function isObject(value: unknown): value is ScimObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The own key of `obj` that spells `name`, preferring the exact spelling, else ignoring case, since
 * attribute names are case-insensitive. RFC 7643 §2.1.
 * @example findKey({ UserName: "a" }, "userName") // "UserName"
 */
export function findKey(obj: ScimObject, name: string): string | undefined {
	if (Object.hasOwn(obj, name)) {
		return name;
	}
	const lower = name.toLowerCase();
	return Object.keys(obj).find((key) => key.toLowerCase() === lower);
}

/** Reads an own property by name, ignoring case; undefined for anything but an object. RFC 7643 §2.1. */
export function getProperty(obj: unknown, name: string): unknown {
	if (!isObject(obj)) {
		return undefined;
	}
	const key = findKey(obj, name);
	return key === undefined ? undefined : obj[key];
}
