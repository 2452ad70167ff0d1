import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	api,
	apiJson,
	newScimTeam,
	ORIGIN,
	oktaUser,
	SCIM_CONTENT_TYPE,
	SERVICE_TOKEN,
	scim,
	teamSnapshot,
	uniqueEmail,
} from "../helpers";

type Json = Record<string, unknown>;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

async function expectScimError(res: Response, status: number, scimType?: string): Promise<Json> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	expect(res.headers.get("Content-Type")).toContain(SCIM_CONTENT_TYPE);
	const body = JSON.parse(text) as Json;
	expect(body).toMatchObject({ schemas: [ERROR], status: String(status) });
	expect(typeof body.detail).toBe("string");
	if (scimType !== undefined) {
		expect(body.scimType).toBe(scimType);
	}
	return body;
}

async function createUser(token: string, body: unknown): Promise<Json> {
	const res = await scim(token, "POST", "/Users", body);
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as Json;
}

function patch(token: string, path: string, operations: unknown[]) {
	return scim(token, "PATCH", path, { schemas: [PATCH_OP], Operations: operations });
}

describe("security headers", () => {
	it("are on every surface: SCIM, service API, errors, 404s, 204 and the root page", async () => {
		const team = await newScimTeam();
		const user = await createUser(team.token, oktaUser(uniqueEmail()));
		const responses: [string, Response][] = [
			["SCIM 200", await scim(team.token, "GET", "/Users")],
			[
				"SCIM 201",
				await scim(team.token, "POST", "/Groups", {
					schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
					displayName: "Eng",
				}),
			],
			["SCIM 401", await scim(null, "GET", "/Users")],
			["SCIM 404", await scim(team.token, "GET", "/Users/nope")],
			["SCIM 400", await scim(team.token, "GET", "/Users?filter=(")],
			["SCIM 204", await scim(team.token, "DELETE", `/Users/${user.id}`)],
			["discovery", await scim(team.token, "GET", "/ServiceProviderConfig")],
			["API 200", await api("GET", `/teams/${team.teamId}`)],
			["API 401", await exports.default.fetch(`${ORIGIN}/api/v1/teams/${team.teamId}`)],
			["API 404", await api("GET", "/teams/nope")],
			["unknown route", await exports.default.fetch(`${ORIGIN}/nope`)],
			["root", await exports.default.fetch(`${ORIGIN}/`)],
		];
		for (const [what, res] of responses) {
			expect.soft(res.headers.get("X-Content-Type-Options"), what).toBe("nosniff");
			expect.soft(res.headers.get("Referrer-Policy"), what).toBe("no-referrer");
			expect.soft(res.headers.get("Strict-Transport-Security"), what).toMatch(/^max-age=\d{7,}/);
			expect.soft(res.headers.get("X-Frame-Options"), what).toBe("DENY");
			expect.soft(res.headers.get("Cache-Control"), what).toBe("no-store");
		}
	});
});

