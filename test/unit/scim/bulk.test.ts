import { describe, expect, it } from "vitest";
import {
	type BulkOperation,
	bulkIdReferences,
	bulkResponse,
	parseBulkPath,
	parseBulkRequest,
	planBulk,
	prepareBulkOperation,
	resolveBulkIds,
} from "../../../src/scim/bulk";
import circular from "../../fixtures/rfc7644/3.7.1-bulk-circular.json";
import rfcExample from "../../fixtures/rfc7644/3.7.2-bulk-request.json";

const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const LIMITS = { maxOperations: 5, maxPayloadSize: 1024 * 1024 };
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

function parsed(operations: unknown[], extra: Record<string, unknown> = {}) {
	const result = parseBulkRequest(
		{ schemas: [BULK_REQUEST], Operations: operations, ...extra },
		LIMITS,
	);
	if (!result.ok) {
		throw new Error(result.error.detail);
	}
	return result.value;
}

const createUser = (bulkId: string, userName = `${bulkId}@example.com`) => ({
	method: "POST",
	path: "/Users",
	bulkId,
	data: { schemas: [USER], userName },
});

describe("parseBulkRequest", () => {
	it("parses the RFC 7644 §3.7.2 example", () => {
		const request = parseBulkRequest(rfcExample, LIMITS);
		expect(request).toMatchObject({
			ok: true,
			value: {
				operations: [
					{ index: 0, method: "POST", path: "/Users", bulkId: "qwerty" },
					{ index: 1, method: "POST", path: "/Groups", bulkId: "ytrewq" },
				],
			},
		});
		expect(request.ok && request.value.failOnErrors).toBeUndefined();
	});

	it("returns 413 when there are more operations than maxOperations (RFC 7644 §3.7.4)", () => {
		const operations = Array.from({ length: 6 }, (_, i) => createUser(`u${i}`));
		expect(parseBulkRequest({ schemas: [BULK_REQUEST], Operations: operations }, LIMITS)).toEqual({
			ok: false,
			error: {
				status: 413,
				detail: "The bulk request has 6 operations; maxOperations is 5.",
			},
		});
	});

	it.each([
		["a non-object body", [], "invalidSyntax"],
		["missing schemas", { Operations: [] }, "invalidSyntax"],
		["the wrong schema", { schemas: [USER], Operations: [] }, "invalidSyntax"],
		["Operations not an array", { schemas: [BULK_REQUEST], Operations: {} }, "invalidSyntax"],
		[
			"failOnErrors 0",
			{ schemas: [BULK_REQUEST], failOnErrors: 0, Operations: [] },
			"invalidValue",
		],
		[
			"failOnErrors a string",
			{ schemas: [BULK_REQUEST], failOnErrors: "1", Operations: [] },
			"invalidValue",
		],
	])("rejects %s with 400 %s", (_, body, scimType) => {
		expect(parseBulkRequest(body, LIMITS)).toMatchObject({
			ok: false,
			error: { status: 400, scimType },
		});
	});

	it("keeps failOnErrors and reads attribute names case-insensitively", () => {
		const request = parseBulkRequest(
			{ SCHEMAS: [BULK_REQUEST], failonerrors: 2, operations: [createUser("a")] },
			LIMITS,
		);
		expect(request).toMatchObject({
			ok: true,
			value: { failOnErrors: 2, operations: [{ bulkId: "a" }] },
		});
	});

	it("rejects a bulkId used by two operations", () => {
		expect(
			parseBulkRequest(
				{ schemas: [BULK_REQUEST], Operations: [createUser("a"), createUser("a", "b@x.io")] },
				LIMITS,
			),
		).toMatchObject({
			ok: false,
			error: { status: 400, scimType: "invalidValue", detail: expect.stringContaining('"a"') },
		});
	});

	it.each([
		[{ method: "GET", path: "/Users/1" }, 'method must be POST, PUT, PATCH or DELETE, not "GET"'],
		[{ path: "/Users/1" }, "method must be POST, PUT, PATCH or DELETE, not null"],
		[{ method: "DELETE" }, "path is required"],
		[{ method: "PUT", path: "/Users/1" }, "data is required for PUT"],
		[{ method: "POST", path: "/Users/1", data: {} }, 'POST goes to "/Users"'],
		[
			{ method: "PATCH", path: "/Groups", data: {} },
			'PATCH needs a resource id in its path: "/Groups/{id}"',
		],
		[{ method: "DELETE", path: "/Schemas/x" }, "is not a bulk path"],
		["not an object", "must be an object"],
	])("marks the malformed operation %j invalid without failing the request", (op, detail) => {
		const request = parsed([op]);
		expect(request.operations[0]?.invalid).toMatchObject({
			status: 400,
			detail: expect.stringContaining(detail),
		});
	});

	it("upper-cases the method", () => {
		expect(parsed([{ method: "delete", path: "/Users/1" }]).operations[0]).toEqual({
			index: 0,
			method: "DELETE",
			path: "/Users/1",
		});
	});
});

