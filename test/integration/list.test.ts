import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../../src/index";
import { newScimTeam, ORIGIN, SCIM_CONTENT_TYPE, scim, type TestTeam } from "../helpers";

type Json = Record<string, unknown>;
type ListBody = {
	schemas: string[];
	totalResults: number;
	itemsPerPage: number;
	startIndex: number;
	Resources: Json[];
};

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

async function ok<T = Json>(res: Response, status = 200): Promise<T> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	return JSON.parse(text) as T;
}

async function createUser(token: string, body: Json): Promise<Json> {
	return ok(await scim(token, "POST", "/Users", { schemas: [USER, ENTERPRISE], ...body }), 201);
}

async function list(token: string, path: string): Promise<ListBody> {
	return ok<ListBody>(await scim(token, "GET", path));
}

function ids(body: ListBody): string[] {
	return body.Resources.map((r) => r.id as string);
}

/** Six users whose sort keys differ in case, go missing and tie, created in this order. */
async function sortTeam(): Promise<{ team: TestTeam; users: Json[] }> {
	const team = await newScimTeam("Sorting");
	const d = `s${crypto.randomUUID().slice(0, 6)}.example`;
	const bodies: Json[] = [
		{
			userName: `carol@${d}`,
			name: { givenName: "Carol", familyName: "brown" },
			emails: [
				{ value: `zz.carol@${d}`, type: "home" },
				{ value: `carol@${d}`, type: "work", primary: true },
			],
			[ENTERPRISE]: { department: "sales" },
		},
		{
			userName: `Alice@${d}`,
			name: { givenName: "Alice", familyName: "Adams" },
			emails: [{ value: `alice@${d}`, type: "work" }],
			[ENTERPRISE]: { department: "Engineering" },
		},
		{ userName: `bob@${d}`, name: { givenName: "Bob" } },
		{
			userName: `dave@${d}`,
			name: { givenName: "Dave", familyName: "Brown" },
			emails: [{ value: `a.dave@${d}` }, { value: `b.dave@${d}`, primary: true }],
			[ENTERPRISE]: { department: "Marketing" },
		},
		{
			userName: `Eve@${d}`,
			name: { givenName: "Eve", familyName: "Clark" },
			emails: [{ value: `eve@${d}`, primary: true }],
		},
		{ userName: `frank@${d}`, name: { givenName: "Frank", familyName: "adams" } },
	];
	const users: Json[] = [];
	for (const body of bodies) {
		users.push(await createUser(team.token, body));
	}
	return { team, users };
}

describe("GET /Users paging (RFC 7644 §3.4.2.4)", () => {
	let team: TestTeam;
	beforeAll(async () => {
		team = await newScimTeam("Paging");
		for (let i = 0; i < 5; i++) {
			await createUser(team.token, {
				userName: `p${i}.${crypto.randomUUID().slice(0, 8)}@example.com`,
			});
		}
	});

	it("defaults to startIndex 1 and every resource up to the maximum", async () => {
		const body = await list(team.token, "/Users");
		expect(body).toMatchObject({ totalResults: 5, itemsPerPage: 5, startIndex: 1 });
		expect(body.Resources).toHaveLength(5);
	});

	it("answers count=0 with the total and no resources", async () => {
		const body = await list(team.token, "/Users?count=0");
		expect(body).toMatchObject({ totalResults: 5, itemsPerPage: 0, startIndex: 1, Resources: [] });
	});

	it.each(["0", "-3"])("treats startIndex=%s as 1", async (startIndex) => {
		const body = await list(team.token, `/Users?startIndex=${startIndex}&count=2`);
		expect(body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 1 });
	});

	it("pages with startIndex and count, and past the end answers an empty page", async () => {
		const all = ids(await list(team.token, "/Users"));
		const second = await list(team.token, "/Users?startIndex=3&count=2");
		expect(second).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 3 });
		expect(ids(second)).toEqual(all.slice(2, 4));
		const past = await list(team.token, "/Users?startIndex=9&count=2");
		expect(past).toMatchObject({ totalResults: 5, itemsPerPage: 0, startIndex: 9, Resources: [] });
	});

	it.each([
		["count=ten", "count"],
		["startIndex=first", "startIndex"],
		["count=1.5", "count"],
	])("answers %s with 400 invalidValue", async (query, name) => {
		const res = await scim(team.token, "GET", `/Users?${query}`);
		const body = await ok(res, 400);
		expect(body).toMatchObject({ schemas: [ERROR], status: "400", scimType: "invalidValue" });
		expect(body.detail).toContain(name);
	});

	it("clamps count to SCIM_MAX_RESULTS, which /ServiceProviderConfig reports", async () => {
		// The same worker with a smaller configured maximum.
		const small = { ...env, SCIM_MAX_RESULTS: "2" };
		const call = async (path: string) => {
			const ctx = createExecutionContext();
			const res = await app.fetch(
				new Request(`${ORIGIN}/scim/v2${path}`, {
					headers: { Authorization: `Bearer ${team.token}`, Accept: SCIM_CONTENT_TYPE },
				}),
				small,
				ctx,
			);
			await waitOnExecutionContext(ctx);
			return res;
		};
		const body = await ok<ListBody>(await call("/Users?count=100"));
		expect(body).toMatchObject({ totalResults: 5, itemsPerPage: 2 });
		expect(body.Resources).toHaveLength(2);
		const byDefault = await ok<ListBody>(await call("/Users"));
		expect(byDefault.itemsPerPage).toBe(2);
		const config = await ok(await call("/ServiceProviderConfig"));
		expect(config).toMatchObject({ filter: { supported: true, maxResults: 2 } });
	});
});

