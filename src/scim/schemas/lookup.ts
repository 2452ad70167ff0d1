import type { AttributeDef, ResourceTypeDef, SchemaDef } from "./types";

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

function equalsIgnoreCase(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

/** Finds an attribute definition by name, case-insensitively. RFC 7643 §2.1. */
export function findAttribute(
	attributes: readonly AttributeDef[] | undefined,
	name: string,
): AttributeDef | undefined {
	return attributes?.find((attribute) => equalsIgnoreCase(attribute.name, name));
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
	attributes: readonly AttributeDef[],
	path: string,
): AttributeRef | undefined {
	const dot = path.indexOf(".");
	const name = dot === -1 ? path : path.slice(0, dot);
	const attribute = findAttribute(attributes, name);
	if (attribute === undefined) {
		return undefined;
	}
	if (dot === -1) {
		return { schema, extension, attribute };
	}
	const subAttribute = findAttribute(attribute.subAttributes, path.slice(dot + 1));
	return subAttribute === undefined ? undefined : { schema, extension, attribute, subAttribute };
}

/**
 * Resolves an attribute name as clients write it (`userName`, `name.givenName`, an URN-qualified
 * `urn:…:enterprise:2.0:User:manager.value`, or a bare extension URN), case-insensitively;
 * `undefined` when the resource type has no such attribute. RFC 7644 §3.10.
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
	for (const { schema, extension } of schemas) {
		const urn = schema.id.toLowerCase();
		if (lower === urn) {
			return extension ? { schema, extension } : undefined;
		}
		if (lower.startsWith(`${urn}:`)) {
			return resolveWithin(schema, extension, schema.attributes, name.slice(urn.length + 1));
		}
	}
	return resolveWithin(resourceType.schema, false, resourceType.schema.attributes, name);
}
