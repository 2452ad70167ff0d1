import { describe, expect, it } from "vitest";

describe("unit", () => {
	it("runs", () => {
		expect(1 + 1).toBe(2);
	});
});
