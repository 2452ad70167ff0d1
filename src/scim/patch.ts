import { coerceValue, coerceValues, hasPrimary } from "./coerce";
import { ScimError, type ScimErrorData, scimErrors } from "./errors";
import type { Filter } from "./filter/ast";
import { matchesValueFilter } from "./filter/evaluate";
import { isForbiddenSegment, parseAttrPath, parsePatchPath } from "./filter/parse";
import { printAttrPath } from "./filter/print";
import { validateFilter } from "./filter/validate";
import { getProperty, isObject } from "./json";
import { checkChangedNames } from "./normalize";
import { removeValue } from "./patch-remove";
import {
	deepEqual,
	deleteKey,
	newObj,
	type Obj,
	orThrow,
	PatchTargets,
	sameValue,
	setKey,
	type Target,
	targetOf,
} from "./patch-target";
import { err, ok, type Result } from "./result";
import { attributePathOf, findAttribute, findSchema, resolveAttributePath } from "./schemas/lookup";
import type { AttributeDef, ResourceTypeDef } from "./schemas/types";

/** One PATCH operation as sent in `Operations`; `op` may be missing or in any case. RFC 7644 §3.5.2. */
export interface PatchOperation {
	op?: string;
	path?: string;
	value?: unknown;
}

/** Switches for the PATCH engine's IdP leniency. RFC 7644 §3.5.2. */
export interface PatchOptions {
	/**
	 * What add/replace do when a value filter matches nothing: `true` (the default) adds a new
	 * value built from the filter's `eq` terms, as Entra expects; `false` answers noTarget, as
	 * RFC 7644 §3.5.2.3 says.
	 */
	addOnNoTarget?: boolean;
}

/** What {@link applyPatch} produced. RFC 7644 §3.5.2. */
export interface PatchOutcome {
	/** The patched resource: a new object; the input is never mutated. */
	resource: Record<string, unknown>;
	/** False when the patched resource is deep-equal to the input (so the caller may skip the write). */
	changed: boolean;
	/** `members[].value`s present after the patch and not before, in resource order. */
	membersAdded: string[];
	/** `members[].value`s present before the patch and not after, in resource order. */
	membersRemoved: string[];
}

type Op = "add" | "replace" | "remove";

/** How deep a PATCH value may nest; SCIM values nest two levels, so this only stops abuse. */
const MAX_VALUE_DEPTH = 16;

const IGNORED_PATHLESS_KEYS: ReadonlySet<string> = new Set(["id", "meta", "schemas"]);

function cloneJson(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(cloneJson);
	}
	if (isObject(value)) {
		const out = newObj();
		for (const [k, v] of Object.entries(value)) {
			out[k] = cloneJson(v);
		}
		return out;
	}
	return value;
}

function toPlain(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(toPlain);
	}
	if (isObject(value)) {
		// Object.fromEntries defines own properties, so even a "__proto__" key stays inert.
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
	}
	return value;
}

function assertSafeValue(value: unknown, depth = 0): void {
	if (depth > MAX_VALUE_DEPTH) {
		throw scimErrors.invalidValue(`The value nests deeper than ${MAX_VALUE_DEPTH} levels.`);
	}
	if (Array.isArray(value)) {
		for (const v of value) {
			assertSafeValue(v, depth + 1);
		}
	} else if (isObject(value)) {
		for (const [k, v] of Object.entries(value)) {
			if (isForbiddenSegment(k) || k.split(/[:.]/).some(isForbiddenSegment)) {
				throw scimErrors.invalidPath(`"${k}" is not allowed as an attribute name.`);
			}
			assertSafeValue(v, depth + 1);
		}
	}
}

class Patcher extends PatchTargets {
	constructor(
		resource: Obj,
		resourceType: ResourceTypeDef,
		readonly options: PatchOptions,
	) {
		super(resource, resourceType);
	}

