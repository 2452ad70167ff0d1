import { defineAttribute } from "./define";
import type { AttributeDef } from "./types";

/** The `id` common attribute: server-assigned, stable, case-sensitive, always returned. RFC 7643 §3.1. */
export const ID_ATTRIBUTE: AttributeDef = defineAttribute(
	"id",
	"string",
	"A unique identifier for a SCIM resource as defined by the service provider.",
	{ caseExact: true, mutability: "readOnly", returned: "always", uniqueness: "server" },
);

/** The `externalId` common attribute: the client's own identifier, matched exactly. RFC 7643 §3.1. */
export const EXTERNAL_ID_ATTRIBUTE: AttributeDef = defineAttribute(
	"externalId",
	"string",
	"A String that is an identifier for the resource as defined by the provisioning client.",
	{ caseExact: true },
);

/** The `meta` common attribute: read-only resource metadata. RFC 7643 §3.1. */
export const META_ATTRIBUTE: AttributeDef = defineAttribute(
	"meta",
	"complex",
	"A complex attribute containing resource metadata.",
	{
		mutability: "readOnly",
		subAttributes: [
			defineAttribute("resourceType", "string", "The name of the resource type of the resource.", {
				caseExact: true,
				mutability: "readOnly",
			}),
			defineAttribute(
				"created",
				"dateTime",
				'The "DateTime" that the resource was added to the service provider.',
				{ mutability: "readOnly" },
			),
			defineAttribute(
				"lastModified",
				"dateTime",
				"The most recent DateTime that the details of this resource were updated at the service provider.",
				{ mutability: "readOnly" },
			),
			defineAttribute("location", "reference", "The URI of the resource being returned.", {
				caseExact: true,
				mutability: "readOnly",
				referenceTypes: ["uri"],
			}),
			defineAttribute("version", "string", "The version of the resource being returned.", {
				caseExact: true,
				mutability: "readOnly",
			}),
		],
	},
);

/**
 * The attributes every resource has, listed first in each core schema: RFC 7643 §3.1 says they
 * "are considered to be part of every base resource schema", so filters, projection and /Schemas
 * find them like any other attribute (§8.7.1's JSON leaves them out). RFC 7643 §3.1.
 */
export const COMMON_ATTRIBUTES: readonly AttributeDef[] = [
	ID_ATTRIBUTE,
	EXTERNAL_ID_ATTRIBUTE,
	META_ATTRIBUTE,
];
