import { describe, expect, it } from "vitest";
import { attributeChanges } from "../../../src/provisioning/changes";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("attributeChanges", () => {
	it("gives before and after of a changed simple attribute, nothing for unchanged ones", () => {
		expect(
			attributeChanges(
				{ schemas: ["a"], userName: "ada", title: "Dev" },
				{ schemas: ["a", "b"], userName: "ada", title: "Lead" },
			),
		).toEqual([{ attribute: "title", before: "Dev", after: "Lead" }]);
	});

	it("flattens the enterprise extension into its own attributes, manager by its name", () => {
		expect(
			attributeChanges(
				{ [ENTERPRISE]: { department: "Eng", employeeNumber: "7" } },
				{
					[ENTERPRISE]: {
						department: "Sales",
						employeeNumber: "7",
						manager: { value: "m1", displayName: "Grace Hopper" },
					},
				},
			),
		).toEqual([
			{ attribute: "department", before: "Eng", after: "Sales" },
			{ attribute: "manager", before: null, after: "Grace Hopper" },
		]);
	});

	it("flattens complex attributes one level and shows multi-valued ones by value", () => {
		expect(
			attributeChanges(
				{ name: { givenName: "Ada", familyName: "L" }, emails: [{ value: "a@x.io" }] },
				{
					name: { givenName: "Augusta", familyName: "L" },
					emails: [{ value: "a@y.io", type: "work", primary: true }],
				},
			),
		).toEqual([
			{ attribute: "emails", before: "a@x.io", after: "a@y.io (work, primary)" },
			{ attribute: "name.givenName", before: "Ada", after: "Augusta" },
		]);
	});

	it("never keeps a password's (or other secret's) value", () => {
		const changes = attributeChanges({ password: "old-Secret1" }, { password: "new-Secret2" });
		expect(changes).toEqual([{ attribute: "password", before: null, after: null, hidden: true }]);
		expect(JSON.stringify(changes)).not.toContain("Secret");
	});

	it("records attributes added and removed, and booleans as text", () => {
		expect(attributeChanges({ nickName: "Ada", active: true }, { active: false })).toEqual([
			{ attribute: "active", before: "true", after: "false" },
			{ attribute: "nickName", before: "Ada", after: null },
		]);
	});

	it("shortens long values to 200 characters", () => {
		const [change] = attributeChanges({}, { title: "x".repeat(500) });
		expect(change?.after).toHaveLength(200);
		expect(change?.after?.endsWith("…")).toBe(true);
	});
});
