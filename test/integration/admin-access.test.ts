import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { clearAccessKeyCache } from "../../src/admin/access-jwt";
import worker from "../../src/index";
import { apiJson, newAdminTeam, ORIGIN, sessionCookie, uniqueEmail } from "../helpers";

// Cloudflare Access in front of /admin: JWTs signed by an RSA key this test makes, and the
// certificate endpoint mocked. The worker runs with the two Access vars set.
const TEAM_DOMAIN = "scim-edge-test.cloudflareaccess.com";
const AUDIENCE = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const CERTS_URL = `https://${TEAM_DOMAIN}/cdn-cgi/access/certs`;
// The generated Env types the vars as their wrangler.toml values (""), hence the cast.
const accessEnv = {
	...env,
	ACCESS_TEAM_DOMAIN: TEAM_DOMAIN,
	ACCESS_AUD: AUDIENCE,
} as unknown as Env;

interface TestKey {
	privateJwk: JsonWebKey & { kid: string; alg: "RS256" };
	publicJwk: JsonWebKey & { kid: string; alg: "RS256" };
}

async function rsaKey(kid: string): Promise<TestKey> {
	const pair = (await crypto.subtle.generateKey(
		{
			name: "RSASSA-PKCS1-v1_5",
			modulusLength: 2048,
			publicExponent: new Uint8Array([1, 0, 1]),
			hash: "SHA-256",
		},
		true,
		["sign", "verify"],
	)) as CryptoKeyPair;
	const privateJwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
	const publicJwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
	return {
		privateJwk: { ...privateJwk, kid, alg: "RS256" },
		publicJwk: { kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e, kid, alg: "RS256" },
	};
}

let key: TestKey;
let stranger: TestKey;
let certFetches = 0;

beforeAll(async () => {
	key = await rsaKey("test-kid-1");
	stranger = await rsaKey("test-kid-1"); // same kid, different key: a forged signature
});

function mockCerts() {
	certFetches = 0;
	const realFetch = globalThis.fetch;
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const url = input instanceof Request ? input.url : String(input);
		if (url === CERTS_URL) {
			certFetches++;
			return Response.json({ keys: [key.publicJwk], public_cert: {}, public_certs: [] });
		}
		return realFetch(input, init);
	});
}

afterEach(() => {
	vi.restoreAllMocks();
	clearAccessKeyCache();
});

async function accessToken(
	email: string,
	overrides: Record<string, unknown> = {},
	signer: TestKey = key,
): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	return sign(
		{
			aud: [AUDIENCE],
			email,
			exp: now + 3600,
			iat: now,
			nbf: now,
			iss: `https://${TEAM_DOMAIN}`,
			type: "app",
			sub: crypto.randomUUID(),
			...overrides,
		},
		signer.privateJwk,
	);
}

async function accessGet(path: string, token: string | null, cookie?: string): Promise<Response> {
	const headers: Record<string, string> = {};
	if (token) {
		headers["Cf-Access-Jwt-Assertion"] = token;
	}
	if (cookie) {
		headers.Cookie = cookie;
	}
	const ctx = createExecutionContext();
	const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { headers }), accessEnv, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

