import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BULK_LIMITS } from "../../src/http/bulk";
import {
	MAX_FILTER_COMPARISONS,
	MAX_FILTER_DEPTH,
	MAX_FILTER_LENGTH,
	parseFilter,
} from "../../src/scim/filter/parse";
import { validateFilter } from "../../src/scim/filter/validate";
import { MAX_GROUP_MEMBERS, MAX_MEMBERS_PER_OPERATION } from "../../src/scim/limits";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../src/scim/schemas/resource-types";
import type { AttributeDef, ResourceTypeDef } from "../../src/scim/schemas/types";
import { SCHEMA_GROUP } from "../../src/scim/schemas/urns";
import { newScimTeam, scim, type TestTeam, uniqueEmail } from "../helpers";
import { seedMembers, seedScimUsers, storedMembers } from "../limits-helpers";

/**
 * Property tests at the published maxima (issue 9): whatever the limits allow must succeed, and
 * nothing a client sends inside them may reach a D1 limit. Seeds are fixed so a failure replays.
 */

type Json = Record<string, unknown>;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SEED = 9;

interface FilterTarget {
	path: string;
	def: AttributeDef;
	/** A complex multi-valued attribute's sub-attribute, also filterable as `attr[sub op v]`. */
	valuePath?: { attribute: string; sub: string };
}

/** Every attribute and sub-attribute path a resource type's /Schemas entries list. */
function filterTargets(resourceType: ResourceTypeDef): FilterTarget[] {
	const targets: FilterTarget[] = [];
	const schemas = [
		{ schema: resourceType.schema, prefix: "" },
		...resourceType.schemaExtensions.map((e) => ({ schema: e.schema, prefix: `${e.schema.id}:` })),
	];
	for (const { schema, prefix } of schemas) {
		for (const attribute of schema.attributes) {
			const path = `${prefix}${attribute.name}`;
			targets.push({ path, def: attribute });
			for (const sub of attribute.subAttributes ?? []) {
				targets.push({
					path: `${path}.${sub.name}`,
					def: sub,
					valuePath: attribute.multiValued ? { attribute: path, sub: sub.name } : undefined,
				});
			}
		}
	}
	return targets;
}

/** A comparison value of the attribute's type, padded to `length` characters where it is a string. */
function operand(def: AttributeDef, length: number): string {
	switch (def.type) {
		case "boolean":
			return "true";
		case "integer":
		case "decimal":
			return "42";
		case "dateTime":
			return '"2024-01-02T03:04:05Z"';
		default:
			return JSON.stringify("é%_x".padEnd(Math.max(4, length), "ab"));
	}
}

const STRING_OPS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const;
const OTHER_OPS = ["eq", "ne", "gt", "le"] as const;

function comparison(target: FilterTarget, op: string, length: number, bracket: boolean): string {
	if (op === "pr") {
		return `${target.path} pr`;
	}
	const value = operand(target.def, length);
	return bracket && target.valuePath !== undefined
		? `${target.valuePath.attribute}[${target.valuePath.sub} ${op} ${value}]`
		: `${target.path} ${op} ${value}`;
}

/** The answer the filter must get: 200, or 400 invalidFilter when the validator refuses it. */
function expectedStatus(filter: string, resourceType: ResourceTypeDef): number {
	try {
		validateFilter(parseFilter(filter), resourceType);
		return 200;
	} catch {
		return 400;
	}
}

