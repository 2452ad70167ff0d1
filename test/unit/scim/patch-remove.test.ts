import { describe, expect, it } from "vitest";
import { baseGroup, baseUser, enterpriseUser, patchError, patched } from "./fixtures/patch";
import { GROUP, SCHEMA_ENTERPRISE_USER, SCHEMA_USER } from "./fixtures/resource-types";

const twoEmails = () => ({
	...baseUser(),
	emails: [
		{ value: "bjensen@example.com", type: "work", primary: true },
		{ value: "babs@jensen.org", type: "home" },
	],
});

describe("PATCH remove (RFC 7644 §3.5.2.2)", () => {
	it("removes a single-valued attribute", () => {
		const out = patched(baseUser(), [{ op: "remove", path: "displayName" }]);
		expect(out.resource).not.toHaveProperty("displayName");
		expect(out.changed).toBe(true);
	});

	it("removes a sub-attribute and keeps the others", () => {
		const out = patched(baseUser(), [{ op: "remove", path: "name.givenName" }]);
		expect(out.resource.name).toEqual({ familyName: "Jensen" });
	});

	it("removes a complex attribute once its last sub-attribute goes", () => {
		const out = patched(baseUser(), [
			{ op: "remove", path: "name.givenName" },
			{ op: "remove", path: "name.familyName" },
		]);
		expect(out.resource).not.toHaveProperty("name");
	});

	it("removes all values of a multi-valued attribute", () => {
		expect(patched(twoEmails(), [{ op: "remove", path: "emails" }]).resource).not.toHaveProperty(
			"emails",
		);
	});

	it("removes the values a filter selects", () => {
		const out = patched(twoEmails(), [{ op: "remove", path: 'emails[type eq "work"]' }]);
		expect(out.resource.emails).toEqual([{ value: "babs@jensen.org", type: "home" }]);
	});

	it("removes a sub-attribute of the values a filter selects", () => {
		const out = patched(twoEmails(), [{ op: "remove", path: 'emails[type eq "work"].primary' }]);
		expect(out.resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work" },
			{ value: "babs@jensen.org", type: "home" },
		]);
	});

	it("drops the attribute when the filter removes its last value", () => {
		const out = patched(baseUser(), [
			{ op: "remove", path: 'emails[value eq "BJENSEN@example.com"]' },
		]);
		expect(out.resource).not.toHaveProperty("emails");
	});

	it("is a no-op when the filter matches nothing", () => {
		const out = patched(twoEmails(), [{ op: "remove", path: 'emails[type eq "other"]' }]);
		expect(out.changed).toBe(false);
	});

	it("is a no-op when the attribute is missing", () => {
		expect(patched(baseUser(), [{ op: "remove", path: "title" }]).changed).toBe(false);
	});

	it("removes a member by filter and reports it", () => {
		const out = patched(baseGroup(), [{ op: "remove", path: 'members[value eq "u1"]' }], GROUP);
		expect(out.resource.members).toEqual([
			{ value: "u2", display: "Mandy Pepperidge", type: "User" },
		]);
		expect(out.membersRemoved).toEqual(["u1"]);
		expect(out.membersAdded).toEqual([]);
	});

	it("matches member ids per caseExact (false for members.value in RFC 7643 §8.7.1)", () => {
		const out = patched(baseGroup(), [{ op: "remove", path: 'members[value eq "U1"]' }], GROUP);
		expect(out.membersRemoved).toEqual(["u1"]);
	});

	it("removes the members listed in a value array", () => {
		const out = patched(
			baseGroup(),
			[{ op: "remove", path: "members", value: [{ value: "u2" }, { value: "u7" }] }],
			GROUP,
		);
		expect(out.membersRemoved).toEqual(["u2"]);
		expect(out.resource.members).toEqual([{ value: "u1", display: "Babs Jensen", type: "User" }]);
	});

	it("removes emails listed by value, case-insensitively", () => {
		const out = patched(twoEmails(), [
			{ op: "remove", path: "emails", value: [{ value: "BABS@jensen.org" }] },
		]);
		expect(out.resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work", primary: true },
		]);
	});

	it("removes an extension attribute and the emptied extension", () => {
		const user = { ...enterpriseUser(), [SCHEMA_ENTERPRISE_USER]: { employeeNumber: "1" } };
		const out = patched(user, [{ op: "remove", path: `${SCHEMA_ENTERPRISE_USER}:employeeNumber` }]);
		expect(out.resource).not.toHaveProperty([SCHEMA_ENTERPRISE_USER]);
		expect(out.resource.schemas).toEqual([SCHEMA_USER]);
	});

	it("removes a whole extension by its URN", () => {
		const out = patched(enterpriseUser(), [{ op: "remove", path: SCHEMA_ENTERPRISE_USER }]);
		expect(out.resource).toEqual(baseUser());
	});

	it("keeps the extension while it has attributes", () => {
		const out = patched(enterpriseUser(), [
			{ op: "remove", path: `${SCHEMA_ENTERPRISE_USER}:department` },
		]);
		expect(out.resource[SCHEMA_ENTERPRISE_USER]).toEqual({ employeeNumber: "701984" });
		expect(out.resource.schemas).toEqual([SCHEMA_USER, SCHEMA_ENTERPRISE_USER]);
	});

	it("treats removing the password as a no-op", () => {
		expect(patched(baseUser(), [{ op: "remove", path: "password" }]).changed).toBe(false);
	});

	it("answers noTarget without a path", () => {
		const error = patchError(baseUser(), [{ op: "remove" }]);
		expect(error).toMatchObject({ status: 400, scimType: "noTarget" });
		expect(error.detail).toMatch(/"remove" needs a "path"/);
	});

	describe("refuses with mutability", () => {
		it.each([
			["User", "userName", /"userName" is required and cannot be removed/],
			["Group", "displayName", /"displayName" is required and cannot be removed/],
			["User", "id", /"id" is readOnly/],
			["User", "meta", /"meta" is readOnly/],
			["User", "groups", /"groups" is readOnly/],
			["Group", "members.value", /"members.value" is immutable/],
			["Group", 'members[value eq "u1"].value', /"members.value" is immutable/],
		])("%s: remove %s", (type, path, detail) => {
			const error =
				type === "User"
					? patchError(baseUser(), [{ op: "remove", path }])
					: patchError(baseGroup(), [{ op: "remove", path }], GROUP);
			expect(error).toMatchObject({ status: 400, scimType: "mutability" });
			expect(error.detail).toMatch(detail);
		});
	});
});
