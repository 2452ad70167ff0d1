import { valueKey } from "./coerce";
import { ScimError, type ScimErrorData, scimErrors } from "./errors";
import type { Filter } from "./filter/ast";
import { findKey, getProperty, isObject } from "./json";
import type { Result } from "./result";
import type { ResolvedAttribute } from "./schemas/lookup";
import type { AttributeDef, ResourceTypeDef } from "./schemas/types";

/**
 * What the PATCH engine's operations share: the resolved target of a path, and where its value
 * lives in the resource being patched. RFC 7644 §3.5.2.
 */

// Working objects have no prototype, so no key can ever reach Object.prototype (scim-patch
// advisory GHSA-2mhw-wcx5-v3xj); the result is converted back to plain objects at the end.
export type Obj = Record<string, unknown>;

/** A result's value, or its error thrown for the engine to attach to its operation. */
export function orThrow<T>(result: Result<T, ScimErrorData>): T {
	if (!result.ok) {
		throw ScimError.from(result.error);
	}
	return result.value;
}

/** A working object with no prototype. RFC 7644 §3.5.2. */
export function newObj(): Obj {
	return Object.create(null) as Obj;
}

/** Whether two JSON values are equal, key order aside. RFC 7644 §3.5.2. */
export function deepEqual(a: unknown, b: unknown): boolean {
	if (a === b) {
		return true;
	}
	if (Array.isArray(a) && Array.isArray(b)) {
		return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
	}
	if (isObject(a) && isObject(b)) {
		const keys = Object.keys(a);
		return (
			keys.length === Object.keys(b).length &&
			keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
		);
	}
	return false;
}

/** Writes under the canonical name, dropping any differently-cased spelling of it. */
export function setKey(obj: Obj, name: string, value: unknown): void {
	const existing = findKey(obj, name);
	if (existing !== undefined && existing !== name) {
		delete obj[existing];
	}
	obj[name] = value;
}

/** Deletes a key under any spelling of its name. RFC 7643 §2.1. */
export function deleteKey(obj: Obj, name: string): void {
	const existing = findKey(obj, name);
	if (existing !== undefined) {
		delete obj[existing];
	}
}

/** A resolved PATCH target: the attribute, the optional sub-attribute and value filter. */
export interface Target {
	top: AttributeDef;
	sub?: AttributeDef;
	filter?: Filter;
	uri: string;
	extension: boolean;
	/** The attribute as users wrote it, for error details. */
	label: string;
	/** The path text as sent, for noTarget. */
	pathText: string;
}

/** The target a resolved attribute path names. RFC 7644 §3.5.2. */
export function targetOf(resolved: ResolvedAttribute, pathText: string): Target {
	const { attribute, subAttribute, schema, extension } = resolved;
	const name =
		subAttribute === undefined ? attribute.name : `${attribute.name}.${subAttribute.name}`;
	return {
		top: attribute,
		...(subAttribute === undefined ? {} : { sub: subAttribute }),
		uri: schema.id,
		extension,
		label: extension ? `${schema.id}:${name}` : name,
		pathText,
	};
}

/**
 * Reads and writes the values PATCH targets, in the resource or its extension objects. RFC 7644
 * §3.5.2.
 */
export class PatchTargets {
	readonly touchedExtensions = new Set<string>();

	constructor(
		readonly resource: Obj,
		readonly resourceType: ResourceTypeDef,
	) {}

	container(target: Target, create: boolean): Obj | undefined {
		if (!target.extension) {
			return this.resource;
		}
		const current = getProperty(this.resource, target.uri);
		if (isObject(current)) {
			setKey(this.resource, target.uri, current);
			return current;
		}
		if (!create) {
			return undefined;
		}
		const created = newObj();
		setKey(this.resource, target.uri, created);
		this.touchedExtensions.add(target.uri);
		return created;
	}

	current(target: Target): unknown {
		const container = this.container(target, false);
		return container === undefined ? undefined : getProperty(container, target.top.name);
	}

	store(target: Target, value: unknown): void {
		const container = this.container(target, true);
		if (container !== undefined) {
			setKey(container, target.top.name, value);
		}
	}

	clear(target: Target): void {
		const container = this.container(target, false);
		if (container !== undefined) {
			deleteKey(container, target.top.name);
			if (target.extension) {
				this.touchedExtensions.add(target.uri);
			}
		}
	}

	storeList(target: Target, list: unknown[]): void {
		if (list.length === 0) {
			if (target.top.required) {
				throw scimErrors.mutability(`"${target.label}" is required and cannot be emptied.`);
			}
			this.clear(target);
		} else {
			this.store(target, list);
		}
	}

	list(target: Target): unknown[] {
		const current = this.current(target);
		if (current === undefined || current === null) {
			return [];
		}
		return Array.isArray(current) ? current : [current];
	}

	/** Drops emptied extension objects and keeps `schemas` in step with the extensions present. */
	finish(): void {
		for (const uri of this.touchedExtensions) {
			const key = findKey(this.resource, uri);
			const container = key === undefined ? undefined : this.resource[key];
			const present = isObject(container) && Object.keys(container).length > 0;
			if (key !== undefined && !present) {
				delete this.resource[key];
			}
			const schemas = this.resource.schemas;
			if (!Array.isArray(schemas)) {
				continue;
			}
			const listed = schemas.some(
				(s) => typeof s === "string" && s.toLowerCase() === uri.toLowerCase(),
			);
			if (present && !listed) {
				this.resource.schemas = [...schemas, uri];
			} else if (!present && listed) {
				this.resource.schemas = schemas.filter(
					(s) => typeof s !== "string" || s.toLowerCase() !== uri.toLowerCase(),
				);
			}
		}
	}
}

/** Whether two values of a multi-valued complex attribute are the same value. RFC 7643 §2.4. */
export function sameValue(def: AttributeDef, a: unknown, b: unknown): boolean {
	const ka = valueKey(def, a);
	const kb = valueKey(def, b);
	return ka !== undefined && kb !== undefined ? ka === kb : deepEqual(a, b);
}