async function expectFilterAnswer(
	team: TestTeam,
	resourceType: ResourceTypeDef,
	filter: string,
): Promise<void> {
	expect(filter.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
	const res = await scim(
		team.token,
		"GET",
		`${resourceType.endpoint}?filter=${encodeURIComponent(filter)}`,
	);
	const body = (await res.json()) as Json;
	const expected = expectedStatus(filter, resourceType);
	expect(res.status, `${filter.slice(0, 200)}: ${JSON.stringify(body).slice(0, 300)}`).toBe(
		expected,
	);
	if (expected === 400) {
		expect(body.scimType).toBe("invalidFilter");
	}
}

describe.each([USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE])(
	"Filters on $endpoint at the limits",
	(resourceType) => {
		const targets = filterTargets(resourceType);

		it(`answers every attribute with ${MAX_FILTER_COMPARISONS} comparisons of its heaviest operator`, async () => {
			const team = await newScimTeam();
			await seedScimUsers(team.teamId, 3);
			let ran = 0;
			for (const target of targets) {
				const string = !["boolean", "integer", "decimal", "dateTime"].includes(target.def.type);
				for (const op of string ? ["ew", "co"] : ["ne"]) {
					for (const bracket of target.valuePath === undefined ? [false] : [false, true]) {
						const one = comparison(target, op, 1, bracket);
						const count = Math.min(
							MAX_FILTER_COMPARISONS,
							Math.floor((MAX_FILTER_LENGTH + 4) / (one.length + 4)),
						);
						await expectFilterAnswer(
							team,
							resourceType,
							Array.from({ length: count }, () => one).join(" or "),
						);
						ran++;
					}
				}
			}
			expect(ran).toBeGreaterThan(targets.length);
		}, 120_000);

		it("answers random filters at the comparison and length limits", async () => {
			const team = await newScimTeam();
			await seedScimUsers(team.teamId, 3);
			const term = fc
				.record({
					target: fc.constantFrom(...targets),
					op: fc.constantFrom(...STRING_OPS, "pr"),
					bracket: fc.boolean(),
					not: fc.boolean(),
				})
				.map(({ target, op, bracket, not }) => {
					const string = !["boolean", "integer", "decimal", "dateTime"].includes(target.def.type);
					const valid =
						string || op === "pr" ? op : (OTHER_OPS[op.length % OTHER_OPS.length] ?? "eq");
					const text = comparison(target, valid, 1, bracket);
					return not ? `not (${text})` : text;
				});
			await fc.assert(
				fc.asyncProperty(
					fc.array(term, { minLength: MAX_FILTER_COMPARISONS, maxLength: MAX_FILTER_COMPARISONS }),
					fc.array(fc.constantFrom(" or ", " and "), {
						minLength: MAX_FILTER_COMPARISONS,
						maxLength: MAX_FILTER_COMPARISONS,
					}),
					async (terms, joins) => {
						// As many of the terms as fit in the length limit, joined at random.
						let filter = terms[0] ?? "id pr";
						for (const [i, next] of terms.slice(1).entries()) {
							const longer = `${filter}${joins[i] ?? " or "}${next}`;
							if (longer.length > MAX_FILTER_LENGTH) {
								break;
							}
							filter = longer;
						}
						await expectFilterAnswer(team, resourceType, filter);
					},
				),
				{ seed: SEED, numRuns: 25 },
			);
		}, 120_000);

		it(`answers filters nested ${MAX_FILTER_DEPTH} levels deep around every attribute`, async () => {
			const team = await newScimTeam();
			let ran = 0;
			for (const target of targets) {
				const string = !["boolean", "integer", "decimal", "dateTime"].includes(target.def.type);
				const leaf = comparison(target, string ? "ew" : "ne", 1, target.valuePath !== undefined);
				if (expectedStatus(leaf, resourceType) !== 200) {
					continue;
				}
				for (const wrap of [
					(inner: string) => `not (${inner})`,
					(inner: string, level: number) =>
						level % 2 === 0 ? `(${leaf} or ${inner})` : `(${leaf} and not (${inner}))`,
				]) {
					// The deepest nesting the parser accepts: one more level is a 400.
					let filter = leaf;
					let levels = 0;
					for (; ; levels++) {
						const deeper = wrap(filter, levels);
						if (expectedStatus(deeper, resourceType) !== 200 || deeper.length > MAX_FILTER_LENGTH) {
							break;
						}
						filter = deeper;
					}
					expect(levels).toBeGreaterThanOrEqual(MAX_FILTER_DEPTH / 4);
					await expectFilterAnswer(team, resourceType, filter);
					ran++;
				}
			}
			expect(ran).toBeGreaterThan(targets.length);
		}, 120_000);

		it(`answers one comparison whose operand fills the ${MAX_FILTER_LENGTH}-character limit`, async () => {
			const team = await newScimTeam();
			for (const target of targets.filter((t) => t.def.type === "string")) {
				const prefix = `${target.path} co `;
				await expectFilterAnswer(
					team,
					resourceType,
					`${prefix}${operand(target.def, MAX_FILTER_LENGTH - prefix.length - 2)}`,
				);
			}
		}, 120_000);
	},
);

describe("Groups of 10,000 members", () => {
	const SIZE = 10_000;

	async function bigGroup(team: TestTeam, members: string[]): Promise<string> {
		const res = await scim(team.token, "POST", "/Groups", {
			schemas: [SCHEMA_GROUP],
			displayName: `Big ${crypto.randomUUID()}`,
		});
		expect(res.status).toBe(201);
		const id = String(((await res.json()) as Json).id);
		await seedMembers(team.teamId, id, members);
		return id;
	}

	it("are replaced, shrunk and emptied in one request each, whatever the subset", async () => {
		const team = await newScimTeam();
		const users = await seedScimUsers(team.teamId, 2 * SIZE);
		const first = users.slice(0, SIZE);
		const second = users.slice(SIZE);
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(
					"PUT replace",
					"PUT subset",
					"PATCH remove",
					"PATCH replace []",
					"PATCH remove all",
				),
				fc.integer({ min: 0, max: SIZE }),
				fc.integer({ min: 0, max: SIZE }),
				async (form, keep, offset) => {
					const id = await bigGroup(team, first);
					let body: Json;
					let expected: string[];
					if (form === "PUT replace") {
						expected = second;
						body = {
							schemas: [SCHEMA_GROUP],
							displayName: `Replaced ${id}`,
							members: second.map((value) => ({ value })),
						};
					} else if (form === "PUT subset") {
						expected = [...first.slice(offset), ...first.slice(0, offset)].slice(0, keep);
						body = {
							schemas: [SCHEMA_GROUP],
							displayName: `Subset ${id}`,
							members: expected.map((value) => ({ value })),
						};
					} else if (form === "PATCH remove") {
						// As many operations of the most members each as the removal needs.
						const removed = first.slice(0, keep);
						expected = first.slice(keep);
						const operations: Json[] = [];
						for (let i = 0; i < removed.length; i += MAX_MEMBERS_PER_OPERATION) {
							operations.push({
								op: "remove",
								path: "members",
								value: removed.slice(i, i + MAX_MEMBERS_PER_OPERATION).map((value) => ({ value })),
							});
						}
						body = {
							schemas: [PATCH_OP],
							Operations:
								operations.length > 0
									? operations
									: [{ op: "replace", path: "displayName", value: `Same ${id}` }],
						};
					} else if (form === "PATCH replace []") {
						expected = [];
						body = {
							schemas: [PATCH_OP],
							Operations: [{ op: "replace", path: "members", value: [] }],
						};
					} else {
						expected = [];
						body = { schemas: [PATCH_OP], Operations: [{ op: "remove", path: "members" }] };
					}
					const method = form.startsWith("PUT") ? "PUT" : "PATCH";
					const res = await scim(team.token, method, `/Groups/${id}`, body);
					expect(res.status, await res.text()).toBe(method === "PUT" ? 200 : 204);
					expect(await storedMembers(id)).toEqual([...expected].sort());
				},
			),
			{ seed: SEED, numRuns: 6 },
		);
	}, 300_000);

	it("are created with 10,000 members and served in full", async () => {
		const team = await newScimTeam();
		const users = await seedScimUsers(team.teamId, SIZE);
		const res = await scim(team.token, "POST", "/Groups", {
			schemas: [SCHEMA_GROUP],
			displayName: "Everyone",
			members: users.map((value) => ({ value })),
		});
		expect(res.status, await res.clone().text()).toBe(201);
		const id = String(((await res.json()) as Json).id);
		expect(await storedMembers(id)).toEqual(users);
		const got = (await (await scim(team.token, "GET", `/Groups/${id}`)).json()) as Json;
		expect((got.members as unknown[]).length).toBe(SIZE);
	}, 120_000);
});