describe("path tricks never bypass authentication or reach another team", () => {
	// Served exactly like /scim/v2/Users (IdPs configured with a trailing slash in the base URL).
	const served = [
		"/scim/v2/Users",
		"/scim/v2/Users/",
		"/scim/v2//Users",
		"/scim/v2/./Users",
		"/scim/v2/Users/x/..",
		"/scim/v2/%55sers",
		"/%73cim/v2/Users", // unreserved characters are decoded before routing
		"/scim\\v2\\Users", // the URL parser turns backslashes into slashes
		"/scim/v2/users", // endpoint names match in any case; Microsoft's validator sends this
		"/scim/v2/USERS/",
	];
	// Not served (404), but only after a valid key.
	const refused = [
		"/SCIM/V2/Users",
		"/scim/V2/Users",
		"/Scim/v2/Users",
		"//scim/v2/Users",
		"/scim%2Fv2/Users",
		"/scim/v2%2FUsers",
		"/scim%252Fv2/Users",
		"/scim/v2/Users%2F",
		"/scim",
		"/scim/v2",
		"/scim/v2/",
		"/scim/v2/Users/%2e%2e",
		"/scim/v2/Users/x/../../../api/v1/teams",
	];

	it.each([...served, ...refused])("%s is 401 without a key", async (path) => {
		const res = await exports.default.fetch(`${ORIGIN}${path}`);
		await expectScimError(res, 401);
		expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
	});

	it("serves the canonical variants identically and refuses the others with 404", async () => {
		const team = await newScimTeam();
		const user = await createUser(team.token, oktaUser(uniqueEmail()));
		for (const path of served) {
			const res = await exports.default.fetch(`${ORIGIN}${path}`, {
				headers: { Authorization: `Bearer ${team.token}` },
			});
			expect(res.status, path).toBe(200);
			expect(((await res.json()) as Json).totalResults, path).toBe(1);
		}
		for (const path of refused) {
			const res = await exports.default.fetch(`${ORIGIN}${path}`, {
				headers: { Authorization: `Bearer ${team.token}` },
			});
			expect(res.status, path).toBe(404);
			const body = await expectScimError(res, 404);
			expect(JSON.stringify(body)).not.toContain(String(user.id));
		}
	});

	it("never reaches another team's user, however the id is spelled", async () => {
		const a = await newScimTeam("A");
		const b = await newScimTeam("B");
		const user = await createUser(a.token, oktaUser(uniqueEmail()));
		const id = String(user.id);
		const spellings = [
			`/scim/v2/Users/${id}`,
			`/scim/v2/Users/${id}/`,
			`/scim/v2//Users//${id}`,
			`/scim/v2/Users/${encodeURIComponent(id)}`,
			`/scim/v2/Users/${id.toUpperCase()}`,
			`/scim/v2/Users/${id}%2F..`,
			`/scim/v2/Users/x%2F..%2F${id}`,
			`/scim/v2/Users/${id}/..`,
			`/scim/v2/Users/${id}?filter=id eq "${id}"`,
		];
		for (const path of spellings) {
			const res = await exports.default.fetch(`${ORIGIN}${path}`, {
				headers: { Authorization: `Bearer ${b.token}` },
			});
			const text = await res.text();
			expect(text, path).not.toContain(String(user.userName));
			expect([200, 404], path).toContain(res.status);
			if (res.status === 200) {
				expect((JSON.parse(text) as Json).totalResults, path).toBe(0);
			}
		}
	});
});

describe("request body limits", () => {
	it("answers 413 to a declared Content-Length over 1 MiB without reading the body", async () => {
		const team = await newScimTeam();
		const res = await scim(team.token, "POST", "/Users", "x".repeat(1024 * 1024 + 1));
		await expectScimError(res, 413);
	});

	it("answers 413 to a chunked body with no Content-Length, and stops reading at the limit", async () => {
		const team = await newScimTeam();
		const before = await teamSnapshot(team.teamId);
		const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
		let pulled = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				pulled++;
				if (pulled > 64) {
					controller.close(); // 4 MiB in all
					return;
				}
				controller.enqueue(pulled === 1 ? new TextEncoder().encode('{"userName":"') : chunk);
			},
		});
		const request = new Request(`${ORIGIN}/scim/v2/Users`, {
			method: "POST",
			headers: { Authorization: `Bearer ${team.token}`, "Content-Type": SCIM_CONTENT_TYPE },
			body,
		});
		expect(request.headers.get("Content-Length")).toBeNull();
		await expectScimError(await exports.default.fetch(request), 413);
		expect(pulled).toBeLessThan(40);
		expect(await teamSnapshot(team.teamId)).toEqual(before);
	});

	it("accepts a chunked body under the limit", async () => {
		const team = await newScimTeam();
		const json = new TextEncoder().encode(JSON.stringify(oktaUser(uniqueEmail())));
		const body = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < json.length; i += 7) {
					controller.enqueue(json.slice(i, i + 7));
				}
				controller.close();
			},
		});
		const res = await exports.default.fetch(`${ORIGIN}/scim/v2/Users`, {
			method: "POST",
			headers: { Authorization: `Bearer ${team.token}`, "Content-Type": SCIM_CONTENT_TYPE },
			body,
		});
		expect(res.status, await res.clone().text()).toBe(201);
	});

	it("advertises the limit as bulk.maxPayloadSize in /ServiceProviderConfig", async () => {
		const team = await newScimTeam();
		const config = (await (await scim(team.token, "GET", "/ServiceProviderConfig")).json()) as Json;
		expect(config.bulk).toMatchObject({ maxPayloadSize: 1048576 });
	});
});

