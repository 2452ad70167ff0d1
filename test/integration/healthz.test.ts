import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORIGIN } from "../helpers";

describe("GET /healthz", () => {
	// npm start reads this to tell scim-edge from another program on its port (issue 12 §1).
	it("names the service without needing any credential", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ service: "scim-edge", status: "ok" });
	});
});
