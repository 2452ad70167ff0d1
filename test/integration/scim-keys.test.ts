import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, apiJson, newScimTeam, scim } from "../helpers";

async function keyRow(keyId: string) {
	return env.DB.prepare("select * from scim_keys where id = ?")
		.bind(keyId)
		.first<Record<string, unknown>>();
}

/** Moves a key's grace-period end into the past, as if the time had passed. */
async function expireGrace(keyId: string) {
	await env.DB.prepare("update scim_keys set expires_at = ? where id = ?")
		.bind(new Date(Date.now() - 1000).toISOString(), keyId)
		.run();
}

describe("SCIM keys", () => {
	it("stores only a hash and shows the token once", async () => {
		const team = await newScimTeam();
		const row = await keyRow(team.keyId);
		expect(JSON.stringify(row)).not.toContain(team.token.slice(-43));
		expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
		const list = await apiJson<{ keys: Record<string, unknown>[] }>(
			"GET",
			`/teams/${team.teamId}/scim-keys`,
		);
		expect(list.keys).toHaveLength(1);
		expect(list.keys[0]).toMatchObject({ id: team.keyId, name: "Okta", status: "active" });
		expect(JSON.stringify(list)).not.toMatch(/token|secretHash|secret_hash/);
	});

	it("can only be generated with SCIM on and exactly one SSO method", async () => {
		const team = await apiJson<{ id: string }>("POST", "/teams", { name: "NoSso" }, 201);
		const noScim = await api("POST", `/teams/${team.id}/scim-keys`, { name: "k" });
		expect(noScim.status).toBe(409);
		await apiJson("PUT", `/teams/${team.id}/sso`, { methods: ["saml"] });
		const stillOff = await api("POST", `/teams/${team.id}/scim-keys`, { name: "k" });
		expect(stillOff.status).toBe(409);
		expect(((await stillOff.json()) as { error: { message: string } }).error.message).toContain(
			"turn SCIM on",
		);
		await apiJson("PUT", `/teams/${team.id}/scim`, { enabled: true });
		await apiJson("PUT", `/teams/${team.id}/sso`, { methods: ["saml", "oidc"] });
		const twoSso = await api("POST", `/teams/${team.id}/scim-keys`, { name: "k" });
		expect(twoSso.status).toBe(409);
		expect(((await twoSso.json()) as { error: { message: string } }).error.message).toContain(
			"exactly one SSO method",
		);
	});

	it("authenticates SCIM calls and records last use and the client", async () => {
		const team = await newScimTeam();
		const res = await scim(team.token, "GET", "/Users?startIndex=1&count=2", undefined, {
			"User-Agent": "Okta SCIM Client 1.0.0",
		});
		expect(res.status).toBe(200);
		await expect
			.poll(async () => (await keyRow(team.keyId))?.last_user_agent)
			.toBe("Okta SCIM Client 1.0.0");
		expect((await keyRow(team.keyId))?.last_used_at).toMatch(/^\d{4}-/);
	});

	it.each([
		["no header", null],
		[
			"an unknown token",
			"scim_000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		],
		["a malformed token", "hello"],
	])("answers 401 with a SCIM error and WWW-Authenticate for %s", async (_case, token) => {
		const res = await scim(token, "GET", "/Users");
		expect(res.status).toBe(401);
		expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
		expect(res.headers.get("Content-Type")).toContain("application/scim+json");
		expect(await res.json()).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "401",
		});
	});

	it("rejects a right key id with a wrong secret", async () => {
		const team = await newScimTeam();
		const forged = `${team.token.slice(0, -4)}AAAA`;
		expect((await scim(forged, "GET", "/Users")).status).toBe(401);
	});

	it("stops working at once when revoked", async () => {
		const team = await newScimTeam();
		expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
		expect((await api("DELETE", `/teams/${team.teamId}/scim-keys/${team.keyId}`)).status).toBe(204);
		const res = await scim(team.token, "GET", "/Users");
		expect(res.status).toBe(401);
		expect(((await res.json()) as { detail: string }).detail).toContain("revoked");
		const list = await apiJson<{ keys: { status: string }[] }>(
			"GET",
			`/teams/${team.teamId}/scim-keys`,
		);
		expect(list.keys[0]?.status).toBe("revoked");
	});

	it("keeps the old key working for the grace period after regenerate, and no longer", async () => {
		const team = await newScimTeam();
		const fresh = await apiJson<{ id: string; token: string; name: string }>(
			"POST",
			`/teams/${team.teamId}/scim-keys/${team.keyId}/regenerate`,
			{ graceSeconds: 3600 },
			201,
		);
		expect(fresh.name).toBe("Okta");
		expect(fresh.token).not.toBe(team.token);
		expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
		expect((await scim(fresh.token, "GET", "/Users")).status).toBe(200);
		const list = await apiJson<{ keys: { id: string; status: string; expiresAt: string }[] }>(
			"GET",
			`/teams/${team.teamId}/scim-keys`,
		);
		const old = list.keys.find((k) => k.id === team.keyId);
		expect(old?.status).toBe("expiring");
		const graceEnd = Date.parse(old?.expiresAt ?? "");
		expect(graceEnd - Date.now()).toBeGreaterThan(3500_000);
		expect(graceEnd - Date.now()).toBeLessThanOrEqual(3600_000);

		await expireGrace(team.keyId);
		const res = await scim(team.token, "GET", "/Users");
		expect(res.status).toBe(401);
		expect((await scim(fresh.token, "GET", "/Users")).status).toBe(200);
	});

	// Regression (outside-in probe): a key in its grace period could be regenerated again, which
	// left the first replacement working with nothing pointing to it.
	it("refuses with 409 to regenerate a key already in its grace period, and makes no key", async () => {
		const team = await newScimTeam();
		const path = `/teams/${team.teamId}/scim-keys/${team.keyId}/regenerate`;
		const fresh = await apiJson<{ id: string }>("POST", path, { graceSeconds: 3600 }, 201);
		const again = await api("POST", path, { graceSeconds: 3600 });
		expect(again.status).toBe(409);
		expect(((await again.json()) as { error: { message: string } }).error.message).toContain(
			fresh.id,
		);
		const list = await apiJson<{ keys: { id: string; status: string }[] }>(
			"GET",
			`/teams/${team.teamId}/scim-keys`,
		);
		expect(list.keys.map((k) => k.id).sort()).toEqual([fresh.id, team.keyId].sort());
	});

	it("revokes the old key at once when regenerated with no grace period", async () => {
		const team = await newScimTeam();
		const fresh = await apiJson<{ token: string }>(
			"POST",
			`/teams/${team.teamId}/scim-keys/${team.keyId}/regenerate`,
			{ graceSeconds: 0 },
			201,
		);
		expect((await scim(team.token, "GET", "/Users")).status).toBe(401);
		expect((await scim(fresh.token, "GET", "/Users")).status).toBe(200);
	});

	it("refuses a grace period over 24 hours", async () => {
		const team = await newScimTeam();
		const res = await api("POST", `/teams/${team.teamId}/scim-keys/${team.keyId}/regenerate`, {
			graceSeconds: 86_401,
		});
		expect(res.status).toBe(400);
		expect((await scim(team.token, "GET", "/Users")).status).toBe(200);
	});

	it("answers 403 for every key of a team whose SCIM is switched off", async () => {
		const team = await newScimTeam();
		const second = await apiJson<{ token: string }>(
			"POST",
			`/teams/${team.teamId}/scim-keys`,
			{ name: "Entra" },
			201,
		);
		await apiJson("PUT", `/teams/${team.teamId}/scim`, { enabled: false });
		for (const token of [team.token, second.token]) {
			const res = await scim(token, "GET", "/Users");
			expect(res.status).toBe(403);
			expect(await res.json()).toMatchObject({ status: "403" });
		}
	});
});
