import { coerceValues, valueKey } from "./coerce";
import { scimErrors } from "./errors";
import type { Filter } from "./filter/ast";
import { matchesValueFilter } from "./filter/evaluate";
import { findKey, getProperty, isObject } from "./json";
import {
	deepEqual,
	deleteKey,
	orThrow,
	type PatchTargets,
	sameValue,
	type Target,
} from "./patch-target";
import type { AttributeDef } from "./schemas/types";

/**
 * A PATCH "remove" of one target: the attribute, a sub-attribute, the values a filter matches, or
 * the values listed in `value`. RFC 7644 §3.5.2.2.
 */
export function removeValue(targets: PatchTargets, target: Target, value: unknown): void {
	const { top, sub, filter } = target;
	if (top.mutability === "writeOnly" || sub?.mutability === "writeOnly") {
		return;
	}
	if (filter !== undefined) {
		removeFiltered(targets, target, filter);
		return;
	}
	if (sub !== undefined) {
		removeSubAttribute(targets, target, sub);
		return;
	}
	if (top.multiValued && value !== undefined && value !== null) {
		// Entra (and, reportedly, JumpCloud) remove members with a value array and no filter:
		// {"op":"Remove","path":"members","value":[{"value":"<id>"}]} (docs/idp-notes.md "Microsoft Entra ID", §5).
		const doomed = orThrow(coerceValues(top, value, target.label));
		const list = targets.list(target);
		const kept = list.filter((e) => !doomed.some((d) => matchesRemoval(top, e, d)));
		if (kept.length !== list.length) {
			targets.storeList(target, kept);
		}
		return;
	}
	if (top.required) {
		throw scimErrors.mutability(`"${target.label}" is required and cannot be removed.`);
	}
	const current = targets.current(target);
	if (top.mutability === "immutable" && current !== undefined) {
		throw scimErrors.mutability(`"${target.label}" is immutable and cannot be removed.`);
	}
	targets.clear(target);
}

function removeSubAttribute(targets: PatchTargets, target: Target, sub: AttributeDef): void {
	if (sub.required) {
		throw scimErrors.mutability(`"${target.label}" is required and cannot be removed.`);
	}
	const elements = targets.list(target);
	const remaining: unknown[] = [];
	for (const element of elements) {
		if (isObject(element) && findKey(element, sub.name) !== undefined) {
			if (sub.mutability === "immutable") {
				throw scimErrors.mutability(`"${target.label}" is immutable and cannot be removed.`);
			}
			deleteKey(element, sub.name);
		}
		if (!isObject(element) || Object.keys(element).length > 0) {
			remaining.push(element);
		}
	}
	if (target.top.multiValued) {
		targets.storeList(target, remaining);
	} else if (remaining.length === 0) {
		targets.clear(target);
	}
}

function removeFiltered(targets: PatchTargets, target: Target, filter: Filter): void {
	const { top, sub } = target;
	const list = targets.list(target);
	const matched = list.filter((e) => matchesValueFilter(filter, e, top));
	if (matched.length === 0) {
		// Nothing to remove is not an error: Okta removes members that may be gone already.
		return;
	}
	if (sub === undefined) {
		targets.storeList(
			target,
			list.filter((e) => !matched.includes(e)),
		);
		return;
	}
	if (sub.required || sub.mutability === "immutable") {
		throw scimErrors.mutability(
			`"${target.label}" is ${sub.required ? "required" : "immutable"} and cannot be removed.`,
		);
	}
	const remaining: unknown[] = [];
	for (const element of list) {
		if (matched.includes(element) && isObject(element)) {
			deleteKey(element, sub.name);
			if (Object.keys(element).length === 0) {
				continue;
			}
		}
		remaining.push(element);
	}
	targets.storeList(target, remaining);
}

/** A removal value names an element by `value`, or else by the sub-attributes it gives. */
function matchesRemoval(def: AttributeDef, element: unknown, doomed: unknown): boolean {
	if (valueKey(def, doomed) !== undefined || !isObject(doomed) || !isObject(element)) {
		return sameValue(def, element, doomed);
	}
	return Object.entries(doomed).every(([k, v]) => deepEqual(getProperty(element, k), v));
}
