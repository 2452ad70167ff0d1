import { scimErrors } from "./errors";
import { parseDateTime } from "./filter/validate";
import { isObject } from "./json";
import { findAttribute } from "./schemas/lookup";
import type { AttributeDef } from "./schemas/types";

/**
 * Turns a value a client sent for an attribute into the attribute's type, or refuses it with a
 * SCIM error. RFC 7643 §2.3.
 */

type Obj = Record<string, unknown>;

function newObj(): Obj {
	return Object.create(null) as Obj;
}

/** Whether a value of a multi-valued attribute is marked primary. RFC 7643 §2.4. */
export function hasPrimary(value: unknown): boolean {
	return isObject(value) && value.primary === true;
}

function describeValue(value: unknown): string {
	return JSON.stringify(value) ?? String(value);
}

/** Coerces the value for a multi-valued attribute; a single value is taken as a list of one. */
export function coerceList(def: AttributeDef, value: unknown, label: string): unknown[] {
	const items = Array.isArray(value) ? value : [value];
	const out: unknown[] = [];
	for (const item of items) {
		const coerced = coerce(def, item, label);
		if (coerced !== undefined) {
			out.push(coerced);
		}
	}
	if (out.filter(hasPrimary).length > 1) {
		throw scimErrors.invalidValue(`Only one value of "${label}" may be primary (RFC 7643 §2.4).`);
	}
	return out;
}

/**
 * Coerces one value to an attribute's type, or returns undefined when there is nothing to store
 * (null, or a complex value with only nulls and readOnly parts).
 */
export function coerce(def: AttributeDef, value: unknown, label: string): unknown {
	if (value === null || value === undefined) {
		return undefined;
	}
	switch (def.type) {
		case "complex":
			return coerceComplex(def, value, label);
		case "boolean": {
			if (typeof value === "boolean") {
				return value;
			}
			// Entra's default job sends "True"/"False" (IDP-COMPAT.md §3.2 "Disable"); lowercase
			// strings were reported in 2025.
			const lower = typeof value === "string" ? value.toLowerCase() : "";
			if (lower === "true" || lower === "false") {
				return lower === "true";
			}
			throw scimErrors.invalidValue(
				`"${label}" must be a boolean (true or false), not ${describeValue(value)}.`,
			);
		}
		case "integer":
			if (typeof value === "number" && Number.isInteger(value)) {
				return value;
			}
			throw scimErrors.invalidValue(`"${label}" must be an integer, not ${describeValue(value)}.`);
		case "decimal":
			if (typeof value === "number" && Number.isFinite(value)) {
				return value;
			}
			throw scimErrors.invalidValue(`"${label}" must be a number, not ${describeValue(value)}.`);
		case "dateTime":
			if (typeof value === "string" && parseDateTime(value) !== null) {
				return value;
			}
			throw scimErrors.invalidValue(
				`"${label}" must be an xsd:dateTime such as "2011-05-13T04:42:34Z", not ${describeValue(value)}.`,
			);
		default:
			if (typeof value === "string") {
				return value;
			}
			throw scimErrors.invalidValue(`"${label}" must be a string, not ${describeValue(value)}.`);
	}
}

function coerceComplex(def: AttributeDef, value: unknown, label: string): Obj | undefined {
	let input = value;
	if (Array.isArray(input) && !def.multiValued) {
		// Entra adds a manager as a one-element array (IDP-COMPAT.md §3.1 "Manager (reference)").
		if (input.length !== 1) {
			throw scimErrors.invalidValue(
				`"${label}" is single-valued, so it takes one value, not ${input.length}.`,
			);
		}
		input = input[0];
	}
	if (typeof input === "string" && findAttribute(def.subAttributes, "value") !== undefined) {
		// The Entra validator sends manager as a bare id (IDP-COMPAT.md §3.2 "Other Entra quirks").
		input = { value: input };
	}
	if (!isObject(input)) {
		throw scimErrors.invalidValue(
			`"${label}" is complex, so its value must be an object, not ${describeValue(input)}.`,
		);
	}
	const out = newObj();
	for (const [k, v] of Object.entries(input)) {
		if (v === null || v === undefined) {
			// Entra sends "$ref": null with members (IDP-COMPAT.md §3.1 "Add members").
			continue;
		}
		const subDef = findAttribute(def.subAttributes, k);
		if (subDef === undefined) {
			throw scimErrors.invalidValue(`"${label}" has no sub-attribute "${k}".`);
		}
		if (subDef.mutability === "readOnly" || subDef.mutability === "writeOnly") {
			continue;
		}
		const coerced = coerce(subDef, v, `${label}.${subDef.name}`);
		if (coerced !== undefined) {
			out[subDef.name] = coerced;
		}
	}
	return Object.keys(out).length > 0 ? out : undefined;
}
