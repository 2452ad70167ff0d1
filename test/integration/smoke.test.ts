import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
	it("serves and reaches D1 and the DO", async () => {
		const res = await exports.default.fetch("http://x/");
		expect(await res.text()).toBe("scim-edge");
		const stub = env.TEAM.get(env.TEAM.idFromName("t"));
		expect(await stub.ping()).toBe("pong");
		const r = await env.DB.prepare("select 1 as one").first();
		expect(r).toEqual({ one: 1 });
	});
});
