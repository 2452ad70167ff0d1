import { describe, expect, it } from "vitest";
import { ScimError } from "../../../src/scim/errors";
import type { Filter } from "../../../src/scim/filter/ast";
import { parseFilter } from "../../../src/scim/filter/parse";
import { printFilter } from "../../../src/scim/filter/print";
import { validateFilter } from "../../../src/scim/filter/validate";
import {
	GROUP,
	SCHEMA_ENTERPRISE_USER,
	SCHEMA_GROUP,
	SCHEMA_USER,
	USER,
} from "./fixtures/resource-types";

function validate(text: string, resourceType = USER): Filter {
	return validateFilter(parseFilter(text), resourceType);
}

function failure(run: () => unknown): ScimError {
	try {
		run();
	} catch (e) {
		if (e instanceof ScimError) {
			return e;
		}
		throw e;
	}
	throw new Error("expected a ScimError");
}

describe("validateFilter", () => {
	describe("rewrites names to their canonical spelling and fills in the schema URN", () => {
		const cases: [string, Filter][] = [
			[
				'USERNAME eq "bjensen"',
				{
					kind: "compare",
					path: { uri: SCHEMA_USER, attribute: "userName" },
					op: "eq",
					value: "bjensen",
				},
			],
			[
				'name.GIVENNAME sw "B"',
				{
					kind: "compare",
					path: { uri: SCHEMA_USER, attribute: "name", subAttribute: "givenName" },
					op: "sw",
					value: "B",
				},
			],
			[
				`${SCHEMA_ENTERPRISE_USER.toUpperCase()}:EmployeeNumber eq "42"`,
				{
					kind: "compare",
					path: { uri: SCHEMA_ENTERPRISE_USER, attribute: "employeeNumber" },
					op: "eq",
					value: "42",
				},
			],
			[
				'department eq "Sales"',
				{
					kind: "compare",
					path: { uri: SCHEMA_ENTERPRISE_USER, attribute: "department" },
					op: "eq",
					value: "Sales",
				},
			],
			[
				`${SCHEMA_ENTERPRISE_USER}:manager.VALUE eq "m1"`,
				{
					kind: "compare",
					path: { uri: SCHEMA_ENTERPRISE_USER, attribute: "manager", subAttribute: "value" },
					op: "eq",
					value: "m1",
				},
			],
			[
				'Emails[TYPE eq "work"]',
				{
					kind: "valuePath",
					path: { uri: SCHEMA_USER, attribute: "emails" },
					filter: { kind: "compare", path: { attribute: "type" }, op: "eq", value: "work" },
				},
			],
			["emails pr", { kind: "present", path: { uri: SCHEMA_USER, attribute: "emails" } }],
		];
		it.each(cases)("%s", (text, ast) => {
			expect(validate(text)).toEqual(ast);
		});

		it("leaves the input AST untouched", () => {
			const parsed = parseFilter('USERNAME eq "x"');
			validateFilter(parsed, USER);
			expect(parsed).toEqual({
				kind: "compare",
				path: { attribute: "USERNAME" },
				op: "eq",
				value: "x",
			});
		});

		it("resolves Group attributes against the Group schema", () => {
			expect(validate('members.VALUE eq "u1"', GROUP)).toEqual({
				kind: "compare",
				path: { uri: SCHEMA_GROUP, attribute: "members", subAttribute: "value" },
				op: "eq",
				value: "u1",
			});
		});
	});

	describe("reads a comparison on a multi-valued complex attribute as one on its value", () => {
		it.each([
			['emails eq "a@x.org"', 'emails.value eq "a@x.org"'],
			['emails co "@x"', 'emails.value co "@x"'],
		])("%s means %s", (text, meaning) => {
			expect(printFilter(validate(text))).toBe(printFilter(validate(meaning)));
		});
	});

	describe("coerces values to the attribute type", () => {
		const cases: [string, unknown][] = [
			['active eq "True"', true],
			['active ne "false"', false],
			["externalId eq 12345", "12345"],
			["externalId eq jyoung", "jyoung"],
			['meta.lastModified gt "2011-05-13T04:42:34Z"', "2011-05-13T04:42:34Z"],
			['meta.created le "2011-05-13T04:42:34.123+02:00"', "2011-05-13T04:42:34.123+02:00"],
			["title eq null", null],
		];
		it.each(cases)("%s", (text, value) => {
			expect(validate(text)).toMatchObject({ value });
		});
	});

	describe("rejects what does not fit the schema with invalidFilter", () => {
		const cases: [string, RegExp][] = [
			['nickname2 eq "x"', /unknown attribute "nickname2" for resource type User/],
			['name.nickName eq "x"', /"name" has no sub-attribute "nickName"/],
			['urn:example:nope:foo eq "x"', /unknown attribute "urn:example:nope:foo"/],
			[`${SCHEMA_ENTERPRISE_USER}:userName eq "x"`, /unknown attribute/],
			["active gt true", /"gt" cannot be used on the boolean attribute "active"; use eq or ne/],
			['active co "t"', /"co" cannot be used on the boolean attribute "active"/],
			['active eq "yes"', /"active" is boolean, so the value must be true or false, not "yes"/],
			['name eq "Barbara"', /"name" is complex; compare one of its sub-attributes instead/],
			['name co "Bar"', /"name" is complex/],
			[`${SCHEMA_ENTERPRISE_USER}:manager eq "m1"`, /"manager" is complex/],
			[
				'meta.lastModified gt "yesterday"',
				/"meta.lastModified" is a dateTime, so the value must be an xsd:dateTime/,
			],
			[
				'meta.lastModified co "2011"',
				/"co" cannot be used on the dateTime attribute "meta.lastModified"/,
			],
			["meta.created eq 5", /is a dateTime/],
			["userName gt null", /"gt null" on "userName" is not supported/],
			['password eq "secret"', /"password" cannot be used in a filter/],
			['emails[nope eq "x"]', /"emails" has no sub-attribute "nope"/],
			['emails[value.x eq "x"]', /must be a plain sub-attribute name of "emails"/],
			[
				'userName[type eq "x"]',
				/"userName\[…\]" needs a complex attribute, but "userName" is string/,
			],
			["emails[primary gt true]", /"gt" cannot be used on the boolean attribute "emails.primary"/],
		];
		it.each(cases)("%s", (text, detail) => {
			const error = failure(() => validate(text));
			expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
			expect(error.detail).toMatch(detail);
		});

		it("names the resource type an attribute is unknown to", () => {
			expect(failure(() => validate('userName eq "x"', GROUP)).detail).toMatch(
				/unknown attribute "userName" for resource type Group/,
			);
		});
	});
});
