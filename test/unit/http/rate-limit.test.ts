import { describe, expect, it } from "vitest";
import {
	type Bucket,
	rateLimitConfig,
	rateLimitHeaders,
	takeToken,
} from "../../../src/http/middleware/rate-limit";

describe("takeToken (per-isolate token bucket)", () => {
	const config = { ratePerSecond: 2, burst: 3 };

	it("allows the burst at once, then refuses with the seconds until the next token", () => {
		const bucket: Bucket = { tokens: 3, updatedAt: 0 };
		expect([
			takeToken(bucket, 0, config),
			takeToken(bucket, 0, config),
			takeToken(bucket, 0, config),
		]).toEqual([0, 0, 0]);
		expect(takeToken(bucket, 0, config)).toBe(1);
	});

	it("refills at the configured rate and never above the burst", () => {
		const bucket: Bucket = { tokens: 0, updatedAt: 0 };
		expect(takeToken(bucket, 500, config)).toBe(0); // 0.5 s × 2/s = one token
		expect(takeToken(bucket, 500, config)).toBe(1);
		takeToken(bucket, 3_600_000, config);
		expect(bucket.tokens).toBe(2); // capped at 3, minus the one just taken
	});

	it("answers a Retry-After of at least one whole second", () => {
		const slow = { ratePerSecond: 0.1, burst: 1 };
		const bucket: Bucket = { tokens: 0, updatedAt: 0 };
		expect(takeToken(bucket, 0, slow)).toBe(10);
		expect(takeToken({ tokens: 0.99, updatedAt: 0 }, 0, config)).toBe(1);
	});

	it("does not refill when the clock goes backwards", () => {
		const bucket: Bucket = { tokens: 0, updatedAt: 1000 };
		expect(takeToken(bucket, 0, config)).toBe(1);
	});
});

describe("rateLimitConfig", () => {
	it("reads the vars and falls back to 100/s with a burst of 200", () => {
		const env = { SCIM_RATE_LIMIT_PER_SECOND: "5", SCIM_RATE_LIMIT_BURST: "7" } as unknown as Env;
		expect(rateLimitConfig(env)).toEqual({ ratePerSecond: 5, burst: 7 });
		const bad = { SCIM_RATE_LIMIT_PER_SECOND: "x", SCIM_RATE_LIMIT_BURST: "-1" } as unknown as Env;
		expect(rateLimitConfig(bad)).toEqual({ ratePerSecond: 100, burst: 200 });
	});
});

describe("rateLimitHeaders (IETF RateLimit header fields)", () => {
	const config = { ratePerSecond: 2, burst: 3 };

	it("gives the burst as the limit, whole tokens left, and the seconds until the bucket is full", () => {
		expect(rateLimitHeaders({ tokens: 2, updatedAt: 0 }, config)).toEqual({
			"RateLimit-Limit": "3",
			"RateLimit-Remaining": "2",
			"RateLimit-Reset": "1",
		});
		expect(rateLimitHeaders({ tokens: 0.4, updatedAt: 0 }, config)).toEqual({
			"RateLimit-Limit": "3",
			"RateLimit-Remaining": "0",
			"RateLimit-Reset": "2",
		});
		expect(rateLimitHeaders({ tokens: 3, updatedAt: 0 }, config)["RateLimit-Reset"]).toBe("0");
	});
});
