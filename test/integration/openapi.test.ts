import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type HttpMethod, openApiDocument } from "../../src/api/openapi";
import { serviceApi } from "../../src/api/service-api";
import { ORIGIN } from "../helpers";

/**
 * Documented before the routes exist: the tenancy work adds them to service-api.ts. Remove them
 * from this list once they are registered (the last test below fails until then).
 */
const DOCUMENTED_AHEAD = ["GET /teams/{teamId}/domains", "PUT /teams/{teamId}/domains"];

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
		const ahead = new Set(DOCUMENTED_AHEAD);
		expect(
			documentedRoutes().filter((route) => !registered.has(route) && !ahead.has(route)),
		).toEqual([]);
	});

	it("lists as documented-ahead only routes that are not registered yet", () => {
		const registered = new Set(registeredRoutes());
		expect(DOCUMENTED_AHEAD.filter((route) => registered.has(route))).toEqual([]);
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