describe("admin sign-in with Cloudflare Access", () => {
	it("admits a valid Access token of a team admin and starts a session", async () => {
		mockCerts();
		const team = await newAdminTeam("Access Team");
		const res = await accessGet("/admin", await accessToken(team.email));
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain("Access Team");
		expect(html).toContain(`Signed in as ${team.email}`);
		expect(sessionCookie(res)).toMatch(/^__Host-scim_admin=/);
	});

	it("caches the certificates between requests", async () => {
		mockCerts();
		const team = await newAdminTeam();
		const token = await accessToken(team.email);
		expect((await accessGet("/admin", token)).status).toBe(200);
		expect((await accessGet("/admin/keys", token)).status).toBe(200);
		expect(certFetches).toBe(1);
	});

	it.each([
		["no token", null, "carried no Access token"],
		["the wrong audience", { aud: ["someone-elses-app"] }, "refused"],
		["an expired token", { exp: Math.floor(Date.now() / 1000) - 60 }, "refused"],
		["no expiry", { exp: undefined }, "expired"],
		["the wrong issuer", { iss: "https://evil.cloudflareaccess.com" }, "refused"],
	] as const)("refuses %s with a 401 page", async (_label, overrides, message) => {
		mockCerts();
		const team = await newAdminTeam();
		const token = overrides === null ? null : await accessToken(team.email, overrides);
		const res = await accessGet("/admin", token);
		expect(res.status).toBe(401);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
		expect(await res.text()).toContain(message);
	});

	it("refuses a token signed by another key (bad signature)", async () => {
		mockCerts();
		const team = await newAdminTeam();
		const res = await accessGet("/admin", await accessToken(team.email, {}, stranger));
		expect(res.status).toBe(401);
		expect(await res.text()).toContain("JwtTokenSignatureMismatched");
	});

	it("refuses a tampered payload", async () => {
		mockCerts();
		const team = await newAdminTeam();
		const [header, , signature] = (await accessToken(team.email)).split(".");
		const payload = btoa(JSON.stringify({ email: "mallory@example.com", aud: [AUDIENCE] }))
			.replaceAll("=", "")
			.replaceAll("+", "-")
			.replaceAll("/", "_");
		expect((await accessGet("/admin", `${header}.${payload}.${signature}`)).status).toBe(401);
	});

	it("answers 403 for a valid token whose email administers no team", async () => {
		mockCerts();
		const res = await accessGet("/admin", await accessToken(uniqueEmail("stranger")));
		expect(res.status).toBe(403);
		expect(await res.text()).toContain("is not an admin of any team");
	});

	it("lets an admin of several teams pick one, or name it with ?team=", async () => {
		mockCerts();
		const a = await newAdminTeam("Picker A");
		const b = await newAdminTeam("Picker B");
		await apiJson("POST", `/teams/${b.teamId}/admins`, { email: a.email }, 201);
		const token = await accessToken(a.email);
		const picker = await accessGet("/admin", token);
		expect(picker.status).toBe(200);
		const html = await picker.text();
		expect(html).toContain(`href="/admin?team=${a.teamId}"`);
		expect(html).toContain(`href="/admin?team=${b.teamId}"`);
		const chosen = await accessGet(`/admin?team=${b.teamId}`, token);
		expect(chosen.status).toBe(200);
		expect(await chosen.text()).toContain("Picker B");
		// The session remembers the choice.
		const keys = await accessGet("/admin/keys", token, sessionCookie(chosen));
		expect(await keys.text()).toContain(b.keyId);
	});

	it("refuses ?team= for a team the email does not administer", async () => {
		mockCerts();
		const a = await newAdminTeam();
		const b = await newAdminTeam();
		const res = await accessGet(`/admin?team=${b.teamId}`, await accessToken(a.email));
		expect(res.status).toBe(403);
	});

	it("does not let a session cookie stand in for the Access token", async () => {
		mockCerts();
		const team = await newAdminTeam();
		const first = await accessGet("/admin", await accessToken(team.email));
		expect((await accessGet("/admin", null, sessionCookie(first))).status).toBe(401);
	});

	it("turns login links off", async () => {
		mockCerts();
		const team = await newAdminTeam();
		const ctx = createExecutionContext();
		const res = await worker.fetch(
			new Request(`${ORIGIN}/api/v1/admin-login-links`, {
				method: "POST",
				headers: {
					Authorization: "Bearer test-service-token-0123456789",
					"Content-Type": "application/json",
				},
				body: JSON.stringify({ teamId: team.teamId, email: team.email }),
			}),
			accessEnv,
			ctx,
		);
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({
			error: { message: expect.stringContaining("Cloudflare Access") },
		});
	});
});
