import { describe, expect, it } from "vitest";
import { evaluateFilter, matchesValueFilter } from "../../../src/scim/filter/evaluate";
import { parseFilter } from "../../../src/scim/filter/parse";
import { validateFilter } from "../../../src/scim/filter/validate";
import { GROUP, SCHEMA_ENTERPRISE_USER, SCHEMA_USER, USER } from "./fixtures/resource-types";

const user = {
	schemas: [SCHEMA_USER, SCHEMA_ENTERPRISE_USER],
	id: "2819c223-7f76-453a-919d-413861904646",
	externalId: "Ext-42",
	userName: "BJensen",
	name: { givenName: "Barbara", familyName: "Jensen" },
	displayName: "Babs",
	title: "",
	active: true,
	emails: [
		{ value: "bjensen@Example.com", type: "work", primary: true },
		{ value: "babs@jensen.org", type: "home" },
	],
	meta: { created: "2011-08-01T18:29:49.793Z", lastModified: "2011-08-01T20:00:00+02:00" },
	[SCHEMA_ENTERPRISE_USER]: { employeeNumber: "701984", manager: { value: "m1" } },
};

function matches(
	text: string,
	resource: Record<string, unknown> = user,
	resourceType = USER,
): boolean {
	return evaluateFilter(validateFilter(parseFilter(text), resourceType), resource, resourceType);
}

