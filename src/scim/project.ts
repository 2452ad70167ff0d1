import { ScimError, scimErrors } from "./errors";
import type { Filter, PatchPath } from "./filter/ast";
import { matchesValueFilter } from "./filter/evaluate";
import { parsePatchPath } from "./filter/parse";
import { validateFilter } from "./filter/validate";
import { isObject, type ScimObject } from "./json";
import {
	type AttributeRef,
	attributePathOf,
	findAttribute,
	resolveAttribute,
	resolveAttributePath,
} from "./schemas/lookup";
import type { AttributeDef, ResourceTypeDef } from "./schemas/types";

/** The `attributes` and `excludedAttributes` request parameters, already split. RFC 7644 §3.4.2.5. */
export interface Projection {
	attributes?: readonly string[];
	excludedAttributes?: readonly string[];
}

/**
 * Splits a comma-separated `attributes`/`excludedAttributes` query parameter into trimmed, non-empty
 * names; a comma inside a value filter's brackets or quotes belongs to the filter. RFC 7644
 * §3.4.2.5.
 * @example parseAttributeList('userName, emails[value co ","].type') // 2 names
 */
export function parseAttributeList(param: string | undefined): string[] {
	if (param === undefined) {
		return [];
	}
	const names: string[] = [];
	let start = 0;
	let depth = 0;
	let quoted = false;
	for (let i = 0; i < param.length; i++) {
		const char = param[i];
		if (quoted) {
			if (char === "\\") {
				i++;
			} else if (char === '"') {
				quoted = false;
			}
		} else if (char === '"') {
			quoted = true;
		} else if (char === "[") {
			depth++;
		} else if (char === "]") {
			depth = Math.max(0, depth - 1);
		} else if (char === "," && depth === 0) {
			names.push(param.slice(start, i));
			start = i + 1;
		}
	}
	names.push(param.slice(start));
	return names.map((name) => name.trim()).filter((name) => name.length > 0);
}

/** Which parts of one top-level attribute (or extension) a parameter list names. */
interface Selection {
	whole: boolean;
	subAttributes: Set<string>;
	/**
	 * Entries with a value filter (`emails[type eq "work"]`, `emails[type eq "work"].value`): they
	 * name only the values the filter matches, whole or one sub-attribute of them.
	 */
	filtered: { filter: Filter; subAttribute?: string }[];
}

/** Selections keyed by `<schema urn>` (whole extension) or `<schema urn>:<attribute>`, lowercased. */
type Selections = Map<string, Selection>;

function selectionKey(schemaId: string, attribute?: AttributeDef): string {
	return (attribute === undefined ? schemaId : `${schemaId}:${attribute.name}`).toLowerCase();
}

function collect(resourceType: ResourceTypeDef, names: readonly string[]): Selections {
	const selections: Selections = new Map();
	for (const name of names) {
		const entry = name.includes("[")
			? filteredEntry(resourceType, name)
			: plainEntry(resourceType, name);
		// RFC 7644 §3.4.2.5 lets the service provider ignore names it does not know; doing so (rather
		// than answering 400) keeps IdPs that ask for attributes we lack working.
		if (entry === undefined) {
			continue;
		}
		const key = selectionKey(entry.schemaId, entry.attribute);
		const selection = selections.get(key) ?? {
			whole: false,
			subAttributes: new Set<string>(),
			filtered: [],
		};
		if (entry.filter !== undefined) {
			selection.filtered.push({
				filter: entry.filter,
				...(entry.subAttribute === undefined ? {} : { subAttribute: entry.subAttribute }),
			});
		} else if (entry.subAttribute === undefined) {
			selection.whole = true;
		} else {
			selection.subAttributes.add(entry.subAttribute);
		}
		selections.set(key, selection);
	}
	return selections;
}

interface Entry {
	schemaId: string;
	attribute?: AttributeDef;
	subAttribute?: string;
	filter?: Filter;
}

function plainEntry(resourceType: ResourceTypeDef, name: string): Entry | undefined {
	const ref: AttributeRef | undefined = resolveAttribute(resourceType, name);
	if (ref === undefined) {
		return undefined;
	}
	return {
		schemaId: ref.schema.id,
		...(ref.attribute === undefined ? {} : { attribute: ref.attribute }),
		...(ref.subAttribute === undefined ? {} : { subAttribute: ref.subAttribute.name }),
	};
}

