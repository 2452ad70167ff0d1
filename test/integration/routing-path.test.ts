import { describe, expect, it } from "vitest";
import { canonicalScimPath, routingPath } from "../../src/http/paths";

/**
 * routingPath returns a SCIM path unchanged when it is already spelled as routed, without
 * rewriting it: this proves the shortcut never disagrees with the full rewrite, over every mix
 * of endpoint case, `.search` case, ids, repeated and trailing slashes.
 */
describe("routingPath", () => {
	const endpoints = ["Users", "users", "USERS", "Groups", "groups", ".search", ".SEARCH", "Bulk"];
	endpoints.push("ServiceProviderConfig", "serviceproviderconfig", "Schemas", "Me", "Unknown", "");
	const rests = ["", "/.search", "/.Search", "/2819c223", "/2819c223/.search", "/.search/x", "/"];
	const paths = endpoints.flatMap((endpoint) =>
		rests.flatMap((rest) =>
			["/scim/v2/", "/scim/v2//"].map((prefix) => `${prefix}${endpoint}${rest}`),
		),
	);

	it.each(paths)("routes %s as the full rewrite does", (path) => {
		expect(routingPath(new Request(`https://scim.example${path}`))).toBe(canonicalScimPath(path));
	});

	it("rewrites the spellings IdPs send into the routed ones", () => {
		const routed = (path: string) => routingPath(new Request(`https://scim.example${path}`));
		expect(routed("/scim/v2/users")).toBe("/scim/v2/Users");
		expect(routed("/scim/v2//Users/")).toBe("/scim/v2/Users");
		expect(routed("/scim/v2/groups/.SEARCH")).toBe("/scim/v2/Groups/.search");
		expect(routed("/scim/v2/Users/AbC")).toBe("/scim/v2/Users/AbC");
		expect(routed("/api/v1//teams")).toBe("/api/v1//teams");
	});
});
