import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, apiJson, ORIGIN } from "../helpers";

async function newTeam(name = "Acme") {
	return apiJson<{ id: string; name: string; scimEnabled: boolean }>(
		"POST",
		"/teams",
		{ name },
		201,
	);
}

describe("service API auth", () => {
	it("rejects a missing or wrong service token with 401 and the API error envelope", async () => {
		const none = await exports.default.fetch(`${ORIGIN}/api/v1/teams`, {
			method: "POST",
			body: "{}",
		});
		expect(none.status).toBe(401);
		expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });
		const wrong = await exports.default.fetch(`${ORIGIN}/api/v1/teams`, {
			method: "POST",
			headers: { Authorization: "Bearer not-the-token-at-all" },
			body: "{}",
		});
		expect(wrong.status).toBe(401);
	});
});

describe("POST /api/v1/teams", () => {
	it("creates a team with SCIM off", async () => {
		const team = await newTeam("Initech");
		expect(team).toMatchObject({ name: "Initech", scimEnabled: false });
		expect(team.id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("answers 400 with a clear message for a missing name", async () => {
		const res = await api("POST", "/teams", {});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_value" } });
	});

	it("answers 400 for malformed JSON", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/api/v1/teams`, {
			method: "POST",
			headers: { Authorization: "Bearer test-service-token-0123456789" },
			body: "{nope",
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_syntax" } });
	});
});

describe("service API errors", () => {
	// Issue 12 §14: `invalidSyntax` (a SCIM scimType) stood next to `not_found`.
	it("writes every error code in snake_case, SCIM scimTypes included", async () => {
		const team = await newTeam();
		const malformed = await exports.default.fetch(`${ORIGIN}/api/v1/teams`, {
			method: "POST",
			headers: { Authorization: "Bearer test-service-token-0123456789" },
			body: "{nope",
		});
		const answers = [
			await api("POST", "/teams", {}),
			malformed,
			await api("GET", `/teams/${crypto.randomUUID()}`),
			await api("PUT", `/teams/${team.id}/scim`, { enabled: true }),
			await api("GET", "/no-such-endpoint"),
			await exports.default.fetch(`${ORIGIN}/api/v1/teams/${team.id}`),
		];
		const codes = [];
		for (const res of answers) {
			codes.push(((await res.json()) as { error: { code: string } }).error.code);
		}
		expect(codes).toEqual([
			"invalid_value",
			"invalid_syntax",
			"not_found",
			"conflict",
			"not_found",
			"unauthorized",
		]);
	});
});

describe("PUT /api/v1/teams/:teamId/scim", () => {
	it.each([
		[[], "This team has no SSO method"],
		[["saml", "oidc"], "This team has 2 SSO methods (oidc, saml)"],
	])("refuses to turn SCIM on with SSO methods %j (409, clear message)", async (methods, hint) => {
		const team = await newTeam();
		await apiJson("PUT", `/teams/${team.id}/sso`, { methods });
		const res = await api("PUT", `/teams/${team.id}/scim`, { enabled: true });
		expect(res.status).toBe(409);
		const body = (await res.json()) as { error: { message: string } };
		expect(body.error.message).toContain("exactly one SSO method");
		// One prefix, then the reason (issue 12 §14: "SCIM cannot be turned on: SCIM needs SSO: …").
		expect(body.error.message).toContain(`SCIM cannot be turned on. ${hint}`);
		expect(body.error.message.match(/SCIM/g)).toHaveLength(2);
	});

	it("says in GET /teams/:id why SCIM cannot be turned on, and null once it can", async () => {
		const team = await newTeam();
		expect(await apiJson("GET", `/teams/${team.id}`)).toMatchObject({
			scimPrecondition: expect.stringMatching(/^This team has no SSO method/),
		});
		await apiJson("PUT", `/teams/${team.id}/sso`, { methods: ["saml"] });
		expect(await apiJson("GET", `/teams/${team.id}`)).toMatchObject({ scimPrecondition: null });
	});

	it("turns SCIM on with exactly one SSO method, and off again", async () => {
		const team = await newTeam();
		await apiJson("PUT", `/teams/${team.id}/sso`, { methods: ["oidc"] });
		expect(await apiJson("PUT", `/teams/${team.id}/scim`, { enabled: true })).toMatchObject({
			scimEnabled: true,
		});
		expect(await apiJson("PUT", `/teams/${team.id}/scim`, { enabled: false })).toMatchObject({
			scimEnabled: false,
		});
	});

	it("answers 404 for an unknown team", async () => {
		const res = await api("PUT", `/teams/${crypto.randomUUID()}/scim`, { enabled: true });
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
	});
});

describe("self-service actions SCIM locks", () => {
	async function teamWithMember(scimOn: boolean) {
		const team = await newTeam();
		await apiJson("PUT", `/teams/${team.id}/sso`, { methods: ["saml"] });
		const admin = await apiJson<{ accountId: string }>(
			"POST",
			`/teams/${team.id}/admins`,
			{ email: `${crypto.randomUUID().slice(0, 8)}@example.com` },
			201,
		);
		if (scimOn) {
			await apiJson("PUT", `/teams/${team.id}/scim`, { enabled: true });
		}
		return { teamId: team.id, accountId: admin.accountId };
	}

	it("refuses leave, email change and password change with 403 and a reason while SCIM is on", async () => {
		const { teamId, accountId } = await teamWithMember(true);
		for (const [method, path, body] of [
			["POST", `/teams/${teamId}/members/${accountId}/leave`, undefined],
			["PUT", `/teams/${teamId}/members/${accountId}/email`, { email: "new@example.com" }],
			["POST", `/teams/${teamId}/members/${accountId}/password`, undefined],
		] as const) {
			const res = await api(method, path, body);
			expect(res.status, path).toBe(403);
			const json = (await res.json()) as { error: { code: string; message: string } };
			expect(json.error.code).toBe("forbidden");
			expect(json.error.message).toContain("managed by SCIM");
		}
		const members = await apiJson<{ members: { accountId: string }[] }>(
			"GET",
			`/teams/${teamId}/members`,
		);
		expect(members.members.map((m) => m.accountId)).toContain(accountId);
	});

	it("allows them while SCIM is off", async () => {
		const { teamId, accountId } = await teamWithMember(false);
		const newEmail = `${crypto.randomUUID().slice(0, 8)}@example.org`;
		expect(
			await apiJson("PUT", `/teams/${teamId}/members/${accountId}/email`, { email: newEmail }),
		).toEqual({
			accountId,
			email: newEmail,
		});
		expect(await apiJson("POST", `/teams/${teamId}/members/${accountId}/password`)).toEqual({
			allowed: true,
		});
		expect((await api("POST", `/teams/${teamId}/members/${accountId}/leave`)).status).toBe(204);
		const members = await apiJson<{ members: unknown[] }>("GET", `/teams/${teamId}/members`);
		expect(members.members).toEqual([]);
	});
});
