// `npm run openapi`: writes public/openapi.json from src/api/openapi.ts, where the document is
// written by hand beside the routes. The Worker serves that file from its static assets at
// GET /api/v1/openapi.json, which keeps the document out of the Worker's bundle. A unit test
// (test/unit/scripts/openapi.test.ts) fails when the file is not what this script writes now.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { openApiDocument } from "../src/api/openapi.ts";

export const OPENAPI_ASSET = "public/openapi.json";

/** The text of public/openapi.json for the document in src/api/openapi.ts. */
export function openApiJson() {
	return `${JSON.stringify(openApiDocument, null, "\t")}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	writeFileSync(OPENAPI_ASSET, openApiJson());
	console.log(`${OPENAPI_ASSET} written from src/api/openapi.ts.`);
}