describe("JSON shape limits", () => {
	it("refuses nesting deeper than 32 levels with 400 invalidSyntax", async () => {
		const team = await newScimTeam();
		let deep: unknown = "x";
		for (let i = 0; i < 40; i++) {
			deep = { a: deep };
		}
		await expectScimError(
			await scim(team.token, "POST", "/Users", { ...oktaUser(uniqueEmail()), deep }),
			400,
			"invalidSyntax",
		);
	});

	it("survives 500,000 nested brackets with a 400, not a stack overflow", async () => {
		const team = await newScimTeam();
		const text = `${"[".repeat(500_000)}${"]".repeat(500_000)}`;
		await expectScimError(await scim(team.token, "POST", "/Users", text), 400, "invalidSyntax");
		await expectScimError(await scim(team.token, "POST", "/Users/.search", text), 400);
	});

	it("refuses an array of more than 10,000 elements with 400 invalidValue", async () => {
		const team = await newScimTeam();
		const body = { ...oktaUser(uniqueEmail()), roles: Array.from({ length: 10_001 }, () => 0) };
		await expectScimError(await scim(team.token, "POST", "/Users", body), 400, "invalidValue");
	});

	it("refuses a string longer than 64 KiB with 400 invalidValue", async () => {
		const team = await newScimTeam();
		const body = { ...oktaUser(uniqueEmail()), title: "t".repeat(65 * 1024) };
		await expectScimError(await scim(team.token, "POST", "/Users", body), 400, "invalidValue");
	});
});

describe("resource limits", () => {
	const emails = (n: number, domain = "example.com") =>
		Array.from({ length: n }, (_, i) => ({
			value: `e${i}.${crypto.randomUUID().slice(0, 6)}@${domain}`,
			type: "other",
			primary: i === 0,
		}));

	it("stores a user with 40 emails (regression: one insert over D1's 100 bound parameters was a 500)", async () => {
		const team = await newScimTeam();
		const body = { ...oktaUser(uniqueEmail()), emails: emails(40) };
		const user = await createUser(team.token, body);
		const row = await env.DB.prepare(
			"select count(*) as n from scim_user_emails where scim_user_id = ?",
		)
			.bind(user.id)
			.first<{ n: number }>();
		expect(row?.n).toBe(40);
		const put = await scim(team.token, "PUT", `/Users/${user.id}`, { ...body, emails: emails(60) });
		expect(put.status, await put.clone().text()).toBe(200);
	});

	it("refuses more than 100 emails on POST, PUT and PATCH", async () => {
		const team = await newScimTeam();
		const body = oktaUser(uniqueEmail());
		await expectScimError(
			await scim(team.token, "POST", "/Users", { ...body, emails: emails(101) }),
			400,
			"invalidValue",
		);
		const user = await createUser(team.token, { ...body, emails: emails(100) });
		const before = await teamSnapshot(team.teamId);
		await expectScimError(
			await scim(team.token, "PUT", `/Users/${user.id}`, { ...body, emails: emails(101) }),
			400,
			"invalidValue",
		);
		await expectScimError(
			await patch(team.token, `/Users/${user.id}`, [
				{ op: "add", path: "emails", value: [{ value: "one.more@example.com" }] },
			]),
			400,
			"invalidValue",
		);
		expect(await teamSnapshot(team.teamId)).toEqual(before);
	});

	it("applies the userName length limit to PATCH as to POST", async () => {
		const team = await newScimTeam();
		const user = await createUser(team.token, oktaUser(uniqueEmail()));
		await expectScimError(
			await patch(team.token, `/Users/${user.id}`, [
				{ op: "replace", path: "userName", value: `${"u".repeat(300)}@example.com` },
			]),
			400,
			"invalidValue",
		);
	});

	it("refuses more than 1,000 members in one PATCH operation", async () => {
		const team = await newScimTeam();
		// Regression: issue 9. Without `schemas` the create was refused, so these PATCHes went to
		// /Groups/undefined and passed for another reason.
		const created = await scim(team.token, "POST", "/Groups", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
			displayName: "Big",
		});
		expect(created.status).toBe(201);
		const group = (await created.json()) as Json;
		expect(typeof group.id).toBe("string");
		const before = await teamSnapshot(team.teamId);
		const members = Array.from({ length: 1001 }, () => ({ value: crypto.randomUUID() }));
		await expectScimError(
			await patch(team.token, `/Groups/${group.id}`, [
				{ op: "add", path: "members", value: members },
			]),
			400,
			"invalidValue",
		);
		await expectScimError(
			await patch(team.token, `/Groups/${group.id}`, [{ op: "replace", value: { members } }]),
			400,
			"invalidValue",
		);
		expect(await teamSnapshot(team.teamId)).toEqual(before);
	});
});

