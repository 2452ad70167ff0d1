// Runs in the "limits" vitest project: 1 request/s per SCIM key with a burst of 5.
import { env } from "cloudflare:workers";
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