describe("evaluateFilter", () => {
	// One row per operator × caseExact: userName and emails.value are caseExact false,
	// id and externalId caseExact true (RFC 7643 §4.1.1, §8.7.1).
	describe("compares strings per operator and caseExact", () => {
		const cases: [string, boolean][] = [
			['userName eq "bjensen"', true],
			['userName eq "BJENSEN"', true],
			['userName eq "bjensen2"', false],
			['externalId eq "Ext-42"', true],
			['externalId eq "ext-42"', false],
			['id eq "2819C223-7F76-453A-919D-413861904646"', false],
			['id eq "2819c223-7f76-453a-919d-413861904646"', true],
			['userName ne "BJENSEN"', false],
			['userName ne "other"', true],
			['externalId ne "ext-42"', true],
			['userName co "JENS"', true],
			['externalId co "EXT"', false],
			['externalId co "xt-4"', true],
			['userName sw "bj"', true],
			['externalId sw "ext"', false],
			['externalId sw "Ext"', true],
			['userName ew "SEN"', true],
			['externalId ew "-42"', true],
			['externalId ew "T-42"', false],
			['userName gt "bjensa"', true],
			['userName gt "BJENSEN"', false],
			['userName ge "BJENSEN"', true],
			['externalId gt "ext"', false],
			['externalId lt "ext"', true],
			['userName lt "c"', true],
			['userName le "bjensen"', true],
			['userName lt "bjensen"', false],
			['emails.value eq "BJENSEN@example.COM"', true],
			['emails eq "babs@jensen.org"', true],
			['emails.value co "@EXAMPLE"', true],
			['emails.value ew ".net"', false],
			['emails.type eq "WORK"', true],
		];
		it.each(cases)("%s → %s", (text, expected) => {
			expect(matches(text)).toBe(expected);
		});
	});

	describe("treats missing attributes: ne is true, everything else false", () => {
		const cases: [string, boolean][] = [
			['nickName eq "x"', false],
			['nickName ne "x"', true],
			['nickName co "x"', false],
			['nickName sw "x"', false],
			['nickName ew "x"', false],
			['nickName gt "a"', false],
			['nickName ge "a"', false],
			['nickName lt "z"', false],
			['nickName le "z"', false],
			["nickName pr", false],
			["nickName eq null", true],
			["nickName ne null", false],
			["userName eq null", false],
			["userName ne null", true],
			['phoneNumbers.value ne "x"', true],
			[`${SCHEMA_ENTERPRISE_USER}:department eq "x"`, false],
		];
		it.each(cases)("%s → %s", (text, expected) => {
			expect(matches(text)).toBe(expected);
		});
	});

	describe("pr means present and non-empty", () => {
		const cases: [string, boolean][] = [
			["userName pr", true],
			["title pr", false],
			["emails pr", true],
			["emails.primary pr", true],
			["name pr", true],
			["addresses pr", false],
			[`${SCHEMA_ENTERPRISE_USER}:manager pr`, true],
			[`${SCHEMA_ENTERPRISE_USER}:manager.value pr`, true],
			["active pr", true],
		];
		it.each(cases)("%s → %s", (text, expected) => {
			expect(matches(text)).toBe(expected);
		});

		it.each([
			[{ userName: "x", emails: [] }, "emails pr", false],
			[{ userName: "x", emails: [{ value: "" }] }, "emails pr", false],
			[{ userName: "x", name: {} }, "name pr", false],
			[{ userName: "x", name: { givenName: null } }, "name pr", false],
			[{ userName: "x", active: false }, "active pr", true],
		])("%j: %s → %s", (resource, text, expected) => {
			expect(matches(text, resource)).toBe(expected);
		});
	});

	describe("compares dateTimes as instants", () => {
		const cases: [string, boolean][] = [
			['meta.created eq "2011-08-01T18:29:49.793Z"', true],
			['meta.created eq "2011-08-01T20:29:49.793+02:00"', true],
			['meta.lastModified eq "2011-08-01T18:00:00Z"', true],
			['meta.lastModified gt "2011-08-01T17:59:59Z"', true],
			['meta.lastModified gt "2011-08-01T18:00:00Z"', false],
			['meta.lastModified ge "2011-08-01T18:00:00Z"', true],
			['meta.lastModified lt "2011-08-01T19:00:00+02:00"', false],
			['meta.lastModified le "2011-08-01T20:00:00+02:00"', true],
			['meta.created ne "2011-08-01T18:29:49.793Z"', false],
		];
		it.each(cases)("%s → %s", (text, expected) => {
			expect(matches(text)).toBe(expected);
		});
	});

	describe("compares booleans and numbers by value", () => {
		const cases: [string, boolean][] = [
			["active eq true", true],
			["active eq false", false],
			['active eq "TRUE"', true],
			["active ne false", true],
			["emails.primary eq true", true],
			['emails[type eq "home" and primary eq true]', false],
		];
		it.each(cases)("%s → %s", (text, expected) => {
			expect(matches(text)).toBe(expected);
		});
	});

	describe("combines with and, or, not and value filters", () => {
		const cases: [string, boolean][] = [
			['userName eq "bjensen" and active eq true', true],
			['userName eq "bjensen" and active eq false', false],
			['userName eq "nope" or active eq true', true],
			['not (userName eq "bjensen")', false],
			["not (nickName pr)", true],
			['emails[type eq "work" and value co "@example.com"]', true],
			// Both conditions must hold for the same value, not for different ones.
			['emails[type eq "home" and value co "@example.com"]', false],
			['emails[type eq "work"].value eq "bjensen@example.com"', true],
			['emails[type eq "home"].value eq "bjensen@example.com"', false],
			['emails[not (type eq "work")]', true],
			['emails[type eq "other"]', false],
			[`${SCHEMA_ENTERPRISE_USER}:employeeNumber eq "701984" and name.familyName sw "J"`, true],
			[`${SCHEMA_ENTERPRISE_USER}:manager[value eq "m1"]`, true],
			[`${SCHEMA_USER}:userName eq "BJensen"`, true],
		];
		it.each(cases)("%s → %s", (text, expected) => {
			expect(matches(text)).toBe(expected);
		});
	});

	it("matches members by value per caseExact (false in RFC 7643 §8.7.1)", () => {
		const group = {
			displayName: "Admins",
			members: [{ value: "u1" }, { value: "U2", type: "User" }],
		};
		expect(matches('members[value eq "U2"]', group, GROUP)).toBe(true);
		expect(matches('members[value eq "u2"]', group, GROUP)).toBe(true);
		expect(matches('members[value eq "u3"]', group, GROUP)).toBe(false);
		expect(matches('members.value eq "u1"', group, GROUP)).toBe(true);
		expect(matches('displayName eq "ADMINS"', group, GROUP)).toBe(true);
	});

	it("reads attribute names case-insensitively in the resource JSON", () => {
		expect(matches('username eq "x"', { UserName: "X" })).toBe(true);
	});

	it("works on filters that skipped validation", () => {
		expect(evaluateFilter(parseFilter('EMAILS eq "babs@jensen.org"'), user, USER)).toBe(true);
		expect(evaluateFilter(parseFilter('unknown ne "x"'), user, USER)).toBe(true);
	});
});

describe("matchesValueFilter", () => {
	const emails = USER.schema.attributes.find((a) => a.name === "emails");
	it("applies a value filter to one element", () => {
		if (emails === undefined) {
			throw new Error("fixture has no emails");
		}
		expect(matchesValueFilter(parseFilter('type eq "WORK"'), { type: "work" }, emails)).toBe(true);
		expect(matchesValueFilter(parseFilter('type eq "work"'), { type: "home" }, emails)).toBe(false);
	});
});
