import { type ScimErrorData, scimErrors } from "./errors";
import { parseDateTime } from "./filter/validate";
import { getProperty, isObject, type ScimObject } from "./json";
import { err, ok, type Result } from "./result";
import { findAttribute } from "./schemas/lookup";
import type { AttributeDef } from "./schemas/types";

/**
 * The one coercer of incoming attribute values: POST and PUT bodies (through normalize.ts), PATCH
 * values and Bulk operations all pass through it, so a value is accepted, cleaned or refused the
 * same way whichever verb carries it. In every function `undefined` means "nothing to store".
 */

/**
 * Coerces an attribute's whole value as a resource body carries it: `null` is nothing (Entra
 * sends null for every unpopulated attribute and never means "clear" by it); readOnly attributes
 * are ignored (RFC 7644 §3.5.1); writeOnly ones are type-checked and never kept (the only one is
 * `password`, which Okta sends with every create while sign-in goes through SSO); a multi-valued
 * attribute takes an array whose empty form means unassigned (RFC 7643 §2.5) and at most one
 * primary value. RFC 7643 §2.3, §2.4.
 * @example coerceAttribute(activeDef, "False", "active") // { ok: true, value: false }
 */
export function coerceAttribute(
	attribute: AttributeDef,
	value: unknown,
	path: string,
): Result<unknown, ScimErrorData> {
	if (value === null || value === undefined || attribute.mutability === "readOnly") {
		return ok(undefined);
	}
	if (attribute.multiValued && !Array.isArray(value)) {
		return fail(`"${path}" must be an array.`);
	}
	const coerced = attribute.multiValued
		? coerceValues(attribute, value, path)
		: coerceValue(attribute, value, path);
	if (!coerced.ok || attribute.mutability === "writeOnly") {
		return coerced.ok ? ok(undefined) : coerced;
	}
	const result = coerced.value;
	return ok(Array.isArray(result) && result.length === 0 ? undefined : result);
}

/**
 * Coerces the values of a multi-valued attribute as PATCH carries them: an array, or one value
 * taken as a list of one; nulls and values with nothing left in them are dropped, so is a value
 * that repeats an earlier one ({@link withoutRepeats}), and at most one value may be primary.
 * RFC 7644 §3.5.2.1, RFC 7643 §2.4.
 * @example coerceValues(membersDef, { value: "u1", displayName: "x" }, "members") // [{ value: "u1" }]
 */
export function coerceValues(
	attribute: AttributeDef,
	value: unknown,
	path: string,
): Result<unknown[], ScimErrorData> {
	const items = Array.isArray(value) ? value : [value];
	const out: unknown[] = [];
	for (const [index, item] of items.entries()) {
		const coerced = coerceValue(attribute, item, Array.isArray(value) ? `${path}[${index}]` : path);
		if (!coerced.ok) {
			return coerced;
		}
		if (coerced.value !== undefined) {
			out.push(coerced.value);
		}
	}
	const values = withoutRepeats(attribute, out);
	if (values.filter(hasPrimary).length > 1) {
		return fail(`"${path}" may have at most one value with primary true (RFC 7643 §2.4).`);
	}
	return ok(values);
}

/** A multi-valued attribute's value's identity: `value`, folded unless caseExact. RFC 7643 §2.4. */
export function valueKey(def: AttributeDef, element: unknown): string | undefined {
	const valueDef = findAttribute(def.subAttributes, "value");
	const value = getProperty(element, "value");
	if (valueDef === undefined || typeof value !== "string") {
		return undefined;
	}
	return valueDef.caseExact ? value : value.toLowerCase();
}

/**
 * Drops each value that repeats an earlier one: the same `value` (folded unless caseExact) and
 * the same `type` (folded). The same address as "work" and as "home" is two values. The value
 * kept is primary when a dropped repeat was. RFC 7643 §2.4: a value is listed once.
 */
function withoutRepeats(attribute: AttributeDef, values: unknown[]): unknown[] {
	const kept = new Map<string, unknown>();
	const out: unknown[] = [];
	for (const value of values) {
		const key = valueKey(attribute, value);
		if (key === undefined) {
			out.push(value);
			continue;
		}
		const type = getProperty(value, "type");
		const identity = JSON.stringify([key, typeof type === "string" ? type.toLowerCase() : null]);
		const earlier = kept.get(identity);
		if (earlier === undefined) {
			kept.set(identity, value);
			out.push(value);
		} else if (hasPrimary(value) && isObject(earlier)) {
			earlier.primary = true;
		}
	}
	return out;
}