describe("GET /Users sortBy/sortOrder (RFC 7644 §3.4.2.3)", () => {
	let team: TestTeam;
	let users: Json[];
	const by = (name: string) => users.find((u) => (u.userName as string).startsWith(name))?.id;
	const order = (...names: string[]) => names.map(by);

	beforeAll(async () => {
		({ team, users } = await sortTeam());
	});

	async function sorted(query: string): Promise<unknown[]> {
		return ids(await list(team.token, `/Users?${query}`));
	}

	it("sorts userName case-insensitively, ascending by default", async () => {
		expect(await sorted("sortBy=userName")).toEqual(
			order("Alice", "bob", "carol", "dave", "Eve", "frank"),
		);
		expect(await sorted("sortBy=USERNAME&sortOrder=Descending")).toEqual(
			order("frank", "Eve", "dave", "carol", "bob", "Alice"),
		);
	});

	it("sorts name.familyName with missing values last ascending and first descending, ties in creation order", async () => {
		// carol "brown" and dave "Brown" tie, as do Alice "Adams" and frank "adams".
		expect(await sorted("sortBy=name.familyName")).toEqual(
			order("Alice", "frank", "carol", "dave", "Eve", "bob"),
		);
		expect(await sorted("sortBy=name.familyName&sortOrder=descending")).toEqual(
			order("bob", "Eve", "carol", "dave", "Alice", "frank"),
		);
	});

	it("sorts meta.created", async () => {
		expect(await sorted("sortBy=meta.created&sortOrder=descending")).toEqual(
			order("frank", "Eve", "dave", "bob", "Alice", "carol"),
		);
	});

	it("sorts emails by the primary value, else the first one", async () => {
		// Alice: alice@ (first), dave: b.dave@ (primary), carol: carol@ (primary), Eve: eve@.
		expect(await sorted("sortBy=emails")).toEqual(
			order("Alice", "dave", "carol", "Eve", "bob", "frank"),
		);
		expect(await sorted("sortBy=emails.value")).toEqual(
			order("Alice", "dave", "carol", "Eve", "bob", "frank"),
		);
	});

	it("sorts an enterprise attribute by its URN-qualified name", async () => {
		expect(await sorted(`sortBy=${ENTERPRISE}:department`)).toEqual(
			order("Alice", "dave", "carol", "bob", "Eve", "frank"),
		);
		expect(await sorted(`sortBy=${ENTERPRISE}:department&sortOrder=descending`)).toEqual(
			order("bob", "Eve", "frank", "carol", "dave", "Alice"),
		);
	});

	it("keeps a sorted order stable across pages", async () => {
		const whole = await sorted("sortBy=name.familyName&count=100");
		const pages: unknown[] = [];
		for (let start = 1; start <= 6; start += 4) {
			pages.push(...(await sorted(`sortBy=name.familyName&startIndex=${start}&count=4`)));
		}
		expect(pages).toEqual(whole);
	});

	it("sorts POST /.search the same way", async () => {
		const body = await ok<ListBody>(
			await scim(team.token, "POST", "/Users/.search", {
				schemas: [SEARCH],
				sortBy: "userName",
				sortOrder: "descending",
				startIndex: 2,
				count: 2,
			}),
		);
		expect(ids(body)).toEqual(order("Eve", "dave"));
	});

	it("answers a sortBy that names no single value with 400 invalidValue", async () => {
		for (const sortBy of ["name", "nope"]) {
			const body = await ok(await scim(team.token, "GET", `/Users?sortBy=${sortBy}`), 400);
			expect(body).toMatchObject({ scimType: "invalidValue" });
		}
	});

	it("answers a sortBy on password, which is never returned, with 400 invalidValue", async () => {
		for (const sortBy of [
			"password",
			"PASSWORD",
			"urn:ietf:params:scim:schemas:core:2.0:User:password",
		]) {
			const body = await ok(await scim(team.token, "GET", `/Users?sortBy=${sortBy}`), 400);
			expect(body).toMatchObject({ scimType: "invalidValue" });
		}
		const search = await scim(team.token, "POST", "/Users/.search", {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
			sortBy: "password",
		});
		expect(search.status).toBe(400);
	});
});

