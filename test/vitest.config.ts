import { resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = resolve(import.meta.dirname, "..");

export default defineConfig({
	test: {
		reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
		projects: [
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
								SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
							},
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
