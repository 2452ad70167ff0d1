import { describe, expect, it } from "vitest";
import { resolveAttribute } from "../../../src/scim/schemas/lookup";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../../src/scim/schemas/resource-types";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from "../../../src/scim/schemas/urns";

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
		// Entra's mistyped URN (IDP-COMPAT §3.1) names nothing.
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
