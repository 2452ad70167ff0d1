import { afterEach, describe, expect, it } from "vitest";
import type { PatchOperation } from "../../../src/scim/patch";
import { applyPatch } from "../../../src/scim/patch";
import { baseGroup, baseUser, patchError, patched } from "./fixtures/patch";
import { GROUP, SCHEMA_ENTERPRISE_USER, USER } from "./fixtures/resource-types";

// Prototype pollution: scim-patch needed two fixes for paths like `__proto__.x` and
// `toString.x` (GHSA-2mhw-wcx5-v3xj). Values come from JSON.parse, as on the wire, because only
// JSON.parse makes "__proto__" an own key.

function polluted(): boolean {
	const probe: Record<string, unknown> = {};
	return "polluted" in probe || "polluted" in Object.prototype || "polluted" in Array.prototype;
}

afterEach(() => {
	expect(polluted()).toBe(false);
});

describe("PATCH prototype-pollution immunity", () => {
	describe("rejects forbidden path segments with invalidPath", () => {
		it.each([
			"__proto__",
			"__proto__.polluted",
			"constructor",
			"constructor.prototype",
			"constructor.prototype.polluted",
			"prototype",
			"name.__proto__",
			"name.constructor",
			"Name.Prototype",
			'emails[type eq "work"].__proto__',
			'emails[type eq "work"].constructor',
			'emails[__proto__ eq "x"].value',
			"emails[constructor pr]",
			"urn:ietf:params:scim:schemas:core:2.0:User:__proto__",
			"urn:__proto__:x:userName",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:constructor.prototype",
		])("%s", (path) => {
			for (const op of ["add", "replace", "remove"]) {
				const error = patchError(baseUser(), [{ op, path, value: { polluted: true } }]);
				expect(error).toMatchObject({ status: 400, scimType: "invalidPath" });
			}
		});
	});

	describe("rejects forbidden keys anywhere in a value with invalidPath", () => {
		it.each([
			'{"op":"add","value":{"__proto__":{"polluted":true}}}',
			'{"op":"replace","value":{"constructor":{"prototype":{"polluted":true}}}}',
			'{"op":"add","value":{"__proto__.polluted":true}}',
			'{"op":"add","value":{"name.__proto__":{"polluted":true}}}',
			'{"op":"add","value":{"name":{"__proto__":{"polluted":true}}}}',
			'{"op":"add","path":"name","value":{"__proto__":{"polluted":true}}}',
			'{"op":"add","path":"emails","value":[{"value":"a@b.c","__proto__":{"polluted":true}}]}',
			'{"op":"add","path":"emails","value":[{"value":"a@b.c","constructor":{"prototype":{"polluted":true}}}]}',
			`{"op":"add","value":{"${SCHEMA_ENTERPRISE_USER}":{"__proto__":{"polluted":true}}}}`,
			`{"op":"add","value":{"${SCHEMA_ENTERPRISE_USER}:__proto__":{"polluted":true}}}`,
			'{"op":"remove","path":"members","value":[{"__proto__":{"polluted":true}}]}',
		])("%s", (json) => {
			const operation = JSON.parse(json) as PatchOperation;
			const error = patchError(baseGroup(), [operation], GROUP);
			expect(error).toMatchObject({ status: 400, scimType: "invalidPath" });
		});
	});

	it("rejects Object.prototype method names as unknown attributes", () => {
		for (const path of [
			"toString",
			"toString.x",
			"hasOwnProperty",
			"valueOf.polluted",
			"__defineGetter__",
		]) {
			const error = patchError(baseUser(), [{ op: "add", path, value: "x" }]);
			expect(error).toMatchObject({ status: 400, scimType: "invalidPath" });
		}
	});

	it("keeps a stored __proto__ key inert and returns plain objects", () => {
		const resource = JSON.parse(
			'{"userName":"a","__proto__":{"polluted":true},"name":{"givenName":"A"}}',
		) as Record<string, unknown>;
		const out = patched(resource, [{ op: "replace", path: "name.familyName", value: "B" }]);
		expect(Object.getPrototypeOf(out.resource)).toBe(Object.prototype);
		expect(Object.getPrototypeOf(out.resource.name)).toBe(Object.prototype);
		expect(Object.hasOwn(out.resource, "__proto__")).toBe(true);
		expect((out.resource as { polluted?: unknown }).polluted).toBeUndefined();
	});

	it("refuses values nested absurdly deep", () => {
		let value: unknown = "x";
		for (let i = 0; i < 100; i++) {
			value = { givenName: value };
		}
		const result = applyPatch(baseUser(), [{ op: "add", path: "name", value }], USER);
		expect(result).toMatchObject({ ok: false, error: { scimType: "invalidValue" } });
	});
});