describe("query string limits", () => {
	const longFilter = `userName eq "${"a".repeat(2100)}"`;
	const wideFilter = Array.from({ length: 65 }, (_, i) => `userName eq "u${i}"`).join(" or ");
	const deepFilter = `${"(".repeat(40)}userName pr${")".repeat(40)}`;
	it.each([
		["/Users?filter=userName%20eq%20%22a%22&filter=userName%20eq%20%22b%22", "invalidValue"],
		["/Users?count=1&COUNT=2", "invalidValue"],
		["/Users?count=abc", "invalidValue"],
		["/Users?startIndex=1e3", "invalidValue"],
		["/Users?count=99999999999999999999", "invalidValue"],
		["/Users?filter=<2,100 characters>", "invalidFilter", longFilter],
		["/Users?filter=<65 comparisons>", "invalidFilter", wideFilter],
		["/Users?filter=<40 nested parentheses>", "invalidFilter", deepFilter],
		["/Users?sortOrder=sideways", "invalidValue"],
	])("%s is 400 %s", async (label, scimType, filter?: string) => {
		const path = filter === undefined ? label : `/Users?filter=${encodeURIComponent(filter)}`;
		const team = await newScimTeam();
		await expectScimError(await scim(team.token, "GET", path), 400, scimType);
	});

	it.each([
		["/Users?startIndex=999999999999999", 0],
		["/Users?startIndex=-5&count=-5", 0],
		["/Users?count=100000", 1],
		["/Users?startIndex=0", 1],
	])("%s is clamped, not refused", async (path, items) => {
		const team = await newScimTeam();
		await createUser(team.token, oktaUser(uniqueEmail()));
		const res = await scim(team.token, "GET", path);
		expect(res.status).toBe(200);
		const list = (await res.json()) as Json;
		expect(list.totalResults).toBe(1);
		expect((list.Resources as unknown[]).length).toBe(items);
	});
});

