import { coerceAttribute } from "./coerce";
import { type ScimErrorData, scimErrors } from "./errors";
import { getProperty, isObject, type ScimObject } from "./json";
import { checkNameLength } from "./limits";
import { err, ok, type Result } from "./result";
import { findAttribute, findExtension, resolveAttribute } from "./schemas/lookup";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "./schemas/resource-types";
import type { AttributeDef, ResourceTypeDef } from "./schemas/types";

/** A User body after normalisation, plus the fields the storage layer indexes. RFC 7643 §4.1. */
export interface NormalizedUser {
	/** The attributes to store, in canonical spelling; no id, meta, schemas, groups or password. */
	resource: ScimObject;
	userName: string;
	externalId?: string;
	/**
	 * `active` as sent; absent when the body left it out. What absence means is a product rule
	 * (a create makes an active user, a replace keeps the state), decided in src/provisioning/users.ts.
	 */
	active?: boolean;
	/** The primary email's value, else the first email's. */
	email?: string;
	/** Every email with a value, in the order sent. */
	emails: NormalizedEmail[];
	givenName?: string;
	familyName?: string;
	displayName?: string;
}

/** One of a User's emails, as the storage layer indexes it. */
export interface NormalizedEmail {
	value: string;
	type?: string;
	primary?: true;
}

/** A Group body after normalisation, plus the fields the storage layer indexes. RFC 7643 §4.2. */
export interface NormalizedGroup {
	/** The attributes to store, in canonical spelling; members deduplicated by value. */
	resource: ScimObject;
	displayName: string;
	externalId?: string;
	/** The `value` (User id) of every member, in request order, without duplicates. */
	memberValues: string[];
}

/**
 * Normalises a POST/PUT /Users body into the stored form: the one place incoming User resources
 * are checked and cleaned. Attribute names are matched case-insensitively and rewritten to their
 * canonical spelling; unknown attributes, `null` values, read-only attributes (id, meta, groups)
 * and the password are dropped; enterprise attributes are accepted under the extension's URN key or
 * as URN-prefixed keys; values are type-checked against the schema but otherwise kept as sent.
 * RFC 7643 §4.1, §4.3; RFC 7644 §3.3, §3.5.1.
 * @example normalizeUserInput(await c.req.json(), USER_RESOURCE_TYPE)
 */
export function normalizeUserInput(
	body: unknown,
	resourceType: ResourceTypeDef = USER_RESOURCE_TYPE,
): Result<NormalizedUser, ScimErrorData> {
	return normalizeUser(body, resourceType, true);
}

/**
 * Normalises a stored or patched User resource (what `applyPatch` returns) with the rules of
 * {@link normalizeUserInput}, except that it needs no `schemas` list: the one typed value a PATCH
 * hands on, as POST and PUT hand on theirs. RFC 7643 §4.1; RFC 7644 §3.5.2.
 * @example normalizeUserResource(patched.value.resource, USER_RESOURCE_TYPE)
 */
export function normalizeUserResource(
	resource: ScimObject,
	resourceType: ResourceTypeDef = USER_RESOURCE_TYPE,
): Result<NormalizedUser, ScimErrorData> {
	return normalizeUser(resource, resourceType, false);
}

function normalizeUser(
	body: unknown,
	resourceType: ResourceTypeDef,
	requireSchemas: boolean,
): Result<NormalizedUser, ScimErrorData> {
	const normalized = normalizeResource(body, resourceType, requireSchemas);
	if (!normalized.ok) {
		return normalized;
	}
	const resource = normalized.value;
	const userName = requiredName(resource, "userName");
	if (!userName.ok) {
		return userName;
	}
	const emails: NormalizedEmail[] = multiValues(resource.emails).flatMap((email) =>
		typeof email.value === "string" && email.value.trim() !== ""
			? [
					{
						value: email.value,
						...(typeof email.type === "string" ? { type: email.type } : {}),
						...(email.primary === true ? { primary: true as const } : {}),
					},
				]
			: [],
	);
	const primary = emails.find((email) => email.primary) ?? emails[0];
	const name = isObject(resource.name) ? resource.name : {};

	const user: NormalizedUser = { resource, userName: userName.value, emails };
	if (typeof resource.active === "boolean") {
		user.active = resource.active;
	}
	assignString(user, "externalId", resource.externalId);
	assignString(user, "email", primary?.value);
	assignString(user, "givenName", name.givenName);
	assignString(user, "familyName", name.familyName);
	assignString(user, "displayName", resource.displayName);
	return ok(user);
}

