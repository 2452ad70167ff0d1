// import.meta.glob loads the recorded IdP fixtures (test/idp/replay.ts).
/// <reference types="vite/types/importMeta.d.ts" />

declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
	}
}
