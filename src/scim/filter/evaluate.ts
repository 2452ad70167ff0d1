import { foldCase } from "../fold";
import { getProperty, isObject, type ScimObject } from "../json";
import { definitionOf, findAttribute, resolveAttributePath } from "../schemas/lookup";
import type { AttributeDef, ResourceTypeDef } from "../schemas/types";
import type { AttrPath, CompareOp, CompareValue, Filter } from "./ast";
import { parseDateTime } from "./validate";

/** What a path yields in the current scope: its (flattened, non-null) values and definition. */
type Lookup = (path: AttrPath) => { values: unknown[]; def: AttributeDef | undefined };

function flatten(value: unknown): unknown[] {
	const list = Array.isArray(value) ? value : [value];
	return list.filter((v) => v !== null && v !== undefined);
}

function resourceLookup(resource: ScimObject, resourceType: ResourceTypeDef): Lookup {
	return (path) => {
		const resolved = resolveAttributePath(resourceType, path);
		if (resolved === undefined) {
			return { values: [], def: undefined };
		}
		const def = definitionOf(resolved);
		const container = resolved.extension ? getProperty(resource, resolved.schema.id) : resource;
		const top = getProperty(container, resolved.attribute.name);
		const sub = resolved.subAttribute?.name;
		if (sub === undefined) {
			return { values: flatten(top), def };
		}
		return { values: flatten(top).flatMap((v) => flatten(getProperty(v, sub))), def };
	};
}

function valueLookup(element: unknown, parent: AttributeDef): Lookup {
	return (path) => {
		const def = findAttribute(parent.subAttributes, path.attribute);
		return def === undefined
			? { values: [], def: undefined }
			: { values: flatten(getProperty(element, def.name)), def };
	};
}

/** Present means not null, not an empty string, and for complex values some sub-attribute present. */
function isPresent(value: unknown): boolean {
	if (value === null || value === undefined || value === "") {
		return false;
	}
	if (Array.isArray(value)) {
		return value.some(isPresent);
	}
	if (isObject(value)) {
		return Object.values(value).some(isPresent);
	}
	return true;
}

function compareOrdered<T>(op: CompareOp, a: T, b: T): boolean {
	switch (op) {
		case "eq":
			return a === b;
		case "gt":
			return a > b;
		case "ge":
			return a >= b;
		case "lt":
			return a < b;
		case "le":
			return a <= b;
		default:
			return false;
	}
}

function compareOne(
	op: CompareOp,
	actual: unknown,
	expected: CompareValue,
	def: AttributeDef | undefined,
): boolean {
	if (def?.type === "dateTime") {
		const a = typeof actual === "string" ? parseDateTime(actual) : null;
		const b = typeof expected === "string" ? parseDateTime(expected) : null;
		return a !== null && b !== null && compareOrdered(op, a, b);
	}
	if (typeof actual === "number" && typeof expected === "number") {
		return compareOrdered(op, actual, expected);
	}
	if (typeof actual === "boolean" && typeof expected === "boolean") {
		return op === "eq" && actual === expected;
	}
	if (typeof actual !== "string" || typeof expected !== "string") {
		return false;
	}
	const fold = def?.caseExact !== true;
	const a = fold ? foldCase(actual) : actual;
	const b = fold ? foldCase(expected) : expected;
	switch (op) {
		case "co":
			return a.includes(b);
		case "sw":
			return a.startsWith(b);
		case "ew":
			return a.endsWith(b);
		default:
			return compareOrdered(op, a, b);
	}
}

function evaluateIn(
	filter: Filter,
	lookup: Lookup,
	scopeOf: (path: AttrPath) => Lookup[],
): boolean {
	switch (filter.kind) {
		case "and":
			return evaluateIn(filter.left, lookup, scopeOf) && evaluateIn(filter.right, lookup, scopeOf);
		case "or":
			return evaluateIn(filter.left, lookup, scopeOf) || evaluateIn(filter.right, lookup, scopeOf);
		case "not":
			return !evaluateIn(filter.filter, lookup, scopeOf);
		case "present":
			return lookup(filter.path).values.some(isPresent);
		case "valuePath":
			return scopeOf(filter.path).some((inner) => evaluateIn(filter.filter, inner, () => []));
		case "compare": {
			let { values, def } = lookup(filter.path);
			if (def?.type === "complex") {
				// `emails eq "x"` on a filter that skipped validation: compare the "value" sub-attribute.
				const valueDef = findAttribute(def.subAttributes, "value");
				values = values.flatMap((v) => flatten(getProperty(v, "value")));
				def = valueDef;
			}
			if (filter.value === null) {
				const present = values.some(isPresent);
				return filter.op === "eq" ? !present : filter.op === "ne" ? present : false;
			}
			const expected = filter.value;
			if (filter.op === "ne") {
				// ne is "no value equals", so it holds for a missing attribute and for a multi-valued
				// attribute only when none of its values is equal.
				return !values.some((v) => compareOne("eq", v, expected, def));
			}
			return values.some((v) => compareOne(filter.op, v, expected, def));
		}
	}
}

/**
 * Says whether a SCIM resource (core attributes at the top level, extension attributes under
 * their schema URN) matches a filter: the reference semantics the SQL compiler must agree with.
 * Strings compare per the attribute's caseExact, dateTimes as instants, multi-valued attributes
 * match when any value does, `ne` holds when no value is equal (so also when the attribute is
 * missing), and `pr` needs a non-empty value. RFC 7644 §3.4.2.2.
 * @example evaluateFilter(parseFilter('userName eq "BJensen"'), { userName: "bjensen" }, userType) // true
 */
export function evaluateFilter(
	filter: Filter,
	resource: Record<string, unknown>,
	resourceType: ResourceTypeDef,
): boolean {
	const lookup = resourceLookup(resource, resourceType);
	const scopeOf = (path: AttrPath): Lookup[] => {
		const { values, def } = lookup(path);
		return def === undefined ? [] : values.map((element) => valueLookup(element, def));
	};
	return evaluateIn(filter, lookup, scopeOf);
}

/**
 * Says whether one value of a complex attribute (an element of `emails`, say) matches the inner
 * filter of a value path, whose paths name sub-attributes of `parent`. RFC 7644 §3.5.2.
 * @example matchesValueFilter(parseFilter('type eq "work"'), { type: "Work" }, emailsDef) // true
 */
export function matchesValueFilter(
	filter: Filter,
	element: unknown,
	parent: AttributeDef,
): boolean {
	return evaluateIn(filter, valueLookup(element, parent), () => []);
}