/** `emails[type eq "work"]` or `emails[type eq "work"].value`; a malformed one is invalidFilter. */
function filteredEntry(resourceType: ResourceTypeDef, name: string): Entry | undefined {
	let parsed: PatchPath;
	try {
		parsed = parsePatchPath(name);
	} catch (e) {
		throw e instanceof ScimError ? scimErrors.invalidFilter(e.detail) : e;
	}
	const { valueFilter } = parsed;
	const ref = resolveAttributePath(resourceType, parsed.path);
	if (ref === undefined || valueFilter === undefined) {
		return undefined;
	}
	if (ref.attribute.type !== "complex" || !ref.attribute.multiValued) {
		throw scimErrors.invalidFilter(
			`"${name}": a value filter needs a multi-valued complex attribute, and "${ref.attribute.name}" is not one.`,
		);
	}
	const checked = validateFilter(
		{ kind: "valuePath", path: attributePathOf(ref), filter: valueFilter },
		resourceType,
	);
	const filter = checked.kind === "valuePath" ? checked.filter : valueFilter;
	const entry: Entry = { schemaId: ref.schema.id, attribute: ref.attribute, filter };
	if (parsed.subAttribute !== undefined) {
		const sub = findAttribute(ref.attribute.subAttributes, parsed.subAttribute);
		if (sub === undefined) {
			return undefined;
		}
		entry.subAttribute = sub.name;
	}
	return entry;
}

/**
 * Checks the `attributes`/`excludedAttributes` of a request against a resource type before
 * anything is written, so a malformed value filter is a 400 rather than a write answered with an
 * error. RFC 7644 §3.4.2.5.
 * @throws ScimError 400 invalidFilter for a malformed or unsupported value filter.
 */
export function checkProjection(resourceType: ResourceTypeDef, projection: Projection): void {
	collect(resourceType, projection.attributes ?? []);
	collect(resourceType, projection.excludedAttributes ?? []);
}

/**
 * Returns the resource with only the attributes a client asked for: `returned: always` attributes
 * (and `schemas`) always, `returned: never` ones never, `returned: request` ones only when named in
 * `attributes`. Names are case-insensitive, may be dotted (`name.givenName`, `emails.value`) or
 * URN-qualified, and a bare extension URN selects or excludes the whole extension; unknown names
 * are ignored. When both lists are given, `excludedAttributes` applies to what `attributes` kept.
 * RFC 7644 §3.4.2.5, §3.9.
 * @example projectResource(group, GROUP_RESOURCE_TYPE, { excludedAttributes: ["members"] }) // Entra
 */
export function projectResource(
	resource: ScimObject,
	resourceType: ResourceTypeDef,
	projection: Projection = {},
): ScimObject {
	const included =
		projection.attributes === undefined || projection.attributes.length === 0
			? undefined
			: collect(resourceType, projection.attributes);
	const excluded = collect(resourceType, projection.excludedAttributes ?? []);
	const topLevel = resourceType.schema.attributes;
	const output: ScimObject = {};
	for (const [key, value] of Object.entries(resource)) {
		if (key.toLowerCase() === "schemas") {
			output[key] = value;
			continue;
		}
		const extension = resourceType.schemaExtensions.find(
			({ schema }) => schema.id.toLowerCase() === key.toLowerCase(),
		)?.schema;
		if (extension !== undefined) {
			const projected = projectExtension(value, extension.id, extension.attributes, {
				included,
				excluded,
			});
			if (projected !== undefined) {
				output[key] = projected;
			}
			continue;
		}
		const attribute = findAttribute(topLevel, key);
		const projected =
			attribute === undefined
				? // Attributes outside the schema never reach here from resources.ts; keep them only
					// when the client did not narrow the response.
					included === undefined
					? value
					: undefined
				: projectAttribute(value, attribute, resourceType.schema.id, { included, excluded });
		if (projected !== undefined) {
			output[key] = projected;
		}
	}
	return output;
}

interface Filters {
	included: Selections | undefined;
	excluded: Selections;
}

function projectExtension(
	value: unknown,
	schemaId: string,
	attributes: readonly AttributeDef[],
	filters: Filters,
): ScimObject | undefined {
	if (!isObject(value)) {
		return undefined;
	}
	const wholeKey = selectionKey(schemaId);
	if (filters.excluded.get(wholeKey)?.whole) {
		return onlyAlwaysReturned(value, attributes);
	}
	const wholeIncluded = filters.included?.get(wholeKey)?.whole === true;
	const output: ScimObject = {};
	for (const [key, item] of Object.entries(value)) {
		const attribute = findAttribute(attributes, key);
		if (attribute === undefined) {
			continue;
		}
		const projected = projectAttribute(item, attribute, schemaId, {
			// Naming the extension by its URN asks for all of its default attributes.
			included: wholeIncluded ? undefined : filters.included,
			excluded: filters.excluded,
		});
		if (projected !== undefined) {
			output[key] = projected;
		}
	}
	return Object.keys(output).length > 0 ? output : undefined;
}

