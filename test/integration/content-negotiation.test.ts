// Request and response media types (RFC 7644 §3.1, §8.1; docs/idp-notes.md "OneLogin", §7.1).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newScimTeam, ORIGIN, uniqueEmail } from "../helpers";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

/** Sends a request with exactly these headers, unlike scim() which adds the SCIM ones. */
async function send(
	token: string,
	method: string,
	path: string,
	headers: Record<string, string>,
	body?: unknown,
): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}/scim/v2${path}`, {
		method,
		headers: { Authorization: `Bearer ${token}`, ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

function userBody() {
	const email = uniqueEmail("negotiation");
	return { schemas: [USER], userName: email, emails: [{ value: email, primary: true }] };
}

describe("request bodies", () => {
	it.each([
		["application/scim+json", { "Content-Type": "application/scim+json" }],
		[
			"application/scim+json; charset=utf-8",
			{ "Content-Type": "application/scim+json; charset=utf-8" },
		],
		["application/json", { "Content-Type": "application/json" }],
		["application/json; charset=UTF-8", { "Content-Type": "application/json; charset=UTF-8" }],
		["no Content-Type", {}],
	])("accepts a JSON body sent as %s", async (_, headers) => {
		const team = await newScimTeam("Negotiation");
		const init: RequestInit = {
			method: "POST",
			headers: { Authorization: `Bearer ${team.token}`, ...headers },
			body: new TextEncoder().encode(JSON.stringify(userBody())),
		};
		const res = await exports.default.fetch(`${ORIGIN}/scim/v2/Users`, init);
		expect(res.status).toBe(201);
	});
});

describe("response Content-Type", () => {
	it.each([
		[undefined, "application/scim+json"],
		["*/*", "application/scim+json"],
		["application/scim+json", "application/scim+json"],
		["application/json", "application/json"],
		["application/json; charset=utf-8", "application/json"],
		["application/json, application/scim+json", "application/scim+json"],
		["application/scim+json;q=0.9, application/json", "application/scim+json"],
		["application/json, */*", "application/scim+json"],
		["text/html", "application/scim+json"],
	])("Accept: %s → %s", async (accept, expected) => {
		const team = await newScimTeam("Negotiation");
		const headers: Record<string, string> = accept === undefined ? {} : { Accept: accept };
		const responses = [
			await send(team.token, "GET", "/Users", headers),
			await send(team.token, "POST", "/Users", headers, userBody()),
			await send(team.token, "GET", "/ServiceProviderConfig", headers),
			// Errors follow the same rule: 404, 400 and 401.
			await send(team.token, "GET", `/Users/${crypto.randomUUID()}`, headers),
			await send(team.token, "GET", "/Users?filter=userName%20zz%20%22x%22", headers),
			await send("not-a-key", "GET", "/Users", headers),
		];
		expect(responses.map((r) => r.status)).toEqual([200, 201, 200, 404, 400, 401]);
		for (const res of responses) {
			const contentType = res.headers.get("Content-Type") ?? "";
			expect(contentType.split(";")[0]).toBe(expected);
			expect(contentType).toContain("charset=utf-8");
			expect(await res.json()).toHaveProperty("schemas");
		}
	});
});
