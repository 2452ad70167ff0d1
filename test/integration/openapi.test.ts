import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type HttpMethod, type JsonSchema, openApiDocument } from "../../src/api/openapi";
import { serviceApi } from "../../src/api/service-api";
import { api, ORIGIN } from "../helpers";

/**
 * Documented before the routes exist: the tenancy work adds them to service-api.ts. Remove them
 * from this list once they are registered (the last test below fails until then).
 */

/** "METHOD /path/{param}" for every route registered on the Hono service API app. */
function registeredRoutes(): string[] {
	const routes = serviceApi.routes
		.filter((r) => r.method !== "ALL")
		.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
	return [...new Set(routes)].sort();
}

function documentedRoutes(): string[] {
	return Object.entries(openApiDocument.paths)
		.flatMap(([path, item]) =>
			(Object.keys(item) as HttpMethod[]).map((method) => `${method.toUpperCase()} ${path}`),
		)
		.sort();
}

describe("GET /api/v1/openapi.json", () => {
	it("serves the OpenAPI 3.1 document without a service token", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/api/v1/openapi.json`);
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
		const document = (await res.json()) as typeof openApiDocument;
		expect(document.openapi).toBe("3.1.0");
		expect(document).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
	});

	it("documents every route registered on the service API", () => {
		const documented = new Set(documentedRoutes());
		expect(registeredRoutes().filter((route) => !documented.has(route))).toEqual([]);
	});

	it("documents no path or method the service API does not register", () => {
		const registered = new Set(registeredRoutes());
		expect(documentedRoutes().filter((route) => !registered.has(route))).toEqual([]);
	});

	it("declares every path parameter the path names, and resolves every $ref", () => {
		const text = JSON.stringify(openApiDocument);
		const refs = [...text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
		const components = openApiDocument.components as unknown as Record<
			string,
			Record<string, unknown>
		>;
		expect(
			refs
				.filter(([, kind = "", name = ""]) => components[kind]?.[name] === undefined)
				.map(([r]) => r),
		).toEqual([]);
		for (const [path, item] of Object.entries(openApiDocument.paths)) {
			const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
			for (const operation of Object.values(item)) {
				const declared = (operation.parameters ?? []).map((p) => p.$ref.split("/").pop());
				expect(declared, `${path} ${operation.operationId}`).toEqual(names);
			}
		}
	});
});

/** Where `value` breaks the documented schema: wrong types, missing or undocumented properties. */
function schemaProblems(schema: JsonSchema, value: unknown, at = "$"): string[] {
	if (schema.$ref) {
		const name = schema.$ref.split("/").pop() ?? "";
		const target = openApiDocument.components.schemas[name];
		return target ? schemaProblems(target, value, at) : [`${at}: unresolved ${schema.$ref}`];
	}
	if (schema.const !== undefined && value !== schema.const) {
		return [`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`];
	}
	if (schema.enum && !schema.enum.includes(value as string)) {
		return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`];
	}
	const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
	const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
	const matches = types.some((t) => t === type || (t === "integer" && Number.isInteger(value)));
	if (types.length > 0 && !matches) {
		return [`${at}: a ${type}, documented as ${types.join(" or ")}`];
	}
	if (type === "array" && schema.items) {
		const items = schema.items;
		return (value as unknown[]).flatMap((item, i) => schemaProblems(items, item, `${at}[${i}]`));
	}
	if (type === "object" && schema.properties) {
		const object = value as Record<string, unknown>;
		const properties = schema.properties;
		return [
			...(schema.required ?? [])
				.filter((key) => !(key in object))
				.map((key) => `${at}.${key}: missing`),
			...Object.entries(object).flatMap(([key, item]) => {
				const property = properties[key];
				return property
					? schemaProblems(property, item, `${at}.${key}`)
					: [`${at}.${key}: undocumented`];
			}),
		];
	}
	return [];
}

