import { COMMON_ATTRIBUTES } from "./common";
import { defineAttribute } from "./define";
import type { SchemaDef } from "./types";
import { SCHEMA_GROUP } from "./urns";

/** The core Group schema: the common attributes, then RFC 7643 §8.7.1 (described in §4.2). */
export const GROUP_SCHEMA: SchemaDef = {
	id: SCHEMA_GROUP,
	name: "Group",
	description: "Group",
	attributes: [
		...COMMON_ATTRIBUTES,
		defineAttribute("displayName", "string", "A human-readable name for the Group. REQUIRED.", {
			required: true,
			// RFC 7643 publishes "none"; this service enforces one displayName per team (Entra
			// requires it), and /Schemas must tell the truth.
			uniqueness: "server",
		}),
		defineAttribute("members", "complex", "A list of members of the Group.", {
			multiValued: true,
			subAttributes: [
				defineAttribute("value", "string", "Identifier of the member of this Group.", {
					mutability: "immutable",
				}),
				defineAttribute(
					"$ref",
					"reference",
					"The URI corresponding to a SCIM resource that is a member of this Group.",
					{ mutability: "immutable", referenceTypes: ["User", "Group"] },
				),
				defineAttribute(
					"type",
					"string",
					"A label indicating the type of resource, e.g., 'User' or 'Group'.",
					{ mutability: "immutable", canonicalValues: ["User", "Group"] },
				),
				defineAttribute(
					"display",
					"string",
					"A human-readable name for the group member, primarily used for display purposes.",
					{ mutability: "readOnly" },
				),
			],
		}),
	],
};