/**
 * Normalises a POST/PUT /Groups body into the stored form, with the same rules as
 * `normalizeUserInput`; `displayName` is required and members are deduplicated by `value`.
 * RFC 7643 §4.2; RFC 7644 §3.3, §3.5.1.
 */
export function normalizeGroupInput(
	body: unknown,
	resourceType: ResourceTypeDef = GROUP_RESOURCE_TYPE,
): Result<NormalizedGroup, ScimErrorData> {
	return normalizeGroup(body, resourceType, true);
}

/**
 * Normalises a stored or patched Group resource with the rules of {@link normalizeGroupInput},
 * except that it needs no `schemas` list. RFC 7643 §4.2; RFC 7644 §3.5.2.
 */
export function normalizeGroupResource(
	resource: ScimObject,
	resourceType: ResourceTypeDef = GROUP_RESOURCE_TYPE,
): Result<NormalizedGroup, ScimErrorData> {
	return normalizeGroup(resource, resourceType, false);
}

function normalizeGroup(
	body: unknown,
	resourceType: ResourceTypeDef,
	requireSchemas: boolean,
): Result<NormalizedGroup, ScimErrorData> {
	const normalized = normalizeResource(body, resourceType, requireSchemas);
	if (!normalized.ok) {
		return normalized;
	}
	const memberError = checkMemberValues(body);
	if (memberError !== undefined) {
		return fail(memberError);
	}
	const resource = normalized.value;
	const displayName = requiredName(resource, "displayName");
	if (!displayName.ok) {
		return displayName;
	}
	const seen = new Set<string>();
	const members: ScimObject[] = [];
	for (const member of multiValues(resource.members)) {
		// checkMemberValues has made sure every member has a value.
		if (typeof member.value === "string" && !seen.has(member.value)) {
			seen.add(member.value);
			members.push(member);
		}
	}
	const memberValues = [...seen];
	if (members.length > 0) {
		resource.members = members;
	}
	const group: NormalizedGroup = { resource, displayName: displayName.value, memberValues };
	assignString(group, "externalId", resource.externalId);
	return ok(group);
}

/**
 * Checks the unique name a PATCH changed (a User's userName, a Group's displayName: the core
 * schema's required strings) with the rule POST and PUT apply, so PATCH refuses a blank or
 * overlong name with the same error. RFC 7643 §4.1.1, §4.2; RFC 7644 §3.5.2.
 */
export function checkChangedNames(
	before: ScimObject,
	after: ScimObject,
	resourceType: ResourceTypeDef,
): ScimErrorData | undefined {
	for (const attribute of resourceType.schema.attributes) {
		if (!attribute.required || attribute.type !== "string" || attribute.mutability === "readOnly") {
			continue;
		}
		const value = getProperty(after, attribute.name);
		if (value === getProperty(before, attribute.name)) {
			continue;
		}
		const checked = requiredName({ [attribute.name]: value }, attribute.name);
		if (!checked.ok) {
			return checked.error;
		}
	}
	return undefined;
}

/** The resource's unique name (userName, displayName): required, non-blank, bounded. */
function requiredName(resource: ScimObject, key: string): Result<string, ScimErrorData> {
	const value = resource[key];
	if (typeof value !== "string" || value.trim().length === 0) {
		return fail(scimErrors.invalidValue(`${key} is required: a non-empty string.`));
	}
	const tooLong = checkNameLength(value, key);
	return tooLong === undefined ? ok(value) : fail(tooLong);
}

/**
 * A member whose only sub-attributes are read-only or unknown would otherwise vanish silently;
 * every member must name its User.
 */
function checkMemberValues(body: unknown): ScimErrorData | undefined {
	if (!isObject(body)) {
		return undefined;
	}
	const members = getProperty(body, "members");
	if (!Array.isArray(members)) {
		return undefined;
	}
	for (const [index, member] of members.entries()) {
		if (member === null) {
			continue;
		}
		const value = getProperty(member, "value");
		if (typeof value !== "string" || value.length === 0) {
			return scimErrors
				.invalidValue(`members[${index}].value is required: the id of a User.`)
				.toData();
		}
	}
	return undefined;
}

