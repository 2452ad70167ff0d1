import { describe, expect, it } from "vitest";
import {
	attributePathOf,
	definitionOf,
	type ResolvedAttribute,
	resolveAttribute,
	resolveAttributePath,
} from "../../../src/scim/schemas/lookup";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../../src/scim/schemas/resource-types";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from "../../../src/scim/schemas/urns";
import { USER } from "./fixtures/resource-types";

function describeRef(name: string, resourceType = USER_RESOURCE_TYPE): string | undefined {
	const ref = resolveAttribute(resourceType, name);
	if (ref === undefined) {
		return undefined;
	}
	return [ref.schema.id, ref.attribute?.name, ref.subAttribute?.name].filter(Boolean).join(" ");
}

describe("resolveAttribute", () => {
	it.each<[string, string | undefined]>([
		["userName", `${SCHEMA_USER} userName`],
		["USERNAME", `${SCHEMA_USER} userName`],
		["name.givenname", `${SCHEMA_USER} name givenName`],
		["emails.value", `${SCHEMA_USER} emails value`],
		["id", `${SCHEMA_USER} id`],
		["externalId", `${SCHEMA_USER} externalId`],
		["meta.lastModified", `${SCHEMA_USER} meta lastModified`],
		[`${SCHEMA_USER}:userName`, `${SCHEMA_USER} userName`],
		[`${SCHEMA_USER}:name.familyName`, `${SCHEMA_USER} name familyName`],
		[SCHEMA_ENTERPRISE_USER, SCHEMA_ENTERPRISE_USER],
		[SCHEMA_ENTERPRISE_USER.toLowerCase(), SCHEMA_ENTERPRISE_USER],
		[`${SCHEMA_ENTERPRISE_USER}:department`, `${SCHEMA_ENTERPRISE_USER} department`],
		[`${SCHEMA_ENTERPRISE_USER}:manager.value`, `${SCHEMA_ENTERPRISE_USER} manager value`],
		// Entra's mistyped URN (docs/idp-notes.md "Microsoft Entra ID") names nothing.
		["urn:ietf:params:scim:schemas:extension:enterprise:2.0User", undefined],
		[`${SCHEMA_ENTERPRISE_USER}:userName`, undefined],
		[SCHEMA_USER, undefined],
		["department", undefined],
		["name.nope", undefined],
		["nope", undefined],
		["", undefined],
	])("resolves %j on User to %j", (name, expected) => {
		expect(describeRef(name)).toBe(expected);
	});

	it.each<[string, string | undefined]>([
		["members.value", `${SCHEMA_GROUP} members value`],
		[`${SCHEMA_GROUP}:displayName`, `${SCHEMA_GROUP} displayName`],
		["userName", undefined],
	])("resolves %j on Group to %j", (name, expected) => {
		expect(describeRef(name, GROUP_RESOURCE_TYPE)).toBe(expected);
	});

	it("marks extension attributes as such", () => {
		expect(
			resolveAttribute(USER_RESOURCE_TYPE, `${SCHEMA_ENTERPRISE_USER}:department`)?.extension,
		).toBe(true);
		expect(resolveAttribute(USER_RESOURCE_TYPE, "userName")?.extension).toBe(false);
	});
});

/** The definition, its parent, the schema URN and the canonical path of a resolved path. */
function view(ref: ResolvedAttribute | undefined) {
	return (
		ref && {
			def: definitionOf(ref),
			parentDef: ref.subAttribute === undefined ? undefined : ref.attribute,
			uri: ref.schema.id,
			path: attributePathOf(ref),
			extension: ref.extension,
		}
	);
}

describe("resolveAttributePath", () => {
	it("returns the definition, its parent, the schema URN and the canonical path", () => {
		const resolved = view(
			resolveAttributePath(USER, { attribute: "EMAILS", subAttribute: "Value" }),
		);
		expect(resolved).toMatchObject({
			def: { name: "value", type: "string" },
			parentDef: { name: "emails", multiValued: true },
			uri: SCHEMA_USER,
			path: { uri: SCHEMA_USER, attribute: "emails", subAttribute: "value" },
			extension: false,
		});
	});

	it("marks extension attributes", () => {
		expect(view(resolveAttributePath(USER, { attribute: "employeeNumber" }))).toMatchObject({
			uri: SCHEMA_ENTERPRISE_USER,
			extension: true,
			path: { uri: SCHEMA_ENTERPRISE_USER, attribute: "employeeNumber" },
		});
	});

	it.each([
		[{ attribute: "nope" }],
		[{ attribute: "name", subAttribute: "nope" }],
		[{ attribute: "userName", subAttribute: "value" }],
		[{ uri: "urn:example:other", attribute: "userName" }],
		[{ attribute: "__proto__" }],
		[{ attribute: "constructor" }],
	])("returns undefined for %j", (path) => {
		expect(resolveAttributePath(USER, path)).toBeUndefined();
	});
});
