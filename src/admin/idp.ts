/**
 * The identity provider behind a SCIM key, guessed from the User-Agent of its last request, for
 * the keys page. IdPs do not identify themselves otherwise; an unknown agent gives null.
 */

const KNOWN: [RegExp, string][] = [
	// docs/idp-notes.md "Okta": "Okta SCIM Client 1.0.0".
	[/\bokta\b/i, "Okta"],
	// Entra ID's provisioning service; older agents still say "Azure AD" or "Azure Active Directory".
	[/\bentra\b|azure\s*(ad|active directory)|\baad\b|microsoft/i, "Entra ID"],
	[/\bonelogin\b/i, "OneLogin"],
	[/\bjumpcloud\b/i, "JumpCloud"],
	[/\brippling\b/i, "Rippling"],
	[/\bping\s*(identity|federate|one)\b/i, "PingIdentity"],
	[/\bgoogle\b/i, "Google Workspace"],
	[/\bcurl\//i, "Script (curl)"],
	[/\bpython-requests\/|\bhttpx\/|\baiohttp\//i, "Script (Python)"],
	[/\bnode-fetch\/|\bundici\b|\baxios\//i, "Script (Node.js)"],
];

/** The IdP name for a User-Agent, or null when it is missing or not recognised. */
export function idpFromUserAgent(userAgent: string | null | undefined): string | null {
	if (!userAgent) {
		return null;
	}
	for (const [pattern, name] of KNOWN) {
		if (pattern.test(userAgent)) {
			return name;
		}
	}
	return null;
}
