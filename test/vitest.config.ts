import { resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = resolve(import.meta.dirname, "..");

export default defineConfig({
	test: {
		reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
		projects: [
			// The browser tests (headless Chromium against wrangler dev), after the other two.
			"test/e2e/vitest.config.ts",
			{
				// Pure SCIM protocol code runs in plain Node: fast, and proof that src/scim needs no runtime.
				test: { name: "unit", root, include: ["test/unit/**/*.test.ts"], environment: "node" },
			},
			{
				plugins: [
					cloudflareTest(async () => ({
						wrangler: { configPath: `${root}/wrangler.toml` },
						miniflare: {
							bindings: {
								TEST_MIGRATIONS: await readD1Migrations(`${root}/migrations`),
								SERVICE_TOKEN: "test-service-token-0123456789",
								// Invite emails go to a webhook that exists only in the tests: the invite tests
								// answer it with vi.spyOn(globalThis, "fetch"), outboundService everywhere else.
								MAIL_WEBHOOK_URL: "https://mail.scim-edge.test/hook",
								MAIL_WEBHOOK_SECRET: "test-mail-webhook-secret",
								SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
							},
							outboundService: (request: Request) =>
								new URL(request.url).hostname === "mail.scim-edge.test"
									? new Response(null, { status: 204 })
									: new Response("No network in tests", { status: 502 }),
						},
					})),
				],
				test: {
					name: "workers",
					root,
					include: ["test/integration/**/*.test.ts", "test/idp/**/*.test.ts"],
					setupFiles: ["test/apply-migrations.ts"],
				},
			},
		],
	},
});
