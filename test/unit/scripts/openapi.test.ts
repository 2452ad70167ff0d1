// The OpenAPI document the Worker serves is the static asset public/openapi.json (scripts/openapi.mjs).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPENAPI_ASSET, openApiJson } from "../../../scripts/openapi.mjs";

describe("public/openapi.json", () => {
	it("is what `npm run openapi` writes from src/api/openapi.ts", () => {
		expect(
			readFileSync(OPENAPI_ASSET, "utf8") === openApiJson(),
			`${OPENAPI_ASSET} is out of date with src/api/openapi.ts: run \`npm run openapi\`.`,
		).toBe(true);
	});
});