describe("attributes and excludedAttributes (RFC 7644 §3.4.2.5, §3.9)", () => {
	let team: TestTeam;
	let user: Json;
	let group: Json;
	const only = ["id", "schemas", "userName"];

	beforeAll(async () => {
		team = await newScimTeam("Projection");
		user = await createUser(team.token, {
			userName: `proj.${crypto.randomUUID().slice(0, 8)}@example.com`,
			name: { givenName: "Pro", familyName: "Jection" },
			emails: [{ value: "p@example.com", type: "work", primary: true }],
		});
		group = await ok(
			await scim(team.token, "POST", "/Groups", {
				schemas: [GROUP],
				displayName: `Proj ${crypto.randomUUID().slice(0, 8)}`,
				members: [{ value: user.id }],
			}),
			201,
		);
	});

	it("GET /Users/:id?attributes=userName returns only id, schemas and userName", async () => {
		const body = await ok(await scim(team.token, "GET", `/Users/${user.id}?attributes=userName`));
		expect(Object.keys(body).sort()).toEqual(only);
	});

	it("GET /Users and POST /Users/.search apply attributes to every resource", async () => {
		const listed = await list(team.token, "/Users?attributes=userName");
		expect(listed.Resources.map((r) => Object.keys(r).sort())).toEqual([only]);
		const searched = await ok<ListBody>(
			await scim(team.token, "POST", "/Users/.search", {
				schemas: [SEARCH],
				attributes: ["userName"],
			}),
		);
		expect(searched.Resources.map((r) => Object.keys(r).sort())).toEqual([only]);
	});

	it("excludedAttributes drops attributes but never id or schemas", async () => {
		const body = await ok(
			await scim(team.token, "GET", `/Users/${user.id}?excludedAttributes=emails,name,id,schemas`),
		);
		expect(body).not.toHaveProperty("emails");
		expect(body).not.toHaveProperty("name");
		expect(body).toMatchObject({ id: user.id, schemas: [USER] });
	});

	it("applies to POST, PUT and PATCH responses", async () => {
		const created = await ok(
			await scim(team.token, "POST", "/Users?attributes=userName", {
				schemas: [USER],
				userName: `w.${crypto.randomUUID().slice(0, 8)}@example.com`,
			}),
			201,
		);
		expect(Object.keys(created).sort()).toEqual(only);
		const put = await ok(
			await scim(team.token, "PUT", `/Users/${created.id}?attributes=userName`, {
				schemas: [USER],
				userName: created.userName,
				displayName: "Put",
			}),
		);
		expect(Object.keys(put).sort()).toEqual(only);
		const patched = await ok(
			await scim(team.token, "PATCH", `/Users/${created.id}?excludedAttributes=meta,emails`, {
				schemas: [PATCH_OP],
				Operations: [{ op: "replace", path: "displayName", value: "Patched" }],
			}),
		);
		expect(patched).toMatchObject({ id: created.id, displayName: "Patched" });
		expect(patched).not.toHaveProperty("meta");
	});

	it("excludedAttributes=members leaves members out of Groups (Entra)", async () => {
		const one = await ok(
			await scim(team.token, "GET", `/Groups/${group.id}?excludedAttributes=members`),
		);
		expect(one).toMatchObject({ id: group.id, displayName: group.displayName });
		expect(one).not.toHaveProperty("members");
		const listed = await list(team.token, "/Groups?excludedAttributes=members");
		expect(listed.Resources[0]).not.toHaveProperty("members");
		const full = await ok(await scim(team.token, "GET", `/Groups/${group.id}`));
		expect(full.members).toEqual([expect.objectContaining({ value: user.id })]);
		const patched = await ok(
			await scim(team.token, "PATCH", `/Groups/${group.id}?excludedAttributes=members`, {
				schemas: [PATCH_OP],
				Operations: [{ op: "replace", path: "displayName", value: `${group.displayName} 2` }],
			}),
		);
		expect(patched).not.toHaveProperty("members");
		expect(patched.displayName).toBe(`${group.displayName} 2`);
		const searched = await ok<ListBody>(
			await scim(team.token, "POST", "/Groups/.search", {
				schemas: [SEARCH],
				attributes: ["displayName"],
			}),
		);
		expect(Object.keys(searched.Resources[0] ?? {}).sort()).toEqual([
			"displayName",
			"id",
			"schemas",
		]);
	});
});