describe("parseBulkPath", () => {
	it.each([
		["/Users", { resourceType: "User" }],
		["Users", { resourceType: "User" }],
		["/Groups/", { resourceType: "Group" }],
		["/Users/2819c223", { resourceType: "User", id: "2819c223" }],
		["/groups/bulkId:qwerty", { resourceType: "Group", id: "bulkId:qwerty" }],
		["/Users/a%20b", { resourceType: "User", id: "a b" }],
	])("reads %s", (path, expected) => {
		expect(parseBulkPath(path)).toEqual({ ok: true, value: expected });
	});

	it.each(["/Users/1/2", "/Me", "/Users?filter=x", ""])("rejects %j with invalidPath", (path) => {
		expect(parseBulkPath(path)).toMatchObject({
			ok: false,
			error: { status: 400, scimType: "invalidPath" },
		});
	});
});

describe("bulkId references", () => {
	it("finds every bulkId:<id> string value, once", () => {
		expect(
			bulkIdReferences({
				members: [{ value: "bulkId:a" }, { value: "bulkId:b" }, { value: "bulkId:a" }],
				manager: { value: "bulkId:c" },
				note: "not bulkId:d",
				empty: "bulkId:",
			}),
		).toEqual(["a", "b", "c"]);
	});

	it("resolves references to the ids created so far", () => {
		const ids = new Map([["qwerty", "92b725cd9465"]]);
		expect(resolveBulkIds({ members: [{ type: "User", value: "bulkId:qwerty" }] }, ids)).toEqual({
			ok: true,
			value: { members: [{ type: "User", value: "92b725cd9465" }] },
		});
	});

	it("answers 409 for a reference whose operation failed", () => {
		expect(resolveBulkIds({ value: "bulkId:gone" }, new Map())).toMatchObject({
			ok: false,
			error: { status: 409, detail: expect.stringContaining('"gone"') },
		});
	});

	it("never lets a __proto__ key reach a prototype", () => {
		const value = JSON.parse('{"__proto__": {"polluted": "bulkId:a"}}');
		const resolved = resolveBulkIds(value, new Map([["a", "1"]]));
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(resolved.ok && Object.hasOwn(resolved.value as object, "__proto__")).toBe(true);
	});
});

describe("planBulk", () => {
	it("runs in request order when references point backwards", () => {
		expect(planBulk(parseBulkRequestOrThrow(rfcExample).operations)).toEqual([
			{ index: 0 },
			{ index: 1 },
		]);
	});

	it("runs a forward reference after the POST it refers to", () => {
		const request = parsed([
			{
				method: "POST",
				path: "/Groups",
				bulkId: "g",
				data: { schemas: [GROUP], displayName: "G", members: [{ value: "bulkId:u" }] },
			},
			{ method: "DELETE", path: "/Users/other" },
			createUser("u"),
		]);
		expect(planBulk(request.operations).map((s) => s.index)).toEqual([1, 2, 0]);
	});

	it("answers 400 for a bulkId no operation defines, in the operation's place", () => {
		const request = parsed([createUser("u"), { method: "DELETE", path: "/Users/bulkId:nope" }]);
		expect(planBulk(request.operations)).toEqual([
			{ index: 0 },
			{
				index: 1,
				error: expect.objectContaining({
					status: 400,
					scimType: "invalidValue",
					detail: expect.stringContaining('"nope"'),
				}),
			},
		]);
	});

	it("answers 409 for the RFC 7644 §3.7.1 circular reference, after everything else", () => {
		const request = parseBulkRequestOrThrow({
			...circular,
			Operations: [...circular.Operations, createUser("solo")],
		});
		const plan = planBulk(request.operations);
		expect(plan.map((s) => [s.index, s.error?.status])).toEqual([
			[2, undefined],
			[0, 409],
			[1, 409],
		]);
		expect(plan[1]?.error?.detail).toContain("circular");
	});

	it("answers 409 for a group that refers to its own bulkId", () => {
		const request = parsed([
			{
				method: "POST",
				path: "/Groups",
				bulkId: "g",
				data: { schemas: [GROUP], displayName: "G", members: [{ value: "bulkId:g" }] },
			},
		]);
		expect(planBulk(request.operations)).toEqual([
			{ index: 0, error: expect.objectContaining({ status: 409 }) },
		]);
	});

	it("fails an invalid operation in its own place", () => {
		const request = parsed([{ method: "GET", path: "/Users" }, createUser("u")]);
		expect(planBulk(request.operations).map((s) => [s.index, s.error?.status])).toEqual([
			[0, 400],
			[1, undefined],
		]);
	});
});

