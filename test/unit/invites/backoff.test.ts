import { describe, expect, it } from "vitest";
import { MAX_RETRY_MS, retryDelayMs } from "../../../src/invites/backoff";

describe("retryDelayMs", () => {
	it.each([
		[1, 30_000],
		[2, 60_000],
		[3, 120_000],
		[4, 240_000],
		[7, 1_920_000],
		[8, MAX_RETRY_MS],
		[50, MAX_RETRY_MS],
		[10_000, MAX_RETRY_MS],
	])("waits %i failed attempts -> %i ms before jitter", (attempts, base) => {
		expect(retryDelayMs(attempts, 0)).toBe(base);
	});

	it("adds up to 20% jitter, never less than the base", () => {
		expect(retryDelayMs(1, 0.5)).toBe(33_000);
		expect(retryDelayMs(1, 0.999_999)).toBeLessThan(36_000);
		expect(retryDelayMs(20, 0.999_999)).toBeLessThan(MAX_RETRY_MS * 1.2);
	});

	it("grows strictly until the cap whatever the jitter", () => {
		for (let attempts = 1; attempts < 7; attempts++) {
			expect(retryDelayMs(attempts + 1, 0)).toBeGreaterThan(retryDelayMs(attempts, 0.999_999));
		}
	});

	it("clamps nonsense input", () => {
		expect(retryDelayMs(0, -1)).toBe(30_000);
		expect(retryDelayMs(1, 7)).toBe(36_000);
	});
});