describe("POST /.search at the root (RFC 7644 §3.4.3)", () => {
	let team: TestTeam;
	let users: Json[];
	let groups: Json[];

	beforeAll(async () => {
		team = await newScimTeam("Root search");
		users = [];
		for (const name of ["Sam One", "Sam Two", "Other"]) {
			users.push(
				await createUser(team.token, {
					userName: `${name.replace(" ", ".").toLowerCase()}.${crypto.randomUUID().slice(0, 6)}@example.com`,
					displayName: name,
				}),
			);
		}
		groups = [];
		for (const name of ["Sam Group", "Others"]) {
			groups.push(
				await ok(
					await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: name }),
					201,
				),
			);
		}
	});

	async function search(body: Json): Promise<ListBody> {
		return ok<ListBody>(await scim(team.token, "POST", "/.search", { schemas: [SEARCH], ...body }));
	}

	it("searches Users then Groups with one filter, each resource saying its type", async () => {
		const body = await search({ filter: 'displayName sw "sam"' });
		expect(body.totalResults).toBe(3);
		expect(body.Resources.map((r) => [r.id, (r.meta as Json).resourceType])).toEqual([
			[users[0]?.id, "User"],
			[users[1]?.id, "User"],
			[groups[0]?.id, "Group"],
		]);
	});

	it("lists everything without a filter, paging over Users then Groups", async () => {
		const all = await search({});
		expect(all).toMatchObject({ totalResults: 5, itemsPerPage: 5 });
		const page = await search({ startIndex: 3, count: 2 });
		expect(page).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 3 });
		expect(ids(page)).toEqual([users[2]?.id, groups[0]?.id]);
		const counted = await search({ count: 0 });
		expect(counted).toMatchObject({ totalResults: 5, Resources: [] });
	});

	it("applies a filter that only one resource type has to that type", async () => {
		const body = await search({ filter: `userName eq "${users[2]?.userName}"` });
		expect(ids(body)).toEqual([users[2]?.id]);
	});

	it("sorts within each type by a sortBy only one type has", async () => {
		const body = await search({ sortBy: "userName", sortOrder: "descending" });
		expect(ids(body).slice(0, 3)).toEqual(
			[...users]
				.sort((a, b) => String(b.userName).localeCompare(String(a.userName)))
				.map((u) => u.id),
		);
		expect(ids(body).slice(3)).toEqual(groups.map((g) => g.id));
	});

	it("applies attributes to every resource", async () => {
		const body = await search({ filter: 'displayName sw "Sam"', attributes: ["displayName"] });
		expect(body.Resources.map((r) => Object.keys(r).sort())).toEqual([
			["displayName", "id", "schemas"],
			["displayName", "id", "schemas"],
			["displayName", "id", "schemas"],
		]);
	});

	it("answers a filter no resource type understands with 400 invalidFilter", async () => {
		const res = await scim(team.token, "POST", "/.search", {
			schemas: [SEARCH],
			filter: "nope eq 1",
		});
		expect(await ok(res, 400)).toMatchObject({ scimType: "invalidFilter" });
	});
});

