import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { groupFilterSql, userFilterSql } from "../../src/db/filter-sql";
import { scimUsers } from "../../src/db/schema";
import { parseFilter } from "../../src/scim/filter/parse";
import { validateFilter } from "../../src/scim/filter/validate";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../src/scim/schemas/resource-types";
import type { ResourceTypeDef } from "../../src/scim/schemas/types";
import { SCHEMA_GROUP } from "../../src/scim/schemas/urns";
import { newScimTeam, scim, type TestTeam } from "../helpers";
import { seedMembers, seedScimUsers, storedMembers } from "../limits-helpers";

type Json = Record<string, unknown>;

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function json(res: Response, status: number): Promise<Json> {
	expect(res.status, await res.clone().text()).toBe(status);
	return (await res.json()) as Json;
}

/** A group of `size` seeded users; the users are seeded in D1 directly. */
async function bigGroup(team: TestTeam, size: number): Promise<{ id: string; members: string[] }> {
	const members = await seedScimUsers(team.teamId, size);
	const group = await json(
		await scim(team.token, "POST", "/Groups", { schemas: [SCHEMA_GROUP], displayName: "Big" }),
		201,
	);
	await seedMembers(team.teamId, String(group.id), members);
	return { id: String(group.id), members };
}

function patch(operations: Json[]) {
	return { schemas: [PATCH_OP], Operations: operations };
}

// Regression: issue 9. A group of 100 or more members could not be emptied or shrunk by more than
// 99 in one request: D1 answered "too many SQL variables" and the request was a 500.
describe("Groups of more than 100 members", () => {
	it.each<[string, (members: string[]) => Json]>([
		["PATCH replace members []", () => patch([{ op: "replace", path: "members", value: [] }])],
		["PATCH remove path=members", () => patch([{ op: "remove", path: "members" }])],
		[
			"PATCH remove with a 120-value array",
			(members) =>
				patch([{ op: "remove", path: "members", value: members.map((value) => ({ value })) }]),
		],
	])("empties a group of 120 members with %s", async (_, body) => {
		const team = await newScimTeam();
		const group = await bigGroup(team, 120);
		const res = await scim(team.token, "PATCH", `/Groups/${group.id}`, body(group.members));
		expect(res.status, await res.text()).toBe(204);
		expect(await storedMembers(group.id)).toEqual([]);
	});

	it("empties a group of 120 members with PUT members: []", async () => {
		const team = await newScimTeam();
		const group = await bigGroup(team, 120);
		await json(
			await scim(team.token, "PUT", `/Groups/${group.id}`, {
				schemas: [SCHEMA_GROUP],
				displayName: "Big",
				members: [],
			}),
			200,
		);
		expect(await storedMembers(group.id)).toEqual([]);
	});
});

// Regression: issue 9. Filters well inside the advertised limits bound more than D1's 100
// parameters and answered 500.
describe("Filters inside the advertised limits", () => {
	it.each<[string, string]>([
		[
			"10x emails.value ew",
			Array.from({ length: 10 }, (_, i) => `emails.value ew "x${i}.com"`).join(" or "),
		],
		[
			"17x emails.value eq",
			Array.from({ length: 17 }, (_, i) => `emails.value eq "u${i}@x.com"`).join(" or "),
		],
		[
			"25x emails[value co]",
			Array.from({ length: 25 }, (_, i) => `emails[value co "x${i}"]`).join(" or "),
		],
	])("answers 200 for %s", async (_, filter) => {
		const team = await newScimTeam();
		const res = await scim(team.token, "GET", `/Users?filter=${encodeURIComponent(filter)}`);
		expect((await json(res, 200)).totalResults).toBe(0);
	});
});

// Regression: issue 9. Sorting by a multi-valued attribute without a `primary` sub-attribute
// answered 500 ("1st ORDER BY term out of range").
describe("sortBy on multi-valued attributes without primary", () => {
	it.each<[string, string]>([
		["/Users", "groups"],
		["/Users", "groups.value"],
		["/Users", "groups.display"],
		["/Groups", "members"],
		["/Groups", "members.value"],
		["/Groups", "members.display"],
	])("%s?sortBy=%s answers 200", async (endpoint, sortBy) => {
		const team = await newScimTeam();
		const res = await scim(team.token, "GET", `${endpoint}?sortBy=${sortBy}`);
		await json(res, 200);
	});

	it.each(["groups.display", "members.value"])(
		"POST /.search sortBy=%s answers 200",
		async (sortBy) => {
			const team = await newScimTeam();
			await json(
				await scim(team.token, "POST", "/.search", {
					schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
					sortBy,
				}),
				200,
			);
		},
	);
});