	apply(operation: unknown): void {
		if (!isObject(operation)) {
			throw scimErrors.invalidSyntax("Each operation must be an object with op, path and value.");
		}
		const op = this.opOf(operation.op);
		const rawPath = operation.path;
		if (rawPath !== undefined && rawPath !== null && typeof rawPath !== "string") {
			throw scimErrors.invalidPath(`"path" must be a string, not ${JSON.stringify(rawPath)}.`);
		}
		const pathText = typeof rawPath === "string" ? rawPath.trim() : "";
		const value = operation.value;
		assertSafeValue(value);
		if (op !== "remove" && value === undefined) {
			throw scimErrors.invalidValue(`"${op}" needs a "value".`);
		}
		if (pathText === "") {
			if (op === "remove") {
				throw new ScimError(400, "noTarget", `"remove" needs a "path" naming what to remove.`);
			}
			if (value === null) {
				return;
			}
			if (!isObject(value)) {
				throw scimErrors.invalidValue(
					`"${op}" without a "path" needs an object "value" whose keys are attribute names.`,
				);
			}
			this.applyValueObject(op, value, undefined);
			return;
		}
		const schema = findSchema(this.resourceType, pathText);
		if (schema !== undefined) {
			this.applySchemaPath(op, schema.schema.id, schema.extension, value);
			return;
		}
		const target = this.resolveTarget(pathText);
		if (op === "remove") {
			removeValue(this, target, value);
		} else if (value !== null) {
			// Entra sends null for unpopulated attributes and never means "clear" by it (docs/idp-notes.md "Microsoft Entra ID").
			this.write(op, target, value);
		}
	}

	opOf(raw: unknown): Op {
		// A missing op means replace and op is case-insensitive: Entra's default job sends
		// "Add"/"Replace"/"Remove" (docs/idp-notes.md "Microsoft Entra ID", §7.1).
		if (raw === undefined || raw === null) {
			return "replace";
		}
		const op = typeof raw === "string" ? raw.toLowerCase() : "";
		if (op !== "add" && op !== "replace" && op !== "remove") {
			throw scimErrors.invalidSyntax(
				`"op" must be "add", "replace" or "remove", not ${JSON.stringify(raw)}.`,
			);
		}
		return op;
	}

	/** `path` is a schema URN: the value is that schema's attributes, or remove drops the extension. */
	applySchemaPath(op: Op, uri: string, extension: boolean, value: unknown): void {
		if (op === "remove") {
			if (!extension) {
				throw scimErrors.invalidPath(`The core schema "${uri}" cannot be removed.`);
			}
			const required = this.resourceType.schemaExtensions.find(
				(e) => e.schema.id === uri,
			)?.required;
			if (required === true) {
				throw scimErrors.mutability(`The extension "${uri}" is required and cannot be removed.`);
			}
			deleteKey(this.resource, uri);
			this.touchedExtensions.add(uri);
			return;
		}
		if (value === null) {
			return;
		}
		if (!isObject(value)) {
			throw scimErrors.invalidValue(`The value for "${uri}" must be an object of its attributes.`);
		}
		this.applyValueObject(op, value, uri);
	}

	/** A path-less add/replace: each key is an attribute path. RFC 7644 §3.5.2.1, §3.5.2.3. */
	applyValueObject(op: Op, value: Obj, scopeUri: string | undefined): void {
		for (const [key, v] of Object.entries(value)) {
			// Entra sends null for attributes it has no value for (docs/idp-notes.md "Microsoft Entra ID" "Create user").
			if (v === null || v === undefined) {
				continue;
			}
			// Okta's group rename repeats the id in the value (docs/idp-notes.md "Okta" "Rename group").
			if (IGNORED_PATHLESS_KEYS.has(key.toLowerCase())) {
				continue;
			}
			if (scopeUri === undefined) {
				const schema = findSchema(this.resourceType, key);
				if (schema !== undefined) {
					if (!isObject(v)) {
						throw scimErrors.invalidValue(
							`The value of "${key}" must be an object of its attributes.`,
						);
					}
					this.applyValueObject(op, v, schema.schema.id);
					continue;
				}
			}
			const path = parseAttrPath(key);
			if (scopeUri !== undefined) {
				if (path.uri !== undefined) {
					throw scimErrors.invalidPath(
						`"${key}" inside "${scopeUri}" must not name a schema again.`,
					);
				}
				path.uri = scopeUri;
			}
			const resolved = resolveAttributePath(this.resourceType, path);
			// The value's keys are attributes as a resource body holds them, so an unknown one is
			// dropped as POST and PUT drop it; only an explicit "path" naming one is invalidPath.
			if (resolved === undefined) {
				continue;
			}
			const target = targetOf(resolved, key);
			// readOnly attributes in a value are ignored, as in PUT (RFC 7644 §3.5.1); Okta and Entra
			// send groups:[] and meta (docs/idp-notes.md "The checklist every provider needs").
			if (target.top.mutability === "readOnly" || target.sub?.mutability === "readOnly") {
				continue;
			}
			this.write(op, target, v);
		}
	}

