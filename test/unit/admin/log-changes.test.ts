import { describe, expect, it } from "vitest";
import { attributeLabel, shownChanges } from "../../../src/admin/log-changes";

describe("attributeLabel", () => {
	it.each([
		["department", "department"],
		["manager", "manager"],
		["employeeNumber", "employee number"],
		["costCenter", "cost center"],
		["name.givenName", "first name"],
		["name.familyName", "last name"],
		["userName", "user name"],
		["displayName", "display name"],
		["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "enterprise attributes"],
		["urn:example:params:scim:schemas:extension:acme:2.0:User", "User"],
	])("names %s as %j", (path, label) => {
		expect(attributeLabel(path)).toBe(label);
	});
});

describe("shownChanges", () => {
	it("reads older rows (names only) and newer ones (with values) alike, dropping schemas", () => {
		expect(
			shownChanges([
				"schemas",
				"name",
				{ attribute: "department", before: "Eng", after: "Sales" },
				{ attribute: "password", before: null, after: null, hidden: true },
			]),
		).toEqual([
			{ label: "name", before: null, after: null, hasValues: false, hidden: false },
			{ label: "department", before: "Eng", after: "Sales", hasValues: true, hidden: false },
			{ label: "password", before: null, after: null, hasValues: false, hidden: true },
		]);
		expect(shownChanges(null)).toEqual([]);
	});
});
