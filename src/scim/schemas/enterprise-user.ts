import { defineAttribute } from "./define";
import type { SchemaDef } from "./types";
import { SCHEMA_ENTERPRISE_USER } from "./urns";

/** The Enterprise User extension schema, as published in RFC 7643 §8.7.1 (described in §4.3). */
export const ENTERPRISE_USER_SCHEMA: SchemaDef = {
	id: SCHEMA_ENTERPRISE_USER,
	name: "EnterpriseUser",
	description: "Enterprise User",
	attributes: [
		defineAttribute(
			"employeeNumber",
			"string",
			"Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.",
		),
		defineAttribute("costCenter", "string", "Identifies the name of a cost center."),
		defineAttribute("organization", "string", "Identifies the name of an organization."),
		defineAttribute("division", "string", "Identifies the name of a division."),
		defineAttribute("department", "string", "Identifies the name of a department."),
		defineAttribute(
			"manager",
			"complex",
			"The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
			{
				subAttributes: [
					// RFC 7643 §8.7.1 publishes value and $ref as "required": false although their
					// descriptions say REQUIRED; Entra sends a bare id with no $ref (docs/idp-notes.md "Microsoft Entra ID").
					defineAttribute(
						"value",
						"string",
						"The id of the SCIM resource representing the User's manager.  REQUIRED.",
						{ caseExact: true },
					),
					defineAttribute(
						"$ref",
						"reference",
						"The URI of the SCIM resource representing the User's manager.  REQUIRED.",
						{ referenceTypes: ["User"] },
					),
					defineAttribute(
						"displayName",
						"string",
						"The displayName of the User's manager. OPTIONAL and READ-ONLY.",
						{ mutability: "readOnly" },
					),
				],
			},
		),
	],
};
