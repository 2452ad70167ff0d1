import type { AttrPath } from "../filter/ast";
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "./types";

/**
 * The one place attribute names are resolved against a resource type's schemas: filters, PATCH
 * paths, projection, normalisation, resource output and the SQL compiler all come here.
 */

/**
 * Whether an attribute is never shown (`password`): a filter or sortBy on it would let a client
 * learn its value from which resources match, or in what order. RFC 7643 §7.
 */
export function isNeverReturned(def: AttributeDef): boolean {
	return def.returned === "never" || def.mutability === "writeOnly";
}

/** A resolved reference to an attribute of a resource type, in canonical spelling. RFC 7644 §3.10. */
export interface AttributeRef {
	/** The schema that defines the attribute; the core schema for the common attributes. */
	schema: SchemaDef;
	/** Whether `schema` is one of the resource type's extensions (stored under its URN key). */
	extension: boolean;
	/** The attribute; absent when the reference names a whole extension by its URN. */
	attribute?: AttributeDef;
	/** The sub-attribute of a complex attribute (`name.givenName`). */
	subAttribute?: AttributeDef;
}

/** A reference that names an attribute, not a whole extension. RFC 7644 §3.10. */
export type ResolvedAttribute = AttributeRef & { attribute: AttributeDef };

function equalsIgnoreCase(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

/**
 * Each list of attribute definitions (they are constants) by name as defined and by lowercased
 * name, made the first time it is searched: every attribute of every resource in an answer is
 * looked up by name, a page of 100 users some thousand times, and stored resources spell names
 * as defined, so most look-ups need no lowercasing.
 */
const attributesByName = new WeakMap<
	readonly AttributeDef[],
	{ exact: Map<string, AttributeDef>; folded: Map<string, AttributeDef> }
>();

/** Finds an attribute definition by name, case-insensitively. RFC 7643 §2.1. */
export function findAttribute(
	attributes: readonly AttributeDef[] | undefined,
	name: string,
): AttributeDef | undefined {
	if (attributes === undefined) {
		return undefined;
	}
	let byName = attributesByName.get(attributes);
	if (byName === undefined) {
		byName = { exact: new Map(), folded: new Map() };
		for (const attribute of attributes) {
			const key = attribute.name.toLowerCase();
			if (!byName.folded.has(key)) {
				byName.folded.set(key, attribute);
			}
		}
		// Only names whose lowercase finds the same definition, so both ways agree.
		for (const attribute of attributes) {
			if (byName.folded.get(attribute.name.toLowerCase()) === attribute) {
				byName.exact.set(attribute.name, attribute);
			}
		}
		attributesByName.set(attributes, byName);
	}
	return byName.exact.get(name) ?? byName.folded.get(name.toLowerCase());
}

/** Finds the core schema or an extension of a resource type by URN, case-insensitively. RFC 7643 §3. */
export function findSchema(
	resourceType: ResourceTypeDef,
	urn: string,
): { schema: SchemaDef; extension: boolean } | undefined {
	if (equalsIgnoreCase(resourceType.schema.id, urn)) {
		return { schema: resourceType.schema, extension: false };
	}
	const schema = findExtension(resourceType, urn);
	return schema === undefined ? undefined : { schema, extension: true };
}

/** Finds one of the resource type's extension schemas by URN, case-insensitively. RFC 7643 §3.3. */
export function findExtension(resourceType: ResourceTypeDef, urn: string): SchemaDef | undefined {
	return resourceType.schemaExtensions.find((extension) =>
		equalsIgnoreCase(extension.schema.id, urn),
	)?.schema;
}

function resolveWithin(
	schema: SchemaDef,
	extension: boolean,
	attributeName: string,
	subAttributeName: string | undefined,
): ResolvedAttribute | "no-attribute" | "no-sub-attribute" {
	const attribute = findAttribute(schema.attributes, attributeName);
	if (attribute === undefined) {
		return "no-attribute";
	}
	if (subAttributeName === undefined) {
		return { schema, extension, attribute };
	}
	const subAttribute = findAttribute(attribute.subAttributes, subAttributeName);
	return subAttribute === undefined
		? "no-sub-attribute"
		: { schema, extension, attribute, subAttribute };
}

/**
 * Resolves a parsed attribute path (a filter's or a PATCH path's) case-insensitively. A path
 * without a URN is looked up in the core schema first, then in the extensions, since RFC 7644
 * §3.10 only says clients SHOULD qualify extension attributes; `undefined` when nothing matches.
 * RFC 7644 §3.10, RFC 7643 §2.1.
 * @example resolveAttributePath(USER_RESOURCE_TYPE, { attribute: "department" })?.extension // true
 */
export function resolveAttributePath(
	resourceType: ResourceTypeDef,
	path: AttrPath,
): ResolvedAttribute | undefined {
	const candidates: { schema: SchemaDef; extension: boolean }[] = [];
	if (path.uri !== undefined) {
		const found = findSchema(resourceType, path.uri);
		if (found === undefined) {
			return undefined;
		}
		candidates.push(found);
	} else {
		candidates.push({ schema: resourceType.schema, extension: false });
		for (const { schema } of resourceType.schemaExtensions) {
			candidates.push({ schema, extension: true });
		}
	}
	for (const { schema, extension } of candidates) {
		const resolved = resolveWithin(schema, extension, path.attribute, path.subAttribute);
		if (resolved === "no-sub-attribute") {
			return undefined;
		}
		if (resolved !== "no-attribute") {
			return resolved;
		}
	}
	return undefined;
}

/**
 * Resolves an attribute name as clients write it in `attributes`, `sortBy` or a resource body
 * (`userName`, `name.givenName`, an URN-qualified `urn:…:enterprise:2.0:User:manager.value`, or a
 * bare extension URN), case-insensitively. Unlike {@link resolveAttributePath}, a name without a
 * URN names only a core attribute; `undefined` when the resource type has no such attribute.
 * RFC 7644 §3.10.
 * @example resolveAttribute(USER_RESOURCE_TYPE, "EMAILS.value")?.subAttribute?.name // "value"
 */
export function resolveAttribute(
	resourceType: ResourceTypeDef,
	name: string,
): AttributeRef | undefined {
	const lower = name.toLowerCase();
	// Longest URN first, so a core URN never shadows an extension whose URN it prefixes.
	const schemas = [
		...resourceType.schemaExtensions.map(({ schema }) => ({ schema, extension: true })),
		{ schema: resourceType.schema, extension: false },
	].sort((a, b) => b.schema.id.length - a.schema.id.length);
	let uri = resourceType.schema.id;
	let rest = name;
	for (const { schema, extension } of schemas) {
		const urn = schema.id.toLowerCase();
		if (lower === urn) {
			return extension ? { schema, extension } : undefined;
		}
		if (lower.startsWith(`${urn}:`)) {
			uri = schema.id;
			rest = name.slice(urn.length + 1);
			break;
		}
	}
	const dot = rest.indexOf(".");
	return resolveAttributePath(resourceType, {
		uri,
		attribute: dot === -1 ? rest : rest.slice(0, dot),
		...(dot === -1 ? {} : { subAttribute: rest.slice(dot + 1) }),
	});
}

/** The definition a reference addresses: the sub-attribute's when it names one. RFC 7643 §2.1. */
export function definitionOf(ref: ResolvedAttribute): AttributeDef {
	return ref.subAttribute ?? ref.attribute;
}

/**
 * The canonical attribute path of a reference: schema spellings, `uri` filled in. RFC 7644 §3.10.
 * @example attributePathOf(resolveAttribute(USER_RESOURCE_TYPE, "NAME.givenname"))
 * // { uri: "urn:ietf:params:scim:schemas:core:2.0:User", attribute: "name", subAttribute: "givenName" }
 */
export function attributePathOf(ref: ResolvedAttribute): AttrPath {
	return {
		uri: ref.schema.id,
		attribute: ref.attribute.name,
		...(ref.subAttribute === undefined ? {} : { subAttribute: ref.subAttribute.name }),
	};
}
