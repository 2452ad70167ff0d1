import { describe, expect, it } from "vitest";
import { newScimTeam, SCIM_CONTENT_TYPE, scim } from "../helpers";

/** The discovery endpoints through the worker (RFC 7644 §4). */

describe("discovery endpoints (RFC 7644 §4)", () => {
	// Regression (outside-in probe): a filter was ignored and the whole list answered 200, which a
	// client could take for the answer to its filter; the RFC asks for 403.
	it.each([
		'/Schemas?filter=id eq "x"',
		"/Schemas/urn:ietf:params:scim:schemas:core:2.0:User?filter=id pr",
		'/ResourceTypes?FILTER=name eq "User"',
		"/ResourceTypes/User?Filter=name pr",
		"/ServiceProviderConfig?filter=x",
	])("GET %s answers 403 with a SCIM error", async (path) => {
		const team = await newScimTeam();
		const res = await scim(team.token, "GET", path.replaceAll(" ", "%20").replaceAll('"', "%22"));
		expect(res.status).toBe(403);
		expect(res.headers.get("Content-Type")).toContain(SCIM_CONTENT_TYPE);
		expect(await res.json()).toMatchObject({
			status: "403",
			detail: expect.stringContaining("filter"),
		});
	});

	it.each(["/Schemas", "/ResourceTypes", "/ServiceProviderConfig", "/ResourceTypes/User"])(
		"GET %s without a filter answers 200",
		async (path) => {
			const team = await newScimTeam();
			expect((await scim(team.token, "GET", path)).status).toBe(200);
		},
	);
});
