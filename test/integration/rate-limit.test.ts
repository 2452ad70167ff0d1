// Runs in the "limits" vitest project: 1 request/s per SCIM key with a burst of 5.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiJson, newScimTeam, oktaUser, SCIM_CONTENT_TYPE, scim, uniqueEmail } from "../helpers";

describe("rate limiting per SCIM key", () => {
	it("answers 429 with Retry-After and a SCIM Error once a key's burst is spent", async () => {
		const team = await newScimTeam();
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++) {
			statuses.push((await scim(team.token, "GET", "/Users?count=1")).status);
		}
		expect(statuses).toEqual([200, 200, 200, 200, 200]);
		const res = await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail()));
		expect(res.status).toBe(429);
		expect(res.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
		expect(res.headers.get("Content-Type")).toContain(SCIM_CONTENT_TYPE);
		expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(await res.json()).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "429",
			detail: expect.stringContaining("Retry-After"),
		});
		// The refused create wrote nothing.
		const row = await env.DB.prepare("select count(*) as n from scim_users where team_id = ?")
			.bind(team.teamId)
			.first<{ n: number }>();
		expect(row?.n).toBe(0);
	});

	it("counts each key on its own: another key of the same team is not throttled", async () => {
		const team = await newScimTeam();
		for (let i = 0; i < 6; i++) {
			await scim(team.token, "GET", "/Users?count=1");
		}
		expect((await scim(team.token, "GET", "/Users?count=1")).status).toBe(429);
		const second = await apiJson<{ token: string }>(
			"POST",
			`/teams/${team.teamId}/scim-keys`,
			{ name: "Entra" },
			201,
		);
		expect((await scim(second.token, "GET", "/Users?count=1")).status).toBe(200);
	});

	it("does not spend a key's budget on requests without a valid key", async () => {
		const team = await newScimTeam();
		for (let i = 0; i < 10; i++) {
			expect((await scim(`${team.token.slice(0, -2)}xx`, "GET", "/Users")).status).toBe(401);
		}
		expect((await scim(team.token, "GET", "/Users?count=1")).status).toBe(200);
	});

	// Issue 12 §15: a client could not see its budget before the 429.
	it("tells the client its budget in RateLimit-Limit, -Remaining and -Reset on every answer", async () => {
		const team = await newScimTeam();
		const first = await scim(team.token, "GET", "/Users?count=1");
		expect(first.status).toBe(200);
		expect(first.headers.get("RateLimit-Limit")).toBe("5");
		expect(first.headers.get("RateLimit-Remaining")).toBe("4");
		expect(first.headers.get("RateLimit-Reset")).toMatch(/^[1-9]\d*$/);
		const missing = await scim(team.token, "GET", `/Users/${crypto.randomUUID()}`);
		expect(missing.status).toBe(404);
		expect(missing.headers.get("RateLimit-Limit")).toBe("5");
		let res = missing;
		for (let i = 0; i < 10 && res.status !== 429; i++) {
			res = await scim(team.token, "GET", "/Users?count=1");
		}
		expect(res.status).toBe(429);
		expect(res.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
		expect(res.headers.get("RateLimit-Limit")).toBe("5");
		expect(res.headers.get("RateLimit-Remaining")).toBe("0");
		expect(res.headers.get("RateLimit-Reset")).toMatch(/^[1-9]\d*$/);
	});
});

// Issue 9: failed authentication is throttled per client address, before the credential costs a
// D1 read; SCIM keys per address and key id, since IdPs call every tenant from shared egress
// addresses. Here the binding refuses a throttle key's 13th failure in a minute
// (test/vitest.config.ts).
describe("throttling failed authentication per client address", () => {
	const BINDING_LIMIT = 12;

	function address(): string {
		return `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 4)}`;
	}

	it("answers 429 with Retry-After to an address that keeps sending bad SCIM keys, even with a good one", async () => {
		const team = await newScimTeam();
		const from = { "CF-Connecting-IP": address() };
		const bad = `${team.token.slice(0, -2)}xx`;
		for (let i = 0; i < BINDING_LIMIT; i++) {
			expect((await scim(bad, "GET", "/Users", undefined, from)).status).toBe(401);
		}
		const refused = await scim(bad, "GET", "/Users", undefined, from);
		expect(refused.status).toBe(429);
		expect(refused.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
		expect(refused.headers.get("Content-Type")).toContain(SCIM_CONTENT_TYPE);
		// The address is now refused before its key is looked up: a valid key changes nothing.
		const blocked = await scim(team.token, "GET", "/Users", undefined, from);
		expect(blocked.status).toBe(429);
		expect(blocked.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
		// Another address, and the same key's good requests from it, are not affected.
		const other = { "CF-Connecting-IP": address() };
		expect((await scim(team.token, "GET", "/Users", undefined, other)).status).toBe(200);
	});

	it("does not throttle another team's key from an address where one team's key keeps failing", async () => {
		const failing = await newScimTeam();
		const other = await newScimTeam();
		const from = { "CF-Connecting-IP": address() };
		const wrongSecret = `${failing.token.slice(0, -2)}xx`;
		for (let i = 0; i < BINDING_LIMIT; i++) {
			expect((await scim(wrongSecret, "GET", "/Users", undefined, from)).status).toBe(401);
		}
		expect((await scim(wrongSecret, "GET", "/Users", undefined, from)).status).toBe(429);
		// The shared egress address still serves the other team's key.
		expect((await scim(other.token, "GET", "/Users", undefined, from)).status).toBe(200);
		expect((await scim(other.token, "POST", "/Users", oktaUser(uniqueEmail()), from)).status).toBe(
			201,
		);
	});

	it("counts credentials that name no key per address, apart from well-formed keys", async () => {
		const team = await newScimTeam();
		const from = { "CF-Connecting-IP": address() };
		for (let i = 0; i < BINDING_LIMIT; i++) {
			expect((await scim("not-a-scim-key", "GET", "/Users", undefined, from)).status).toBe(401);
		}
		const refused = await scim("another-bad-token", "GET", "/Users", undefined, from);
		expect(refused.status).toBe(429);
		expect(refused.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
		expect((await scim(team.token, "GET", "/Users", undefined, from)).status).toBe(200);
	});

	it("answers 429 in the service API's JSON format to an address that keeps sending bad tokens", async () => {
		const from = address();
		const call = () =>
			exports.default.fetch("https://scim.example.test/api/v1/teams", {
				method: "POST",
				headers: { Authorization: "Bearer wrong-token-0123456789", "CF-Connecting-IP": from },
				body: "{}",
			});
		for (let i = 0; i < BINDING_LIMIT; i++) {
			expect((await call()).status).toBe(401);
		}
		const refused = await call();
		expect(refused.status).toBe(429);
		expect(refused.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
		expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
	});

	it("answers 429 to an address that keeps trying admin login links", async () => {
		const from = address();
		const call = () =>
			exports.default.fetch("https://scim.example.test/admin/login", {
				method: "POST",
				headers: {
					"Content-Type": "application/x-www-form-urlencoded",
					Origin: "https://scim.example.test",
					"CF-Connecting-IP": from,
				},
				body: `token=${"x".repeat(43)}`,
			});
		for (let i = 0; i < BINDING_LIMIT; i++) {
			expect((await call()).status).toBe(401);
		}
		const refused = await call();
		expect(refused.status).toBe(429);
		expect(refused.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
	});
});
