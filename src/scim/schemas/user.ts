import { COMMON_ATTRIBUTES } from "./common";
import { defineAttribute, multiValuedSubAttributes } from "./define";
import type { AttributeDef, SchemaDef } from "./types";
import { SCHEMA_USER } from "./urns";

const PRIMARY_DESCRIPTION =
	"A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'True' MUST appear no more than once.";

function nameSub(name: string, description: string): AttributeDef {
	return defineAttribute(name, "string", description);
}

function multiValued(
	name: string,
	description: string,
	subAttributes: AttributeDef[],
	options: Partial<AttributeDef> = {},
): AttributeDef {
	return defineAttribute(name, "complex", description, {
		multiValued: true,
		subAttributes,
		...options,
	});
}

/**
 * The core User schema: the common attributes, then every attribute as published in RFC 7643
 * §8.7.1 (described in §4.1).
 */
export const USER_SCHEMA: SchemaDef = {
	id: SCHEMA_USER,
	name: "User",
	description: "User Account",
	attributes: [
		...COMMON_ATTRIBUTES,
		defineAttribute(
			"userName",
			"string",
			"Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value.  This identifier MUST be unique across the service provider's entire set of Users. REQUIRED.",
			{ required: true, uniqueness: "server" },
		),
		defineAttribute(
			"name",
			"complex",
			"The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both.  If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined.",
			{
				subAttributes: [
					nameSub(
						"formatted",
						"The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III').",
					),
					nameSub(
						"familyName",
						"The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III').",
					),
					nameSub(
						"givenName",
						"The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III').",
					),
					nameSub(
						"middleName",
						"The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III').",
					),
					nameSub(
						"honorificPrefix",
						"The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III').",
					),
					nameSub(
						"honorificSuffix",
						"The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III').",
					),
				],
			},
		),
		defineAttribute(
			"displayName",
			"string",
			"The name of the User, suitable for display to end-users.  The name SHOULD be the full name of the User being described, if known.",
		),
		defineAttribute(
			"nickName",
			"string",
			"The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'.  This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge').",
		),
		defineAttribute(
			"profileUrl",
			"reference",
			"A fully qualified URL pointing to a page representing the User's online profile.",
			{ caseExact: true, referenceTypes: ["external"] },
		),
		defineAttribute("title", "string", 'The user\'s title, such as "Vice President."'),
		defineAttribute(
			"userType",
			"string",
			"Used to identify the relationship between the organization and the user.  Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used.",
		),
		defineAttribute(
			"preferredLanguage",
			"string",
			"Indicates the User's preferred written or spoken language.  Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US.",
		),
		defineAttribute(
			"locale",
			"string",
			"Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations.",
		),
		defineAttribute(
			"timezone",
			"string",
			"The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'.",
		),
		defineAttribute(
			"active",
			"boolean",
			"A Boolean value indicating the User's administrative status.",
		),
		defineAttribute(
			"password",
			"string",
			"The User's cleartext password.  This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password.",
			{ caseExact: true, mutability: "writeOnly", returned: "never" },
		),
		multiValued(
			"emails",
			"Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.",
			multiValuedSubAttributes({
				value: defineAttribute(
					"value",
					"string",
					"Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.",
				),
				typeDescription: "A label indicating the attribute's function, e.g., 'work' or 'home'.",
				canonicalTypes: ["work", "home", "other"],
				primaryDescription:
					"A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary email address.  The primary attribute value 'True' MUST appear no more than once.",
			}),
		),
		multiValued(
			"phoneNumbers",
			"Phone numbers for the User.  The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.",
			multiValuedSubAttributes({
				value: defineAttribute("value", "string", "Phone number of the User."),
				typeDescription:
					"A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.",
				canonicalTypes: ["work", "home", "mobile", "fax", "pager", "other"],
				primaryDescription:
					"A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred phone number or primary phone number.  The primary attribute value 'True' MUST appear no more than once.",
			}),
		),
		multiValued(
			"ims",
			"Instant messaging addresses for the User.",
			multiValuedSubAttributes({
				value: defineAttribute("value", "string", "Instant messaging address for the User."),
				typeDescription:
					"A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.",
				canonicalTypes: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
				primaryDescription:
					"A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred messenger or primary messenger.  The primary attribute value 'True' MUST appear no more than once.",
			}),
		),
		multiValued(
			"photos",
			"URLs of photos of the User.",
			multiValuedSubAttributes({
				value: defineAttribute("value", "reference", "URL of a photo of the User.", {
					caseExact: true,
					referenceTypes: ["external"],
				}),
				typeDescription:
					"A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.",
				canonicalTypes: ["photo", "thumbnail"],
				primaryDescription:
					"A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred photo or thumbnail.  The primary attribute value 'True' MUST appear no more than once.",
			}),
		),
		multiValued(
			"addresses",
			"A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'.  This attribute is a complex type with the following sub-attributes.",
			[
				defineAttribute(
					"formatted",
					"string",
					"The full mailing address, formatted for display or use with a mailing label.  This attribute MAY contain newlines.",
				),
				defineAttribute(
					"streetAddress",
					"string",
					"The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.  This attribute MAY contain newlines.",
				),
				defineAttribute("locality", "string", "The city or locality component."),
				defineAttribute("region", "string", "The state or region component."),
				defineAttribute("postalCode", "string", "The zip code or postal code component."),
				defineAttribute("country", "string", "The country name component."),
				defineAttribute(
					"type",
					"string",
					"A label indicating the attribute's function, e.g., 'work' or 'home'.",
					{ canonicalValues: ["work", "home", "other"] },
				),
				defineAttribute(
					"primary",
					"boolean",
					"A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary email address.  The primary attribute value 'True' MUST appear no more than once.",
				),
			],
		),
		multiValued(
			"groups",
			"A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
			[
				defineAttribute("value", "string", "The identifier of the User's group.", {
					caseExact: true,
					mutability: "readOnly",
				}),
				defineAttribute(
					"$ref",
					"reference",
					"The URI of the corresponding 'Group' resource to which the user belongs.",
					{ caseExact: true, mutability: "readOnly", referenceTypes: ["Group"] },
				),
				defineAttribute(
					"display",
					"string",
					"A human-readable name, primarily used for display purposes.  READ-ONLY.",
					{ mutability: "readOnly" },
				),
				defineAttribute(
					"type",
					"string",
					"A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
					{ mutability: "readOnly", canonicalValues: ["direct", "indirect"] },
				),
			],
			{ mutability: "readOnly" },
		),
		multiValued(
			"entitlements",
			"A list of entitlements for the User that represent a thing the User has.",
			multiValuedSubAttributes({
				value: defineAttribute("value", "string", "The value of an entitlement."),
				typeDescription: "A label indicating the attribute's function.",
				primaryDescription: PRIMARY_DESCRIPTION,
			}),
		),
		multiValued(
			"roles",
			"A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
			multiValuedSubAttributes({
				value: defineAttribute("value", "string", "The value of a role."),
				typeDescription: "A label indicating the attribute's function.",
				primaryDescription: PRIMARY_DESCRIPTION,
			}),
		),
		multiValued(
			"x509Certificates",
			"A list of certificates issued to the User.",
			multiValuedSubAttributes({
				value: defineAttribute("value", "binary", "The value of an X.509 certificate.", {
					caseExact: true,
				}),
				typeDescription: "A label indicating the attribute's function.",
				primaryDescription: PRIMARY_DESCRIPTION,
			}),
		),
	],
};
