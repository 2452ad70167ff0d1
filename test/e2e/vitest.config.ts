import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

const root = resolve(import.meta.dirname, "../..");

// The browser tests: plain Node (not the workers pool) driving headless Chromium against
// `wrangler dev`, which global-setup.ts starts. A project of test/vitest.config.ts (so `npm test`
// runs them after the others, into the same JSON report), and runnable alone:
// `npx vitest run --config test/e2e/vitest.config.ts`.
export default defineConfig({
	test: {
		name: "e2e",
		root,
		include: ["test/e2e/**/*.test.ts"],
		environment: "node",
		globalSetup: ["test/e2e/global-setup.ts"],
		// One wrangler dev, one browser: the files run one after the other.
		fileParallelism: false,
		// After the unit and workers projects, so the machine is not shared with them.
		sequence: { groupOrder: 1 },
		testTimeout: 60_000,
		hookTimeout: 90_000,
	},
});
