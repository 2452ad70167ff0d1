import type { AttributeDef, AttributeType } from "./types";

/**
 * Builds an attribute definition, filling in the characteristics RFC 7643 §2.2 gives as defaults
 * (optional, caseExact false, readWrite, returned default, uniqueness none).
 * @example defineAttribute("title", "string", "The user's title, such as \"Vice President.\"")
 */
export function defineAttribute(
	name: string,
	type: AttributeType,
	description: string,
	options: Partial<Omit<AttributeDef, "name" | "type" | "description">> = {},
): AttributeDef {
	return {
		name,
		type,
		multiValued: false,
		description,
		required: false,
		caseExact: false,
		mutability: "readWrite",
		returned: "default",
		uniqueness: "none",
		...options,
	};
}

/**
 * The `value`, `display`, `type` and `primary` sub-attributes most multi-valued User attributes
 * share. RFC 7643 §2.4 and §8.7.1.
 */
export function multiValuedSubAttributes(options: {
	value: AttributeDef;
	typeDescription: string;
	canonicalTypes?: string[];
	primaryDescription: string;
}): AttributeDef[] {
	return [
		options.value,
		defineAttribute(
			"display",
			"string",
			"A human-readable name, primarily used for display purposes.  READ-ONLY.",
		),
		defineAttribute(
			"type",
			"string",
			options.typeDescription,
			options.canonicalTypes === undefined ? {} : { canonicalValues: options.canonicalTypes },
		),
		defineAttribute("primary", "boolean", options.primaryDescription),
	];
}
