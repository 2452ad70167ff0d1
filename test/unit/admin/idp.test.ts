import { describe, expect, it } from "vitest";
import { idpFromUserAgent } from "../../../src/admin/idp";

describe("idpFromUserAgent", () => {
	it.each([
		["Okta SCIM Client 1.0.0", "Okta"], // docs/idp-notes.md "Okta"
		["Okta-SCIM/2.0", "Okta"],
		["Microsoft Entra ID SCIM Client", "Entra ID"],
		["Azure AD SCIM Client", "Entra ID"],
		["Azure Active Directory Provisioning", "Entra ID"],
		["OneLogin SCIM", "OneLogin"],
		["JumpCloud SCIM/1.0", "JumpCloud"],
		["Rippling/1.0 (SCIM)", "Rippling"],
		["curl/8.5.0", "Script (curl)"],
		["python-requests/2.31.0", "Script (Python)"],
	])("names %j as %s", (userAgent, idp) => {
		expect(idpFromUserAgent(userAgent)).toBe(idp);
	});

	it.each([null, undefined, "", "Mozilla/5.0 (X11; Linux x86_64)", "Oktober-Fest-Bot"])(
		"gives null for %j",
		(userAgent) => {
			expect(idpFromUserAgent(userAgent)).toBeNull();
		},
	);
});