describe("ETags (RFC 7644 §3.14)", () => {
	let team: TestTeam;
	beforeAll(async () => {
		team = await newScimTeam("ETags");
	});

	async function fresh(kind: "Users" | "Groups"): Promise<Json> {
		const suffix = crypto.randomUUID().slice(0, 8);
		return kind === "Users"
			? createUser(team.token, { userName: `etag.${suffix}@example.com` })
			: ok(
					await scim(team.token, "POST", "/Groups", {
						schemas: [GROUP],
						displayName: `ETag ${suffix}`,
					}),
					201,
				);
	}

	function replacement(kind: "Users" | "Groups", resource: Json): Json {
		return kind === "Users"
			? { schemas: [USER], userName: resource.userName, displayName: "Replaced" }
			: { schemas: [GROUP], displayName: `${resource.displayName} replaced` };
	}

	describe.each(["Users", "Groups"] as const)("%s", (kind) => {
		it("puts meta.version on the resource and the same ETag on the response", async () => {
			const created = await fresh(kind);
			expect((created.meta as Json).version).toBe('W/"1"');
			const res = await scim(team.token, "GET", `/${kind}/${created.id}`);
			expect(res.headers.get("ETag")).toBe('W/"1"');
			expect(((await res.json()) as Json).meta).toMatchObject({ version: 'W/"1"' });
		});

		it("answers If-None-Match with 304, no body and the ETag, weak or strong", async () => {
			const created = await fresh(kind);
			for (const tag of ['W/"1"', '"1"', '"7", W/"1"', "*"]) {
				const res = await scim(team.token, "GET", `/${kind}/${created.id}`, undefined, {
					"If-None-Match": tag,
				});
				expect(res.status, tag).toBe(304);
				expect(await res.text()).toBe("");
				expect(res.headers.get("ETag")).toBe('W/"1"');
			}
			const changed = await scim(team.token, "GET", `/${kind}/${created.id}`, undefined, {
				"If-None-Match": 'W/"2"',
			});
			expect(changed.status).toBe(200);
		});

		it("answers PUT with a stale If-Match with 412 and a SCIM error, and accepts the current one", async () => {
			const created = await fresh(kind);
			const stale = await scim(
				team.token,
				"PUT",
				`/${kind}/${created.id}`,
				replacement(kind, created),
				{
					"If-Match": 'W/"9"',
				},
			);
			expect(stale.headers.get("Content-Type")).toContain("application/scim+json");
			expect(await ok(stale, 412)).toMatchObject({ schemas: [ERROR], status: "412" });
			const strong = await scim(
				team.token,
				"PUT",
				`/${kind}/${created.id}`,
				replacement(kind, created),
				{
					"If-Match": '"1"',
				},
			);
			const body = await ok(strong);
			expect(strong.headers.get("ETag")).toBe('W/"2"');
			expect(body.meta).toMatchObject({ version: 'W/"2"' });
			const star = await scim(
				team.token,
				"PUT",
				`/${kind}/${created.id}`,
				replacement(kind, created),
				{
					"If-Match": "*",
				},
			);
			expect(star.status).toBe(200);
		});

		it("checks If-Match on PATCH and DELETE, and never requires it", async () => {
			const created = await fresh(kind);
			const operations =
				kind === "Users"
					? [{ op: "replace", path: "displayName", value: "Patched" }]
					: [{ op: "replace", path: "displayName", value: `${created.displayName} patched` }];
			const stale = await scim(
				team.token,
				"PATCH",
				`/${kind}/${created.id}`,
				{ schemas: [PATCH_OP], Operations: operations },
				{ "If-Match": 'W/"5"' },
			);
			expect(await ok(stale, 412)).toMatchObject({ status: "412" });
			const patched = await scim(
				team.token,
				"PATCH",
				`/${kind}/${created.id}`,
				{ schemas: [PATCH_OP], Operations: operations },
				{ "If-Match": 'W/"1"' },
			);
			expect([200, 204]).toContain(patched.status);
			expect(patched.headers.get("ETag")).toBe('W/"2"');
			const staleDelete = await scim(team.token, "DELETE", `/${kind}/${created.id}`, undefined, {
				"If-Match": 'W/"1"',
			});
			expect(await ok(staleDelete, 412)).toMatchObject({ status: "412" });
			const deleted = await scim(team.token, "DELETE", `/${kind}/${created.id}`, undefined, {
				"If-Match": 'W/"2"',
			});
			expect(deleted.status).toBe(204);
			const other = await fresh(kind);
			expect((await scim(team.token, "DELETE", `/${kind}/${other.id}`)).status).toBe(204);
		});
	});

	// Regression (outside-in probe): a User's `groups` and a Group's `members[].display` changed
	// without its version, so If-None-Match answered 304 to a client holding stale groups.
	async function versionOf(kind: "Users" | "Groups", id: unknown): Promise<string> {
		const res = await scim(team.token, "GET", `/${kind}/${id}`);
		const body = await ok(res);
		expect((body.meta as Json).version).toBe(res.headers.get("ETag"));
		return String(res.headers.get("ETag"));
	}

	async function notModified(kind: "Users" | "Groups", id: unknown, tag: string): Promise<boolean> {
		const res = await scim(team.token, "GET", `/${kind}/${id}`, undefined, {
			"If-None-Match": tag,
		});
		return res.status === 304;
	}

	function patchGroup(id: unknown, operations: Json[]): Promise<Response> {
		return scim(team.token, "PATCH", `/Groups/${id}`, {
			schemas: [PATCH_OP],
			Operations: operations,
		});
	}

	it("a User's ETag moves on when a group adds it, is renamed, drops it or is deleted", async () => {
		const user = await fresh("Users");
		const group = await fresh("Groups");
		const steps: [string, () => Promise<Response>][] = [
			[
				"added",
				() => patchGroup(group.id, [{ op: "add", path: "members", value: [{ value: user.id }] }]),
			],
			[
				"renamed",
				() =>
					patchGroup(group.id, [
						{ op: "replace", path: "displayName", value: `Renamed ${group.id}` },
					]),
			],
			[
				"dropped",
				() => patchGroup(group.id, [{ op: "remove", path: `members[value eq "${user.id}"]` }]),
			],
			[
				"re-added",
				() => patchGroup(group.id, [{ op: "add", path: "members", value: [{ value: user.id }] }]),
			],
			["deleted", () => scim(team.token, "DELETE", `/Groups/${group.id}`)],
		];
		for (const [step, write] of steps) {
			const before = await versionOf("Users", user.id);
			expect((await write()).status, step).toBeLessThan(300);
			expect(await notModified("Users", user.id, before), step).toBe(false);
		}
	});

	it("a User's ETag moves on when a group is created or replaced with it as a member", async () => {
		const user = await fresh("Users");
		const before = await versionOf("Users", user.id);
		const group = await ok(
			await scim(team.token, "POST", "/Groups", {
				schemas: [GROUP],
				displayName: `With member ${user.id}`,
				members: [{ value: user.id }],
			}),
			201,
		);
		expect(await notModified("Users", user.id, before)).toBe(false);
		const again = await versionOf("Users", user.id);
		const replaced = await scim(team.token, "PUT", `/Groups/${group.id}`, {
			schemas: [GROUP],
			displayName: group.displayName,
			members: [],
		});
		expect(replaced.status).toBe(200);
		expect(await notModified("Users", user.id, again)).toBe(false);
	});

	it("a Group's ETag moves on when a member's displayName changes", async () => {
		const user = await fresh("Users");
		const group = await fresh("Groups");
		await patchGroup(group.id, [{ op: "add", path: "members", value: [{ value: user.id }] }]);
		const before = await versionOf("Groups", group.id);
		const renamed = await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", path: "displayName", value: "New Display" }],
		});
		expect(renamed.status).toBe(200);
		expect(await notModified("Groups", group.id, before)).toBe(false);
		const members = (await ok(await scim(team.token, "GET", `/Groups/${group.id}`)))
			.members as Json[];
		expect(members).toMatchObject([{ value: user.id, display: "New Display" }]);
	});

	it("a write with the User's current ETag after a group change is accepted, a stale one refused", async () => {
		const user = await fresh("Users");
		const group = await fresh("Groups");
		const stale = await versionOf("Users", user.id);
		await patchGroup(group.id, [{ op: "add", path: "members", value: [{ value: user.id }] }]);
		const current = await versionOf("Users", user.id);
		const deactivate = (tag: string) =>
			scim(
				team.token,
				"PATCH",
				`/Users/${user.id}`,
				{ schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] },
				{ "If-Match": tag },
			);
		expect((await deactivate(stale)).status).toBe(412);
		const res = await deactivate(current);
		expect(res.status).toBe(200);
		expect(((await res.json()) as Json).groups).toMatchObject([{ value: group.id }]);
	});
});