describe("secrets", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it("never logs a presented SCIM key or service token, even when auth fails", async () => {
		const team = await newScimTeam();
		const logged: unknown[] = [];
		for (const method of ["log", "info", "warn", "error", "debug"] as const) {
			vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				logged.push(...args);
			});
		}
		const wrongSecret = `${team.token.slice(0, -6)}AAAAAA`;
		const garbage = "not-a-key-but-still-a-secret-0123456789";
		await scim(wrongSecret, "GET", "/Users");
		await scim(garbage, "GET", "/Users");
		await apiJson("DELETE", `/teams/${team.teamId}/scim-keys/${team.keyId}`, undefined, 204).catch(
			() => undefined,
		);
		await scim(team.token, "GET", "/Users"); // revoked now
		await exports.default.fetch(`${ORIGIN}/api/v1/teams`, {
			headers: { Authorization: `Bearer ${garbage}` },
		});
		const text = logged
			.map((arg) =>
				arg instanceof Error ? `${arg.message} ${arg.stack}` : (JSON.stringify(arg) ?? String(arg)),
			)
			.join("\n");
		for (const secret of [team.token, wrongSecret, garbage, SERVICE_TOKEN, team.token.slice(-43)]) {
			expect(text).not.toContain(secret);
		}
	});

	it("echoes no presented token in any error body", async () => {
		const team = await newScimTeam();
		const wrong = `${team.token.slice(0, -6)}BBBBBB`;
		const res = await scim(wrong, "GET", "/Users");
		expect(await res.text()).not.toContain(wrong.slice(-43));
		const apiRes = await exports.default.fetch(`${ORIGIN}/api/v1/teams`, {
			headers: { Authorization: `Bearer ${wrong}` },
		});
		expect(await apiRes.text()).not.toContain(wrong);
	});

	it("stores SCIM keys only as hashes: no token or secret in any D1 table", async () => {
		const team = await newScimTeam();
		const second = await apiJson<{ id: string; token: string }>(
			"POST",
			`/teams/${team.teamId}/scim-keys`,
			{ name: "Entra" },
			201,
		);
		const regenerated = await apiJson<{ token: string }>(
			"POST",
			`/teams/${team.teamId}/scim-keys/${second.id}/regenerate`,
			{ graceSeconds: 60 },
			201,
		);
		// An invite too: the person has an account in another team.
		const email = uniqueEmail("invited");
		const other = await newScimTeam("Other");
		await createUser(other.token, oktaUser(email));
		await createUser(team.token, oktaUser(email));

		const secrets = [team.token, second.token, regenerated.token].flatMap((token) => [
			token,
			token.slice(-43), // the secret part alone
		]);
		const tables = await env.DB.prepare(
			"select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name not like 'd1_%'",
		).all<{ name: string }>();
		expect(tables.results.length).toBeGreaterThan(5);
		for (const { name } of tables.results) {
			const rows = await env.DB.prepare(`select * from "${name}"`).all();
			const dump = JSON.stringify(rows.results);
			for (const secret of secrets) {
				expect(dump.includes(secret), `${name} holds a raw token`).toBe(false);
			}
		}
		// Invite tokens are stored as SHA-256 hashes on the invite row.
		const invite = await env.DB.prepare("select token_hash from invites where team_id = ?")
			.bind(team.teamId)
			.first<{ token_hash: string }>();
		expect(invite?.token_hash).toMatch(/^[0-9a-f]{64}$/);
	});
});

describe("service API authentication", () => {
	it.each([
		["missing", undefined],
		["empty", ""],
		["wrong", `Bearer ${SERVICE_TOKEN}x`],
		["prefix", `Bearer ${SERVICE_TOKEN.slice(0, -1)}`],
		["malformed", "Bearer two words"],
		["basic", `Basic ${btoa(`user:${SERVICE_TOKEN}`)}`],
		["no scheme", SERVICE_TOKEN],
		[
			"a SCIM key",
			"Bearer scim_000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		],
	])("answers a %s token with the same 401", async (_, authorization) => {
		const res = await exports.default.fetch(`${ORIGIN}/api/v1/teams`, {
			method: "POST",
			headers: {
				"Content-Type": "application/json",
				...(authorization === undefined ? {} : { Authorization: authorization }),
			},
			body: JSON.stringify({ name: "Mallory" }),
		});
		expect(res.status).toBe(401);
		expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
		expect(await res.json()).toEqual({
			error: {
				code: "unauthorized",
				message: "Missing or invalid service token: send 'Authorization: Bearer <SERVICE_TOKEN>'.",
			},
		});
	});
});