/** The JSON schema documented for one answer of one operation. */
function documentedSchema(path: string, method: HttpMethod, status: number): JsonSchema {
	const operation = openApiDocument.paths[path]?.[method];
	let response = operation?.responses[String(status)];
	if (response && "$ref" in response && response.$ref) {
		response = openApiDocument.components.responses[response.$ref.split("/").pop() ?? ""];
	}
	const schema =
		response && "content" in response ? response.content?.["application/json"].schema : undefined;
	if (!schema) {
		throw new Error(`${method.toUpperCase()} ${path} documents no JSON body for ${status}`);
	}
	return schema;
}

describe("the OpenAPI document against real answers", () => {
	it("describes what the service API actually answers, successes and errors", async () => {
		const problems: string[] = [];
		async function expectDocumented(
			path: string,
			method: HttpMethod,
			status: number,
			res: Promise<Response>,
		) {
			const answer = await res;
			expect(answer.status, `${method} ${path}`).toBe(status);
			const body = await answer.json();
			problems.push(
				...schemaProblems(documentedSchema(path, method, status), body).map(
					(p) => `${method.toUpperCase()} ${path} ${status} ${p}`,
				),
			);
			return body as Record<string, unknown>;
		}
		const team = await expectDocumented(
			"/teams",
			"post",
			201,
			api("POST", "/teams", { name: "Doc" }),
		);
		const id = String(team.id);
		await expectDocumented("/teams/{teamId}", "get", 200, api("GET", `/teams/${id}`));
		await expectDocumented(
			"/teams/{teamId}/scim",
			"put",
			409,
			api("PUT", `/teams/${id}/scim`, { enabled: true }),
		);
		await expectDocumented(
			"/teams/{teamId}/sso",
			"put",
			200,
			api("PUT", `/teams/${id}/sso`, { methods: ["saml"] }),
		);
		await expectDocumented(
			"/teams/{teamId}/scim",
			"put",
			200,
			api("PUT", `/teams/${id}/scim`, { enabled: true }),
		);
		const email = `${crypto.randomUUID().slice(0, 8)}@example.com`;
		const admin = await expectDocumented(
			"/teams/{teamId}/admins",
			"post",
			201,
			api("POST", `/teams/${id}/admins`, { email }),
		);
		const key = await expectDocumented(
			"/teams/{teamId}/scim-keys",
			"post",
			201,
			api("POST", `/teams/${id}/scim-keys`, { name: "Okta" }),
		);
		await expectDocumented(
			"/teams/{teamId}/scim-keys/{keyId}/regenerate",
			"post",
			201,
			api("POST", `/teams/${id}/scim-keys/${String(key.id)}/regenerate`, { graceSeconds: 60 }),
		);
		await expectDocumented(
			"/teams/{teamId}/scim-keys",
			"get",
			200,
			api("GET", `/teams/${id}/scim-keys`),
		);
		await expectDocumented(
			"/teams/{teamId}/members",
			"get",
			200,
			api("GET", `/teams/${id}/members`),
		);
		await expectDocumented(
			"/teams/{teamId}/invites",
			"get",
			200,
			api("GET", `/teams/${id}/invites`),
		);
		await expectDocumented(
			"/admin-login-links",
			"post",
			201,
			api("POST", "/admin-login-links", { teamId: id, email }),
		);
		await expectDocumented(
			"/auth/check",
			"post",
			200,
			api("POST", "/auth/check", { teamId: id, email }),
		);
		await expectDocumented(
			"/teams/{teamId}/members/{accountId}/leave",
			"post",
			403,
			api("POST", `/teams/${id}/members/${String(admin.accountId)}/leave`),
		);
		await expectDocumented("/teams", "post", 400, api("POST", "/teams", {}));
		await expectDocumented(
			"/teams/{teamId}",
			"get",
			404,
			api("GET", `/teams/${crypto.randomUUID()}`),
		);
		await expectDocumented(
			"/teams/{teamId}",
			"get",
			401,
			exports.default.fetch(`${ORIGIN}/api/v1/teams/${id}`),
		);
		expect(problems).toEqual([]);
	});
});