/** Every attribute and sub-attribute path a resource type's /Schemas entries list. */
function schemaPaths(resourceType: ResourceTypeDef): string[] {
	const paths = [
		"id",
		"externalId",
		"meta.created",
		"meta.lastModified",
		"meta.version",
		"meta.resourceType",
		"meta.location",
	];
	const schemas = [
		{ schema: resourceType.schema, prefix: "" },
		...resourceType.schemaExtensions.map((e) => ({ schema: e.schema, prefix: `${e.schema.id}:` })),
	];
	for (const { schema, prefix } of schemas) {
		for (const attribute of schema.attributes) {
			paths.push(`${prefix}${attribute.name}`);
			for (const sub of attribute.subAttributes ?? []) {
				paths.push(`${prefix}${attribute.name}.${sub.name}`);
			}
		}
	}
	return paths;
}

// RFC 7644 §3.4.2.3: any attribute /Schemas lists sorts (multi-valued ones by their primary, else
// first, value) or is refused with 400 invalidValue; none answers 500.
describe("sortBy over every attribute /Schemas lists", () => {
	it.each([USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE])(
		"sorts $endpoint by each attribute or answers 400 invalidValue",
		async (resourceType) => {
			const team = await newScimTeam();
			const [ada, grace] = await seedScimUsers(team.teamId, 2);
			for (const [name, member] of [
				["Zeta", ada],
				["Alpha", grace],
			] as const) {
				await json(
					await scim(team.token, "POST", "/Groups", {
						schemas: [SCHEMA_GROUP],
						displayName: name,
						members: [{ value: member }],
					}),
					201,
				);
			}
			const refused: string[] = [];
			for (const path of schemaPaths(resourceType)) {
				for (const order of ["ascending", "descending"]) {
					const res = await scim(
						team.token,
						"GET",
						`${resourceType.endpoint}?sortBy=${encodeURIComponent(path)}&sortOrder=${order}`,
					);
					const body = (await res.json()) as Json;
					if (res.status === 400) {
						expect(body.scimType, path).toBe("invalidValue");
						refused.push(path);
					} else {
						expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(200);
					}
				}
			}
			expect(new Set(refused)).toEqual(new Set(refusedPaths[resourceType.name]));
		},
		60_000,
	);

	it("orders Users by the display of their first group", async () => {
		const team = await newScimTeam();
		const [ada, grace] = await seedScimUsers(team.teamId, 2);
		await json(
			await scim(team.token, "POST", "/Groups", {
				schemas: [SCHEMA_GROUP],
				displayName: "Zeta",
				members: [{ value: ada }],
			}),
			201,
		);
		await json(
			await scim(team.token, "POST", "/Groups", {
				schemas: [SCHEMA_GROUP],
				displayName: "Alpha",
				members: [{ value: grace }],
			}),
			201,
		);
		const list = await json(await scim(team.token, "GET", "/Users?sortBy=groups.display"), 200);
		expect((list.Resources as Json[]).map((r) => r.id)).toEqual([grace, ada]);
		const desc = await json(
			await scim(team.token, "GET", "/Users?sortBy=groups.display&sortOrder=descending"),
			200,
		);
		expect((desc.Resources as Json[]).map((r) => r.id)).toEqual([ada, grace]);
	});
});

/** Complex attributes with no `value` to sort by (a single-valued one sorts by a sub-attribute). */
const refusedPaths: Record<string, string[]> = {
	User: [
		"meta",
		"name",
		// Never returned, so it never orders anything (src/scim/schemas/lookup.ts isNeverReturned).
		"password",
		"addresses",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
	],
	Group: ["meta"],
};

// The filter compiler binds nothing itself: every value goes into the one JSON operand parameter
// (src/db/lists.ts), so the number of parameters cannot grow with the filter.
describe("Filter SQL parameters", () => {
	it.each([
		[
			"User",
			USER_RESOURCE_TYPE,
			Array.from({ length: 64 }, (_, i) => `emails[value ew "x${i}"]`).join(" or "),
		],
		[
			"User",
			USER_RESOURCE_TYPE,
			Array.from({ length: 64 }, (_, i) => `meta.location co "u${i}" or groups.display sw "g${i}"`)
				.slice(0, 32)
				.join(" and "),
		],
		[
			"Group",
			GROUP_RESOURCE_TYPE,
			Array.from({ length: 64 }, (_, i) => `members.value eq "m${i}"`).join(" or "),
		],
	])(
		"binds no parameter of its own for a %s filter of 64 comparisons",
		(_, resourceType, filter) => {
			const compile = resourceType === USER_RESOURCE_TYPE ? userFilterSql : groupFilterSql;
			const compiled = compile(validateFilter(parseFilter(filter), resourceType), {
				teamId: "t",
				baseUrl: "https://x.test/scim/v2",
			});
			const db = createDb(env.DB);
			const query = db.select().from(scimUsers).where(compiled.where).toSQL();
			expect(query.params).toEqual([]);
			expect(JSON.parse(compiled.operands.json()).length).toBeGreaterThan(0);
		},
	);
});