describe("prepareBulkOperation", () => {
	const ids = new Map([
		["u", "user-1"],
		["g", "group-1"],
	]);
	const op = (raw: Record<string, unknown>): BulkOperation =>
		parsed([raw]).operations[0] as BulkOperation;

	it("normalises a POST body as POST /Groups does and resolves member bulkIds", () => {
		expect(
			prepareBulkOperation(
				op({
					method: "POST",
					path: "/Groups",
					bulkId: "x",
					data: {
						schemas: [GROUP],
						displayName: "Tour Guides",
						members: [{ type: "User", value: "bulkId:u", display: "ignored" }],
					},
				}),
				ids,
			),
		).toEqual({
			ok: true,
			value: {
				kind: "createGroup",
				resource: { displayName: "Tour Guides", members: [{ type: "User", value: "user-1" }] },
			},
		});
	});

	it("resolves a bulkId in the path and uses version as If-Match", () => {
		expect(
			prepareBulkOperation(
				op({ method: "DELETE", path: "/Groups/bulkId:g", version: 'W/"3"' }),
				ids,
			),
		).toEqual({
			ok: true,
			value: { kind: "deleteGroup", id: "group-1", ifMatch: 'W/"3"' },
		});
	});

	it("checks a PATCH body's PatchOp envelope", () => {
		expect(
			prepareBulkOperation(
				op({
					method: "PATCH",
					path: "/Users/1",
					data: { Operations: [{ op: "remove", path: "nickName" }] },
				}),
				ids,
			),
		).toMatchObject({ ok: false, error: { status: 400 } });
		expect(
			prepareBulkOperation(
				op({
					method: "PATCH",
					path: "/Users/bulkId:u",
					data: {
						schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
						Operations: [{ op: "replace", path: "userName", value: "Dave" }],
					},
				}),
				ids,
			),
		).toEqual({
			ok: true,
			value: {
				kind: "patchUser",
				id: "user-1",
				operations: [{ op: "replace", path: "userName", value: "Dave" }],
				ifMatch: null,
			},
		});
	});

	it("reports a PUT body that fails normalisation", () => {
		expect(
			prepareBulkOperation(op({ method: "PUT", path: "/Users/1", data: { schemas: [USER] } }), ids),
		).toMatchObject({
			ok: false,
			error: { status: 400, scimType: "invalidValue", detail: expect.stringContaining("userName") },
		});
	});
});

describe("bulkResponse", () => {
	it("lists what ran in request order with location, version, string status and the error", () => {
		const request = parseBulkRequestOrThrow(rfcExample);
		const response = bulkResponse(
			request.operations,
			[
				{
					index: 1,
					status: 409,
					resourceType: "Group",
					error: { status: 409, detail: 'bulkId "qwerty" could not be resolved' },
				},
				{ index: 0, status: 201, resourceType: "User", id: "92b725cd9465", version: 1 },
			],
			"https://example.com/v2",
		);
		expect(response).toEqual({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
			Operations: [
				{
					location: "https://example.com/v2/Users/92b725cd9465",
					method: "POST",
					bulkId: "qwerty",
					version: 'W/"1"',
					status: "201",
				},
				{
					method: "POST",
					bulkId: "ytrewq",
					status: "409",
					response: {
						schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
						status: "409",
						detail: 'bulkId "qwerty" could not be resolved',
					},
				},
			],
		});
	});

	it("leaves out operations that never ran (failOnErrors)", () => {
		const request = parseBulkRequestOrThrow(rfcExample);
		expect(bulkResponse(request.operations, [], "https://x").Operations).toEqual([]);
	});
});

function parseBulkRequestOrThrow(body: unknown) {
	const result = parseBulkRequest(body, LIMITS);
	if (!result.ok) {
		throw new Error(result.error.detail);
	}
	return result.value;
}
