/** An attribute's data type. RFC 7643 §2.3. */
export type AttributeType =
	| "string"
	| "boolean"
	| "decimal"
	| "integer"
	| "dateTime"
	| "reference"
	| "complex"
	| "binary";

/** An attribute definition, as published by /Schemas. RFC 7643 §7. */
export interface AttributeDef {
	name: string;
	type: AttributeType;
	multiValued: boolean;
	description: string;
	required: boolean;
	caseExact: boolean;
	mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
	returned: "always" | "never" | "default" | "request";
	uniqueness: "none" | "server" | "global";
	canonicalValues?: string[];
	referenceTypes?: string[];
	subAttributes?: AttributeDef[];
}

/** A schema definition (core or extension). RFC 7643 §7. */
export interface SchemaDef {
	id: string;
	name: string;
	description: string;
	attributes: AttributeDef[];
}

/** A resource type: its core schema and extensions. RFC 7643 §6. */
export interface ResourceTypeDef {
	id: string;
	name: string;
	endpoint: string;
	description: string;
	schema: SchemaDef;
	schemaExtensions: { schema: SchemaDef; required: boolean }[];
}
