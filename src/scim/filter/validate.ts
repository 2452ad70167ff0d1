import { scimErrors } from "../errors";
import {
	attributePathOf,
	definitionOf,
	findAttribute,
	isNeverReturned,
	resolveAttributePath,
} from "../schemas/lookup";
import type { AttributeDef, ResourceTypeDef } from "../schemas/types";
import type { AttrPath, CompareOp, CompareValue, Filter } from "./ast";
import { printAttrPath } from "./print";

const SUBSTRING_OPS: ReadonlySet<CompareOp> = new Set(["co", "sw", "ew"]);

// xsd:dateTime as RFC 7643 §2.3.5 requires; a value without a zone is read as UTC so results do
// not depend on the host's time zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Parses an xsd:dateTime into epoch milliseconds, or null when it is not one. RFC 7643 §2.3.5. */
export function parseDateTime(text: string): number | null {
	const match = DATE_TIME.exec(text);
	if (match === null) {
		return null;
	}
	const ms = Date.parse(match[1] === undefined ? `${text}Z` : text);
	return Number.isNaN(ms) ? null : ms;
}

function invalid(detail: string): never {
	throw scimErrors.invalidFilter(`Invalid filter: ${detail}.`);
}

/** Checks an operator against an attribute's type and returns the value coerced to that type. */
function checkComparison(
	def: AttributeDef,
	label: string,
	op: CompareOp,
	value: CompareValue,
): CompareValue {
	if (value === null) {
		if (op !== "eq" && op !== "ne") {
			invalid(`"${op} null" on "${label}" is not supported; only eq and ne compare with null`);
		}
		return null;
	}
	switch (def.type) {
		case "boolean": {
			if (op !== "eq" && op !== "ne") {
				invalid(`"${op}" cannot be used on the boolean attribute "${label}"; use eq or ne`);
			}
			if (typeof value === "boolean") {
				return value;
			}
			const lower = String(value).toLowerCase();
			if (lower === "true" || lower === "false") {
				return lower === "true";
			}
			return invalid(
				`"${label}" is boolean, so the value must be true or false, not ${JSON.stringify(value)}`,
			);
		}
		case "integer":
		case "decimal": {
			if (SUBSTRING_OPS.has(op)) {
				invalid(`"${op}" cannot be used on the numeric attribute "${label}"`);
			}
			const num = typeof value === "number" ? value : Number(value);
			if (typeof value === "boolean" || value === "" || !Number.isFinite(num)) {
				invalid(
					`"${label}" is ${def.type}, so the value must be a number, not ${JSON.stringify(value)}`,
				);
			}
			if (def.type === "integer" && !Number.isInteger(num)) {
				invalid(`"${label}" is an integer, so ${JSON.stringify(value)} cannot match it`);
			}
			return num;
		}
		case "dateTime": {
			if (SUBSTRING_OPS.has(op)) {
				invalid(
					`"${op}" cannot be used on the dateTime attribute "${label}"; use eq, ne, gt, ge, lt or le`,
				);
			}
			if (typeof value !== "string" || parseDateTime(value) === null) {
				invalid(
					`"${label}" is a dateTime, so the value must be an xsd:dateTime such as "2011-05-13T04:42:34Z", not ${JSON.stringify(value)}`,
				);
			}
			return value;
		}
		case "binary": {
			if (op !== "eq" && op !== "ne") {
				invalid(`"${op}" cannot be used on the binary attribute "${label}"; use eq or ne`);
			}
			return String(value);
		}
		case "complex":
			return invalid(`"${label}" is complex; compare one of its sub-attributes instead`);
		default:
			// string and reference. Numbers and booleans become strings: Entra sends unquoted values
			// (docs/idp-notes.md "Microsoft Entra ID"), and `externalId eq 12345` means the string "12345".
			return typeof value === "string" ? value : String(value);
	}
}

function checkFilterable(def: AttributeDef, label: string): void {
	if (isNeverReturned(def)) {
		invalid(`"${label}" cannot be used in a filter`);
	}
}