/** Checks `schemas`, then normalises every attribute of a User or Group body. */
function normalizeResource(
	body: unknown,
	resourceType: ResourceTypeDef,
	requireSchemas: boolean,
): Result<ScimObject, ScimErrorData> {
	if (!isObject(body)) {
		return fail(scimErrors.invalidSyntax("The request body must be a JSON object."));
	}
	const schemasError = requireSchemas ? checkSchemas(body, resourceType) : undefined;
	if (schemasError !== undefined) {
		return fail(schemasError);
	}
	// Only canonical attribute names from the schema are ever written as keys, so client-chosen
	// keys such as "__proto__" cannot reach these objects.
	const resource: ScimObject = {};
	const extensions = new Map<string, ScimObject>();
	const extensionObject = (urn: string): ScimObject => {
		const existing = extensions.get(urn);
		if (existing !== undefined) {
			return existing;
		}
		const created: ScimObject = {};
		extensions.set(urn, created);
		return created;
	};

	for (const [key, value] of Object.entries(body)) {
		// Entra sends null for every unpopulated attribute and never means "clear" by it
		// (docs/idp-notes.md "Microsoft Entra ID").
		if (value === null || key.toLowerCase() === "schemas") {
			continue;
		}
		const extension = findExtension(resourceType, key);
		if (extension !== undefined) {
			if (!isObject(value)) {
				return fail(
					scimErrors.invalidValue(
						`"${extension.id}" must be an object holding the extension's attributes.`,
					),
				);
			}
			const target = extensionObject(extension.id);
			for (const [name, item] of Object.entries(value)) {
				const attribute = findAttribute(extension.attributes, name);
				if (attribute !== undefined) {
					const error = assignAttribute(target, attribute, item, attribute.name);
					if (error !== undefined) {
						return fail(error);
					}
				}
			}
			continue;
		}
		const ref = resolveAttribute(resourceType, key);
		// Unknown attributes, and dotted keys (a PATCH notation, not a resource one), are dropped.
		if (ref?.attribute === undefined || ref.subAttribute !== undefined) {
			continue;
		}
		const target = ref.extension ? extensionObject(ref.schema.id) : resource;
		const error = assignAttribute(target, ref.attribute, value, ref.attribute.name);
		if (error !== undefined) {
			return fail(error);
		}
	}
	for (const [urn, attributes] of extensions) {
		if (Object.keys(attributes).length > 0) {
			resource[urn] = attributes;
		}
	}
	return ok(resource);
}

function checkSchemas(body: ScimObject, resourceType: ResourceTypeDef): ScimErrorData | undefined {
	const schemas = getProperty(body, "schemas");
	const core = resourceType.schema.id;
	// Other URNs are ignored: Entra lists a mistyped "…enterprise:2.0User" and, for Groups, its
	// own ADSCIM URN (docs/idp-notes.md "Microsoft Entra ID"); an extension listed without its object is fine too.
	if (
		!Array.isArray(schemas) ||
		!schemas.some((urn) => typeof urn === "string" && urn.toLowerCase() === core.toLowerCase())
	) {
		return scimErrors
			.invalidSyntax(`The request body must have "schemas" listing "${core}".`)
			.toData();
	}
	return undefined;
}

/** Coerces one attribute's value and stores it under its canonical name, unless it is dropped. */
function assignAttribute(
	target: ScimObject,
	attribute: AttributeDef,
	value: unknown,
	path: string,
): ScimErrorData | undefined {
	const coerced = coerceAttribute(attribute, value, path);
	if (!coerced.ok) {
		return coerced.error;
	}
	if (coerced.value === undefined) {
		delete target[attribute.name];
	} else {
		target[attribute.name] = coerced.value;
	}
	return undefined;
}

function multiValues(value: unknown): ScimObject[] {
	return Array.isArray(value) ? value.filter(isObject) : [];
}

function assignString<T extends object>(target: T, key: keyof T & string, value: unknown): void {
	if (typeof value === "string") {
		(target as Record<string, unknown>)[key] = value;
	}
}

function fail(error: { toData(): ScimErrorData } | ScimErrorData): {
	ok: false;
	error: ScimErrorData;
} {
	return err("toData" in error ? error.toData() : error);
}
