// The first-run scripts' helpers (issue 12 "First run"), in plain Node.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { parseAdminLinkArgs } from "../../../scripts/admin-link.mjs";
import { cacheDir, isRecentEnough } from "../../../scripts/node22.mjs";
import {
	adminLinkCommand,
	banner,
	isScimEdgeHealth,
	migrationSummary,
	parsePort,
	portInUse,
} from "../../../scripts/start.mjs";

describe("parsePort (npm start -- --port N, or PORT)", () => {
	it("takes --port N or --port=N over PORT, and PORT over 8787", () => {
		expect(parsePort([], {})).toBe(8787);
		expect(parsePort([], { PORT: "9001" })).toBe(9001);
		expect(parsePort(["--port", "9002"], { PORT: "9001" })).toBe(9002);
		expect(parsePort(["--port=9003"], {})).toBe(9003);
	});

	it("refuses what is not a port, and unknown arguments, with the usage", () => {
		for (const args of [["--port", "http"], ["--port", "70000"], ["--port"], ["--prot", "1"]]) {
			expect(() => parsePort(args, {}), args.join(" ")).toThrow(/npm start -- --port 8787|Usage/);
		}
		expect(() => parsePort([], { PORT: "0" })).toThrow(/not a port number/);
	});
});

describe("the printed admin-link command", () => {
	// Issue 12 §2: the hint ignored a non-default port.
	it.each([8787, 9000])("reaches the server started on port %i when run as printed", (port) => {
		const command = adminLinkCommand("team-1", "admin@demo.example", port);
		const args = command.split(" ").slice(command.split(" ").indexOf("--") + 1);
		expect(parseAdminLinkArgs(args)).toEqual({
			teamId: "team-1",
			email: "admin@demo.example",
			base: `http://localhost:${port}`,
		});
	});

	it("keeps --url for a deployment, and refuses a missing email with the usage", () => {
		expect(parseAdminLinkArgs(["t", "a@b.example", "--url", "https://scim.example.com/"])).toEqual({
			teamId: "t",
			email: "a@b.example",
			base: "https://scim.example.com",
		});
		expect(() => parseAdminLinkArgs(["t"])).toThrow(/usage: npm run admin-link/);
	});
});

describe("telling scim-edge from another program on the port", () => {
	it("accepts only scim-edge's /healthz answer", () => {
		expect(isScimEdgeHealth(200, '{"service":"scim-edge","status":"ok"}')).toBe(true);
		// Issue 12 §1: another server's 200 (or its 501 page) was taken for scim-edge.
		expect(isScimEdgeHealth(200, "<!DOCTYPE HTML><title>Directory listing</title>")).toBe(false);
		expect(isScimEdgeHealth(200, '{"status":"ok"}')).toBe(false);
		expect(isScimEdgeHealth(404, '{"service":"scim-edge"}')).toBe(false);
	});

	it("sees a port as taken while something listens on it, and free once it stops", async () => {
		const server = createServer();
		await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
		const address = server.address();
		const port = typeof address === "object" && address ? address.port : 0;
		expect(await portInUse(port)).toBe(true);
		await new Promise((done) => server.close(done));
		expect(await portInUse(port)).toBe(false);
	});
});

describe("migrationSummary", () => {
	// Issue 12 §5: the first start printed six near-identical tables.
	it("gives one line per applied migration, from wrangler's tables", () => {
		const output = `Migrations to be applied:
┌────────────────────────────────────┐
│ name                               │
├────────────────────────────────────┤
│ 0000_init.sql                      │
├────────────────────────────────────┤
│ 0001_invite_outbox.sql             │
└────────────────────────────────────┘
🚣 31 commands executed successfully.
┌────────────────────────────────────┬────────┐
│ 0000_init.sql                      │ ✅     │
├────────────────────────────────────┼────────┤
│ 0001_invite_outbox.sql             │ ✅     │
└────────────────────────────────────┴────────┘`;
		expect(migrationSummary(output)).toEqual([
			"Local database: applied 0000_init.sql",
			"Local database: applied 0001_invite_outbox.sql",
		]);
		expect(migrationSummary("✅ No migrations to apply!")).toEqual([
			"Local database: migrations up to date.",
		]);
	});
});

describe("the banner", () => {
	const demo = {
		origin: "http://localhost:9000",
		port: 9000,
		teamId: "team-1",
		token: "scim_secret",
		keyReused: true,
		adminLink: "http://localhost:9000/admin/login/x",
		serviceToken: "svc",
	};

	// Issue 12 §4: the example create answered 409 on every start after the first.
	it("creates a different user in each run's example, and prints the port-aware admin-link", () => {
		const first = banner({ ...demo, address: "ada.aaaaaa@example.com" });
		const second = banner({ ...demo, address: "ada.bbbbbb@example.com" });
		expect(first).toContain('"userName":"ada.aaaaaa@example.com"');
		expect(second).toContain('"userName":"ada.bbbbbb@example.com"');
		// A whole line, so that it can be copied and run as it stands.
		expect(first).toMatch(
			/^ Another link: +npm run admin-link -- team-1 admin@demo\.example --port 9000$/m,
		);
		expect(first).toContain("the same as last time");
	});
});

describe("scripts/node22.mjs", () => {
	it("wants Node 22.12 or newer", () => {
		expect(["v18.19.0", "v20.20.2", "v22.11.0"].map(isRecentEnough)).toEqual([false, false, false]);
		expect(["v22.12.0", "22.23.3", "v24.1.0"].map(isRecentEnough)).toEqual([true, true, true]);
	});

	it("caches Node 22 where .ci/run always has", () => {
		expect(cacheDir({ XDG_CACHE_HOME: "/x" })).toBe("/x/scim-edge/node22");
		expect(cacheDir({})).toMatch(/\/\.cache\/scim-edge\/node22$/);
	});
});