	unknownAttribute(text: string, subAttribute: string | undefined): string {
		if (subAttribute !== undefined) {
			const parent = resolveAttributePath(this.resourceType, {
				...parseAttrPath(text),
				subAttribute: undefined,
			});
			if (parent !== undefined) {
				return `"${parent.attribute.name}" has no sub-attribute "${subAttribute}".`;
			}
		}
		return `"${text}" is not an attribute of ${this.resourceType.name}.`;
	}

	resolveTarget(pathText: string): Target {
		const parsed = parsePatchPath(pathText);
		const resolved = resolveAttributePath(this.resourceType, parsed.path);
		if (resolved === undefined) {
			throw scimErrors.invalidPath(
				this.unknownAttribute(printAttrPath(parsed.path), parsed.path.subAttribute),
			);
		}
		const target = targetOf(resolved, pathText);
		const top = target.top;
		if (parsed.valueFilter !== undefined) {
			if (top.type !== "complex" || !top.multiValued) {
				throw scimErrors.invalidPath(
					`"${target.label}" is not a multi-valued complex attribute, so it cannot take a value filter.`,
				);
			}
			const checked = validateFilter(
				{ kind: "valuePath", path: attributePathOf(resolved), filter: parsed.valueFilter },
				this.resourceType,
			);
			if (checked.kind === "valuePath") {
				target.filter = checked.filter;
			}
			if (parsed.subAttribute !== undefined) {
				const sub = findAttribute(top.subAttributes, parsed.subAttribute);
				if (sub === undefined) {
					throw scimErrors.invalidPath(
						`"${top.name}" has no sub-attribute "${parsed.subAttribute}".`,
					);
				}
				target.sub = sub;
				target.label = `${target.label}.${sub.name}`;
			}
		}
		// A path naming a readOnly attribute is an attempt to modify it (RFC 7644 §3.5.2).
		for (const def of [top, target.sub]) {
			if (def?.mutability === "readOnly") {
				throw scimErrors.mutability(`"${target.label}" is readOnly and cannot be modified.`);
			}
		}
		return target;
	}

	/** add and replace. RFC 7644 §3.5.2.1, §3.5.2.3. */
	write(op: Op, target: Target, value: unknown): void {
		const { top, sub } = target;
		const addressed = sub ?? top;
		if (top.mutability === "writeOnly" || addressed.mutability === "writeOnly") {
			// Okta sends a random password even without password sync (docs/idp-notes.md "Okta" "Create");
			// it is type-checked and dropped, never stored.
			orThrow(coerceValue(addressed, value, target.label));
			return;
		}
		if (target.filter !== undefined) {
			this.writeFiltered(op, target, target.filter, value);
		} else if (sub !== undefined) {
			this.writeSubAttribute(target, sub, value);
		} else if (top.multiValued) {
			const incoming = orThrow(coerceValues(top, value, target.label));
			if (op === "replace") {
				this.storeList(target, incoming);
				return;
			}
			const merged = [...this.list(target)];
			for (const item of incoming) {
				if (!merged.some((existing) => sameValue(top, existing, item))) {
					merged.push(item);
				}
			}
			if (incoming.some(hasPrimary)) {
				clearOtherPrimaries(merged, incoming.filter(hasPrimary));
			}
			if (merged.length > 0) {
				this.store(target, merged);
			}
		} else if (top.type === "complex") {
			const incoming = orThrow(coerceValue(top, value, target.label));
			if (!isObject(incoming)) {
				return;
			}
			const current = this.current(target);
			const merged = isObject(current) ? current : newObj();
			mergeInto(top, merged, incoming, target.label);
			this.store(target, merged);
		} else {
			const incoming = orThrow(coerceValue(top, value, target.label));
			if (incoming === undefined) {
				return;
			}
			checkImmutable(top, this.current(target), incoming, target.label);
			this.store(target, incoming);
		}
	}