describe("the Group member limit", () => {
	it("refuses a PATCH or Bulk add that would grow a Group past it, so the Group can still be PUT back", async () => {
		const team = await newScimTeam();
		const users = await seedScimUsers(team.teamId, MAX_GROUP_MEMBERS + 2);
		const full = users.slice(0, MAX_GROUP_MEMBERS);
		const created = await scim(team.token, "POST", "/Groups", {
			schemas: [SCHEMA_GROUP],
			displayName: "Nearly full",
			members: full.slice(0, MAX_GROUP_MEMBERS - 1).map((value) => ({ value })),
		});
		expect(created.status).toBe(201);
		const id = String(((await created.json()) as Json).id);
		const add = (values: string[]) => ({
			op: "add",
			path: "members",
			value: values.map((value) => ({ value })),
		});
		// Up to the limit is fine; one more is refused and writes nothing.
		const last = full[MAX_GROUP_MEMBERS - 1] as string;
		const toLimit = await scim(team.token, "PATCH", `/Groups/${id}`, {
			schemas: [PATCH_OP],
			Operations: [add([last])],
		});
		expect(toLimit.status, await toLimit.text()).toBe(204);
		const over = await scim(team.token, "PATCH", `/Groups/${id}`, {
			schemas: [PATCH_OP],
			Operations: [add(users.slice(MAX_GROUP_MEMBERS))],
		});
		expect(over.status).toBe(400);
		expect(await over.json()).toMatchObject({
			scimType: "invalidValue",
			detail: expect.stringContaining(`at most ${MAX_GROUP_MEMBERS} members`),
		});
		const bulk = await scim(team.token, "POST", "/Bulk", {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
			Operations: [
				{
					method: "PATCH",
					path: `/Groups/${id}`,
					data: { schemas: [PATCH_OP], Operations: [add(users.slice(MAX_GROUP_MEMBERS))] },
				},
			],
		});
		expect(bulk.status).toBe(200);
		expect(
			((await bulk.json()) as { Operations: { status: string }[] }).Operations[0]?.status,
		).toBe("400");
		expect(await storedMembers(id)).toEqual([...full].sort());
		// Whatever a write left, a PUT can send back: every member fits in one members array.
		const got = (await (await scim(team.token, "GET", `/Groups/${id}`)).json()) as Json;
		const put = await scim(team.token, "PUT", `/Groups/${id}`, {
			schemas: [SCHEMA_GROUP],
			displayName: got.displayName,
			members: (got.members as { value: string }[]).map(({ value }) => ({ value })),
		});
		expect(put.status, await put.text()).toBe(200);
	}, 300_000);
});

describe("Bulk at maxOperations", () => {
	it(`runs ${BULK_LIMITS.maxOperations} operations in one request`, async () => {
		const team = await newScimTeam();
		const operations = Array.from({ length: BULK_LIMITS.maxOperations }, (_, i) => ({
			method: "POST",
			path: "/Users",
			bulkId: `u${i}`,
			data: {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
				userName: uniqueEmail(`bulk${i}`),
				emails: [{ value: uniqueEmail(`bulk${i}`), primary: true }],
			},
		}));
		const res = await scim(team.token, "POST", "/Bulk", {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
			Operations: operations,
		});
		const body = (await res.json()) as { Operations: { status: string }[] };
		expect(res.status).toBe(200);
		expect(body.Operations.map((o) => o.status)).toEqual(operations.map(() => "201"));
		const list = (await (await scim(team.token, "GET", "/Users?count=0")).json()) as Json;
		expect(list.totalResults).toBe(BULK_LIMITS.maxOperations);
	}, 300_000);
});