function projectAttribute(
	value: unknown,
	attribute: AttributeDef,
	schemaId: string,
	filters: Filters,
): unknown {
	if (attribute.returned === "never") {
		return undefined;
	}
	if (attribute.returned === "always") {
		return value;
	}
	// A plain list or get names no attribute: no key to build (thousands of times on a page).
	const named = filters.included !== undefined || filters.excluded.size > 0;
	const key = named ? selectionKey(schemaId, attribute) : "";
	const include = filters.included?.get(key);
	const exclude = named ? filters.excluded.get(key) : undefined;
	if (filters.included !== undefined && include === undefined) {
		return keepAlwaysReturnedSubAttributes(value, attribute);
	}
	if (filters.included === undefined && attribute.returned === "request") {
		return undefined;
	}
	if (exclude?.whole) {
		return keepAlwaysReturnedSubAttributes(value, attribute);
	}
	if (include?.filtered.length || exclude?.filtered.length) {
		return projectFilteredValues(value, attribute, include, exclude);
	}
	const onlySubAttributes =
		include !== undefined && !include.whole ? include.subAttributes : undefined;
	return projectSubAttributes(value, attribute, onlySubAttributes, exclude?.subAttributes);
}

/**
 * Projects each value of a multi-valued attribute by the entries that name it: a value an
 * `attributes` filter does not match is left out (unless the attribute is also named without
 * one), and a value an `excludedAttributes` filter matches loses what that entry names.
 */
function projectFilteredValues(
	value: unknown,
	attribute: AttributeDef,
	include: Selection | undefined,
	exclude: Selection | undefined,
): unknown {
	const items = Array.isArray(value) ? value : [value];
	const output: unknown[] = [];
	for (const item of items) {
		const matches = (entry: { filter: Filter }) =>
			matchesValueFilter(entry.filter, item, attribute);
		let only: Set<string> | undefined;
		if (include !== undefined && !include.whole) {
			const matching = include.filtered.filter(matches);
			if (!matching.some((entry) => entry.subAttribute === undefined)) {
				only = new Set(include.subAttributes);
				for (const entry of matching) {
					if (entry.subAttribute !== undefined) {
						only.add(entry.subAttribute);
					}
				}
				if (only.size === 0) {
					continue;
				}
			}
		}
		const without = new Set(exclude?.subAttributes);
		const excluding = exclude?.filtered.filter(matches) ?? [];
		if (excluding.some((entry) => entry.subAttribute === undefined)) {
			continue;
		}
		for (const entry of excluding) {
			if (entry.subAttribute !== undefined) {
				without.add(entry.subAttribute);
			}
		}
		const projected = projectSubAttributes(item, attribute, only, without);
		if (projected !== undefined) {
			output.push(projected);
		}
	}
	return output.length > 0 ? output : undefined;
}

/** Applies sub-attribute selection to a complex value, or to every value of a multi-valued one. */
function projectSubAttributes(
	value: unknown,
	attribute: AttributeDef,
	only: ReadonlySet<string> | undefined,
	without: ReadonlySet<string> | undefined,
): unknown {
	if (attribute.subAttributes === undefined) {
		return value;
	}
	const subAttributes = attribute.subAttributes;
	const projectOne = (item: unknown): unknown => {
		if (!isObject(item)) {
			return item;
		}
		const output: ScimObject = {};
		for (const [key, subValue] of Object.entries(item)) {
			const sub = findAttribute(subAttributes, key);
			if (sub === undefined || sub.returned === "never") {
				continue;
			}
			const keep =
				sub.returned === "always" ||
				(only === undefined
					? sub.returned !== "request" && !without?.has(sub.name)
					: only.has(sub.name) && !without?.has(sub.name));
			if (keep) {
				output[key] = subValue;
			}
		}
		return Object.keys(output).length > 0 ? output : undefined;
	};
	if (Array.isArray(value)) {
		const items = value.map(projectOne).filter((item) => item !== undefined);
		return items.length > 0 ? items : undefined;
	}
	return projectOne(value);
}

function keepAlwaysReturnedSubAttributes(value: unknown, attribute: AttributeDef): unknown {
	const always = new Set(
		(attribute.subAttributes ?? [])
			.filter((sub) => sub.returned === "always")
			.map((sub) => sub.name),
	);
	return always.size === 0 ? undefined : projectSubAttributes(value, attribute, always, undefined);
}

function onlyAlwaysReturned(
	value: ScimObject,
	attributes: readonly AttributeDef[],
): ScimObject | undefined {
	const output: ScimObject = {};
	for (const [key, item] of Object.entries(value)) {
		if (findAttribute(attributes, key)?.returned === "always") {
			output[key] = item;
		}
	}
	return Object.keys(output).length > 0 ? output : undefined;
}