	writeSubAttribute(target: Target, sub: AttributeDef, value: unknown): void {
		const incoming = orThrow(coerceValue(sub, value, target.label));
		if (incoming === undefined) {
			return;
		}
		if (!target.top.multiValued) {
			const current = this.current(target);
			const obj = isObject(current) ? current : newObj();
			checkImmutable(sub, getProperty(obj, sub.name), incoming, target.label);
			setKey(obj, sub.name, incoming);
			this.store(target, obj);
			return;
		}
		// `emails.type` without a filter addresses every value (RFC 7644 §3.5.2.3).
		const list = this.list(target).map((e) => (isObject(e) ? e : newObj()));
		if (list.length === 0) {
			list.push(newObj());
		}
		if (sub.name === "primary" && incoming === true && list.length > 1) {
			throw scimErrors.invalidValue(
				`"${target.top.name}" may have at most one value with primary true (RFC 7643 §2.4).`,
			);
		}
		for (const element of list) {
			checkImmutable(sub, getProperty(element, sub.name), incoming, target.label);
			setKey(element, sub.name, incoming);
		}
		this.store(target, list);
	}

	writeFiltered(op: Op, target: Target, filter: Filter, value: unknown): void {
		const { top, sub } = target;
		const list = [...this.list(target)];
		const matched = list.filter((e) => matchesValueFilter(filter, e, top));
		if (matched.length === 0) {
			this.addForUnmatchedFilter(target, filter, value, list);
			return;
		}
		const incoming = orThrow(coerceValue(sub ?? top, value, target.label));
		if (incoming === undefined) {
			return;
		}
		const updated = list.map((element) => {
			if (!matched.includes(element) || !isObject(element)) {
				return element;
			}
			if (sub !== undefined) {
				checkImmutable(sub, getProperty(element, sub.name), incoming, target.label);
				setKey(element, sub.name, incoming);
				return element;
			}
			if (!isObject(incoming)) {
				return element;
			}
			if (op === "replace") {
				// All matching values are replaced (RFC 7644 §3.5.2.3), but never an immutable part.
				for (const def of top.subAttributes ?? []) {
					const after = getProperty(incoming, def.name);
					if (after !== undefined) {
						checkImmutable(
							def,
							getProperty(element, def.name),
							after,
							`${target.label}.${def.name}`,
						);
					}
				}
				return cloneJson(incoming);
			}
			mergeInto(top, element, incoming, target.label);
			return element;
		});
		const primaries = updated.filter((e, i) => hasPrimary(e) && matched.includes(list[i]));
		if (primaries.length > 1) {
			throw scimErrors.invalidValue(
				`"${top.name}" may have at most one value with primary true (RFC 7643 §2.4).`,
			);
		}
		clearOtherPrimaries(updated, primaries);
		this.store(target, updated);
	}

	/**
	 * Entra expects add and replace on a filtered path that matches nothing to add the value, e.g.
	 * `emails[type eq "home"].value` creates `{type: "home", value}` (docs/idp-notes.md "Microsoft Entra ID" "Other Entra
	 * quirks"); RFC 7644 §3.5.2.3 says noTarget, which `addOnNoTarget: false` restores.
	 */
	addForUnmatchedFilter(target: Target, filter: Filter, value: unknown, list: unknown[]): void {
		const base = this.options.addOnNoTarget === false ? null : equalityTerms(filter);
		if (base === null) {
			throw scimErrors.noTarget(target.pathText);
		}
		const element = newObj();
		for (const [name, v] of Object.entries(base)) {
			const def = findAttribute(target.top.subAttributes, name);
			if (def !== undefined && def.mutability !== "readOnly") {
				element[def.name] = v;
			}
		}
		if (target.sub !== undefined) {
			const incoming = orThrow(coerceValue(target.sub, value, target.label));
			if (incoming === undefined) {
				return;
			}
			element[target.sub.name] = incoming;
		} else {
			const incoming = orThrow(coerceValue(target.top, value, target.label));
			if (!isObject(incoming)) {
				return;
			}
			Object.assign(element, incoming);
		}
		const updated = [...list, element];
		if (hasPrimary(element)) {
			clearOtherPrimaries(updated, [element]);
		}
		this.store(target, updated);
	}
}