type Scope =
	| { kind: "resource"; resourceType: ResourceTypeDef }
	| { kind: "value"; parent: AttributeDef; parentLabel: string };

function resolveIn(
	path: AttrPath,
	scope: Scope,
): { def: AttributeDef; path: AttrPath; label: string } {
	if (scope.kind === "resource") {
		const resolved = resolveAttributePath(scope.resourceType, path);
		const label = printAttrPath(path);
		if (resolved === undefined) {
			const parent = resolveAttributePath(scope.resourceType, {
				...path,
				subAttribute: undefined,
			});
			if (parent !== undefined && path.subAttribute !== undefined) {
				invalid(`"${parent.attribute.name}" has no sub-attribute "${path.subAttribute}"`);
			}
			invalid(`unknown attribute "${label}" for resource type ${scope.resourceType.name}`);
		}
		const canonical = attributePathOf(resolved);
		return {
			def: definitionOf(resolved),
			path: canonical,
			label: printAttrPath({
				attribute: canonical.attribute,
				subAttribute: canonical.subAttribute,
			}),
		};
	}
	if (path.uri !== undefined || path.subAttribute !== undefined) {
		invalid(
			`"${printAttrPath(path)}" inside "${scope.parentLabel}[…]" must be a plain sub-attribute name of "${scope.parentLabel}"`,
		);
	}
	const sub = findAttribute(scope.parent.subAttributes, path.attribute);
	if (sub === undefined) {
		invalid(`"${scope.parentLabel}" has no sub-attribute "${path.attribute}"`);
	}
	return {
		def: sub,
		path: { attribute: sub.name },
		label: `${scope.parentLabel}.${sub.name}`,
	};
}

function validate(filter: Filter, scope: Scope): Filter {
	switch (filter.kind) {
		case "and":
		case "or":
			return {
				kind: filter.kind,
				left: validate(filter.left, scope),
				right: validate(filter.right, scope),
			};
		case "not":
			return { kind: "not", filter: validate(filter.filter, scope) };
		case "present": {
			const { def, path, label } = resolveIn(filter.path, scope);
			checkFilterable(def, label);
			return { kind: "present", path };
		}
		case "compare": {
			let { def, path, label } = resolveIn(filter.path, scope);
			checkFilterable(def, label);
			if (def.type === "complex" && def.multiValued && path.subAttribute === undefined) {
				// A multi-valued complex attribute compared as a whole means its "value" sub-attribute
				// (RFC 7644 §3.4.2.2: `emails eq "x"` matches any emails.value).
				const value = findAttribute(def.subAttributes, "value");
				if (value !== undefined && scope.kind === "resource") {
					path = { ...path, subAttribute: value.name };
					label = `${label}.${value.name}`;
					def = value;
				}
			}
			return {
				kind: "compare",
				path,
				op: filter.op,
				value: checkComparison(def, label, filter.op, filter.value),
			};
		}
		case "valuePath": {
			if (scope.kind === "value") {
				invalid("value filters cannot be nested");
			}
			const { def, path, label } = resolveIn(filter.path, scope);
			if (def.type !== "complex" || path.subAttribute !== undefined) {
				invalid(`"${label}[…]" needs a complex attribute, but "${label}" is ${def.type}`);
			}
			checkFilterable(def, label);
			return {
				kind: "valuePath",
				path,
				filter: validate(filter.filter, { kind: "value", parent: def, parentLabel: label }),
			};
		}
	}
}

/**
 * Checks a parsed filter against a resource type and returns a copy with canonical attribute
 * names, `uri` filled in, and values coerced to the attribute types; paths inside a value filter
 * stay relative to its attribute (`{ attribute: "type" }` in `emails[type eq "work"]`).
 * RFC 7644 §3.4.2.2.
 * @throws ScimError 400 invalidFilter naming the unknown attribute or the unsupported comparison.
 */
export function validateFilter(filter: Filter, resourceType: ResourceTypeDef): Filter {
	return validate(filter, { kind: "resource", resourceType });
}
