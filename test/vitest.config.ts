import { resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = resolve(import.meta.dirname, "..");

/**
 * A workers project over wrangler.toml with the given rate limits (per SCIM key) and limits on
 * failed authentication (per client address).
 */
function workersProject(
	name: string,
	include: string[],
	limits: { perSecond: number; burst: number; perTenSeconds: number },
	authFailures: { burst: number; perMinute: number; bindingPerMinute: number },
	exclude: string[] = [],
) {
	return {
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
						SCIM_RATE_LIMIT_PER_SECOND: String(limits.perSecond),
						SCIM_RATE_LIMIT_BURST: String(limits.burst),
						AUTH_FAILURE_BURST: String(authFailures.burst),
						AUTH_FAILURE_PER_MINUTE: String(authFailures.perMinute),
					},
					outboundService: (request: Request) =>
						new URL(request.url).hostname === "mail.scim-edge.test"
							? new Response(null, { status: 204 })
							: new Response("No network in tests", { status: 502 }),
					ratelimits: {
						SCIM_RATE_LIMITER: {
							namespace_id: "1001",
							simple: { limit: limits.perTenSeconds, period: 10 },
						},
						AUTH_FAILURE_LIMITER: {
							namespace_id: "1002",
							simple: { limit: authFailures.bindingPerMinute, period: 60 },
						},
					},
				},
			})),
		],
		test: {
			name,
			root,
			include,
			exclude,
			setupFiles: ["test/apply-migrations.ts"],
		},
	};
}

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
			// The races and fuzz tests send thousands of requests with one key: the rate limit is
			// lifted here and tested on its own, with small limits, in the "limits" project.
			workersProject(
				"workers",
				["test/integration/**/*.test.ts", "test/idp/**/*.test.ts"],
				{ perSecond: 1_000_000, burst: 1_000_000, perTenSeconds: 1_000_000 },
				{ burst: 1_000_000, perMinute: 1_000_000, bindingPerMinute: 1_000_000 },
				["test/integration/rate-limit.test.ts"],
			),
			workersProject(
				"limits",
				["test/integration/rate-limit.test.ts"],
				{
					perSecond: 1,
					burst: 5,
					perTenSeconds: 1_000_000,
				},
				// The binding refuses an address's 13th failure in a minute, before the isolate's bucket
				// (16) runs dry, so one test sees both layers: the binding's refusal, then the isolate's
				// block before any lookup (test/integration/rate-limit.test.ts).
				{ burst: 16, perMinute: 1, bindingPerMinute: 12 },
			),
		],
	},
});