/** The `attr eq value` terms of an and-only filter, or null when the filter says more than that. */
function equalityTerms(filter: Filter): Obj | null {
	if (filter.kind === "compare" && filter.op === "eq" && filter.value !== null) {
		const out = newObj();
		out[filter.path.attribute] = filter.value;
		return out;
	}
	if (filter.kind === "and") {
		const left = equalityTerms(filter.left);
		const right = equalityTerms(filter.right);
		return left === null || right === null ? null : Object.assign(left, right);
	}
	return null;
}

function clearOtherPrimaries(list: unknown[], keep: unknown[]): void {
	if (keep.length === 0) {
		return;
	}
	for (const element of list) {
		if (hasPrimary(element) && !keep.includes(element) && isObject(element)) {
			element.primary = false;
		}
	}
}

function checkImmutable(def: AttributeDef, before: unknown, after: unknown, label: string): void {
	if (
		def.mutability === "immutable" &&
		before !== undefined &&
		before !== null &&
		!deepEqual(before, after)
	) {
		throw scimErrors.mutability(`"${label}" is immutable: it can be set once but not changed.`);
	}
}

function mergeInto(def: AttributeDef, target: Obj, incoming: Obj, label: string): void {
	for (const [k, v] of Object.entries(incoming)) {
		const subDef = findAttribute(def.subAttributes, k);
		if (subDef !== undefined) {
			checkImmutable(subDef, getProperty(target, k), v, `${label}.${subDef.name}`);
		}
		setKey(target, k, v);
	}
}

function memberValues(resource: unknown, resourceType: ResourceTypeDef): string[] {
	const members = findAttribute(resourceType.schema.attributes, "members");
	if (members === undefined) {
		return [];
	}
	const list = getProperty(resource, members.name);
	if (!Array.isArray(list)) {
		return [];
	}
	return list.map((m) => getProperty(m, "value")).filter((v): v is string => typeof v === "string");
}

function difference(a: string[], b: string[]): string[] {
	const exclude = new Set(b);
	return [...new Set(a)].filter((v) => !exclude.has(v));
}

/**
 * Applies PATCH operations to a SCIM resource (core attributes at the top level, extension
 * attributes under their schema URN) and returns a new resource, whether it changed, and which
 * group members were added or removed; it never mutates its input and never throws a ScimError.
 * RFC 7644 §3.5.2.
 * @example
 * applyPatch(group, [{ op: "Add", path: "members", value: [{ value: "u1" }] }], groupType)
 * // { ok: true, value: { resource, changed: true, membersAdded: ["u1"], membersRemoved: [] } }
 */
export function applyPatch(
	resource: Record<string, unknown>,
	operations: readonly PatchOperation[],
	resourceType: ResourceTypeDef,
	options: PatchOptions = {},
): Result<PatchOutcome, ScimErrorData> {
	try {
		const working = cloneJson(resource);
		if (!isObject(working)) {
			throw scimErrors.invalidValue("The resource to patch must be an object.");
		}
		const patcher = new Patcher(working, resourceType, options);
		operations.forEach((operation, index) => {
			try {
				patcher.apply(operation);
			} catch (e) {
				if (e instanceof ScimError) {
					throw new ScimError(e.status, e.scimType, `Operations[${index}]: ${e.detail}`);
				}
				throw e;
			}
		});
		patcher.finish();
		const patched = toPlain(working) as Record<string, unknown>;
		const nameError = checkChangedNames(resource, patched, resourceType);
		if (nameError !== undefined) {
			return err(nameError);
		}
		const before = memberValues(resource, resourceType);
		const after = memberValues(patched, resourceType);
		return ok({
			resource: patched,
			changed: !deepEqual(resource, patched),
			membersAdded: difference(after, before),
			membersRemoved: difference(before, after),
		});
	} catch (e) {
		if (e instanceof ScimError) {
			return err(e.toData());
		}
		throw e;
	}
}