/**
 * Coerces one value of an attribute (one element, for a multi-valued one) to the attribute's
 * type. Strings are kept as sent; booleans also come as the strings "true"/"false" in any case
 * (Entra's default job sends "True"/"False"); a complex value keeps its known, writable
 * sub-attributes under their canonical names and drops unknown, readOnly and null ones, and may
 * come as the bare string of its `value` (the Entra validator sends `manager` so) or, when
 * single-valued, as an array of one (Entra adds a manager so). RFC 7643 §2.3, §2.4.
 * @example coerceValue(emailsDef, { VALUE: "a@b.c", type: null }, "emails") // { value: "a@b.c" }
 */
export function coerceValue(
	attribute: AttributeDef,
	value: unknown,
	path: string,
): Result<unknown, ScimErrorData> {
	if (value === null || value === undefined) {
		return ok(undefined);
	}
	return attribute.type === "complex"
		? coerceComplex(attribute, value, path)
		: coerceScalar(attribute, value, path);
}

/** Whether a value of a multi-valued attribute is marked primary. RFC 7643 §2.4. */
export function hasPrimary(value: unknown): boolean {
	return isObject(value) && value.primary === true;
}

function coerceComplex(
	attribute: AttributeDef,
	value: unknown,
	path: string,
): Result<ScimObject | undefined, ScimErrorData> {
	let input = value;
	if (Array.isArray(input) && !attribute.multiValued) {
		if (input.length !== 1) {
			return fail(`"${path}" is single-valued, so it takes one value, not ${input.length}.`);
		}
		input = input[0];
	}
	const subAttributes = attribute.subAttributes ?? [];
	if (typeof input === "string" && findAttribute(subAttributes, "value") !== undefined) {
		input = input.length > 0 ? { value: input } : null;
	}
	if (input === null || input === undefined) {
		return ok(undefined);
	}
	if (!isObject(input)) {
		return fail(`"${path}" must be an object (a complex value), not ${describe(input)}.`);
	}
	// Only canonical sub-attribute names are ever written as keys, so client-chosen keys such as
	// "__proto__" cannot reach the output.
	const output: ScimObject = {};
	for (const [key, item] of Object.entries(input)) {
		const sub = findAttribute(subAttributes, key);
		if (
			sub === undefined ||
			item === null ||
			sub.mutability === "readOnly" ||
			sub.mutability === "writeOnly"
		) {
			continue;
		}
		const coerced = coerceScalar(sub, item, `${path}.${sub.name}`);
		if (!coerced.ok) {
			return coerced;
		}
		output[sub.name] = coerced.value;
	}
	return ok(Object.keys(output).length > 0 ? output : undefined);
}

function coerceScalar(
	attribute: AttributeDef,
	value: unknown,
	path: string,
): Result<unknown, ScimErrorData> {
	switch (attribute.type) {
		case "boolean": {
			if (typeof value === "boolean") {
				return ok(value);
			}
			const lower = typeof value === "string" ? value.toLowerCase() : "";
			return lower === "true" || lower === "false"
				? ok(lower === "true")
				: expected(path, "a boolean (true or false)", value);
		}
		case "integer":
			return typeof value === "number" && Number.isInteger(value)
				? ok(value)
				: expected(path, "an integer", value);
		case "decimal":
			return typeof value === "number" && Number.isFinite(value)
				? ok(value)
				: expected(path, "a number", value);
		case "dateTime":
			return typeof value === "string" && parseDateTime(value) !== null
				? ok(value)
				: expected(path, 'an xsd:dateTime such as "2011-05-13T04:42:34Z"', value);
		case "complex":
			return fail(`"${path}" cannot hold a nested complex value.`);
		default:
			return typeof value === "string" ? ok(value) : expected(path, "a string", value);
	}
}

function expected(path: string, what: string, value: unknown): { ok: false; error: ScimErrorData } {
	return fail(`"${path}" must be ${what}, not ${describe(value)}.`);
}

function describe(value: unknown): string {
	const shown = JSON.stringify(value) ?? String(value);
	return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

function fail(detail: string): { ok: false; error: ScimErrorData } {
	return err(scimErrors.invalidValue(detail).toData());
}
