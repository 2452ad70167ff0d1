import { beforeAll, describe, expect, it } from "vitest";
import { newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

/**
 * A Groups list reads the total, the page and the page's members in one D1 batch, the members
 * through the page's ids as a subquery (src/db/groups.ts groupListQueries). These prove each group
 * of a page carries exactly its own members whatever picks the page: startIndex, count, a filter
 * (including one on members), sortBy, and the root search that pages past the Users first; and
 * that excludedAttributes=members leaves them out. test/integration/list.test.ts covers
 * excludedAttributes=members on a one-group list; test/integration/user-groups.test.ts the
 * reverse direction (a User's groups).
 */

type Json = Record<string, unknown>;
type Member = { value: string; display: string };
type ListBody = {
	totalResults: number;
	startIndex: number;
	itemsPerPage: number;
	Resources: Json[];
};

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

async function json<T = Json>(res: Response, status = 200): Promise<T> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	return JSON.parse(text) as T;
}

const byValue = (a: Member, b: Member) => a.value.localeCompare(b.value);

/** The members a resource shows, in a stable order (the list orders them by when they joined). */
function membersOf(resource: Json): Member[] {
	return ((resource.members as Member[] | undefined) ?? [])
		.map(({ value, display }) => ({ value, display }))
		.sort(byValue);
}

describe("Groups list pages carry their own groups' members", () => {
	let team: TestTeam;
	/** Group id → the members it was given, sorted by value. */
	const expected = new Map<string, Member[]>();
	/** Group id → displayName. */
	const names = new Map<string, string>();
	/** Every group id in the list's default order. */
	let order: string[];
	let users: Member[];
	const d = `g${crypto.randomUUID().slice(0, 6)}`;

	beforeAll(async () => {
		team = await newScimTeam("Group pages");
		users = [];
		for (const given of ["Ada", "Grace", "Edsger", "Barbara", "Alan"]) {
			const body = oktaUser(uniqueEmail(given.toLowerCase()), given, "Test");
			const user = await json(await scim(team.token, "POST", "/Users", body), 201);
			users.push({ value: user.id as string, display: `${given} Test` });
		}
		const [ada, grace, edsger, barbara, alan] = users as [Member, Member, Member, Member, Member];
		const groups: [string, Member[]][] = [
			[`Team ${d} one`, [ada, grace]],
			[`Team ${d} two`, [edsger]],
			[`Other ${d} three`, [ada, barbara, alan]],
			[`Team ${d} four`, [grace, barbara]],
			[`Other ${d} five`, [alan]],
			// Last, so that the pages below end on groups that have members to lose.
			[`Team ${d} six`, []],
		];
		for (const [displayName, members] of groups) {
			const group = await json(
				await scim(team.token, "POST", "/Groups", {
					schemas: [GROUP],
					displayName,
					members: members.map(({ value }) => ({ value })),
				}),
				201,
			);
			expected.set(group.id as string, [...members].sort(byValue));
			names.set(group.id as string, displayName);
		}
		// Another team's groups and members must never show up in this team's pages.
		const other = await newScimTeam("Group pages other");
		const stranger = await json(
			await scim(other.token, "POST", "/Users", oktaUser(uniqueEmail("stranger"))),
			201,
		);
		await json(
			await scim(other.token, "POST", "/Groups", {
				schemas: [GROUP],
				displayName: `Team ${d} stranger`,
				members: [{ value: stranger.id }],
			}),
			201,
		);
		const all = await json<ListBody>(
			await scim(team.token, "GET", "/Groups?count=100&excludedAttributes=members"),
		);
		order = all.Resources.map((r) => r.id as string);
		expect([...order].sort()).toEqual([...expected.keys()].sort());
	});

	/** Each resource of a page has exactly the members its group was given. */
	function expectOwnMembers(page: ListBody) {
		for (const resource of page.Resources) {
			const id = resource.id as string;
			expect(membersOf(resource), names.get(id)).toEqual(expected.get(id));
		}
	}

	it("on every page of count=2, each group has exactly its own members", async () => {
		const seen: string[] = [];
		for (const startIndex of [1, 3, 5]) {
			const page = await json<ListBody>(
				await scim(team.token, "GET", `/Groups?startIndex=${startIndex}&count=2`),
			);
			expect(page).toMatchObject({ totalResults: 6, startIndex, itemsPerPage: 2 });
			expectOwnMembers(page);
			seen.push(...page.Resources.map((r) => r.id as string));
		}
		expect(seen).toEqual(order);
	});

	it("a group with no members shows none on a page", async () => {
		const empty = [...expected].find(([, members]) => members.length === 0)?.[0];
		const index = order.indexOf(empty ?? "") + 1;
		const page = await json<ListBody>(
			await scim(team.token, "GET", `/Groups?startIndex=${index}&count=1`),
		);
		expect(page.Resources.map((r) => r.id)).toEqual([empty]);
		expect(membersOf(page.Resources[0] ?? {})).toEqual([]);
	});

	it("a filtered page after the first has its own groups and their members", async () => {
		const filter = encodeURIComponent(`displayName sw "Team ${d}"`);
		const teamGroups = order.filter((id) => names.get(id)?.startsWith(`Team ${d}`));
		const page = await json<ListBody>(
			await scim(team.token, "GET", `/Groups?filter=${filter}&startIndex=2&count=2`),
		);
		expect(page).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
		expect(page.Resources.map((r) => r.id)).toEqual(teamGroups.slice(1, 3));
		expectOwnMembers(page);
	});

	it("a filter on members.value shows every member of the matched groups, not only the one it names", async () => {
		const ada = users[0] as Member;
		const withAda = order.filter((id) => expected.get(id)?.some((m) => m.value === ada.value));
		expect(withAda).toHaveLength(2);
		const filter = encodeURIComponent(`members.value eq "${ada.value}"`);
		const page = await json<ListBody>(
			await scim(team.token, "GET", `/Groups?filter=${filter}&startIndex=2&count=1`),
		);
		expect(page).toMatchObject({ totalResults: 2, startIndex: 2 });
		expect(page.Resources.map((r) => r.id)).toEqual(withAda.slice(1));
		expectOwnMembers(page);
		expect(membersOf(page.Resources[0] ?? {})).toHaveLength(3);
	});

	it("a page sorted by displayName descending has its own groups' members", async () => {
		const sorted = [...order].sort((a, b) =>
			(names.get(b) ?? "").localeCompare(names.get(a) ?? ""),
		);
		const page = await json<ListBody>(
			await scim(
				team.token,
				"GET",
				"/Groups?sortBy=displayName&sortOrder=descending&startIndex=3&count=3",
			),
		);
		expect(page.Resources.map((r) => r.id)).toEqual(sorted.slice(2, 5));
		expectOwnMembers(page);
	});

	it("POST /Groups/.search with a filter and startIndex > 1 has its own groups' members", async () => {
		const others = order.filter((id) => names.get(id)?.startsWith(`Other ${d}`));
		const page = await json<ListBody>(
			await scim(team.token, "POST", "/Groups/.search", {
				schemas: [SEARCH],
				filter: `displayName sw "Other ${d}"`,
				startIndex: 2,
				count: 1,
			}),
		);
		expect(page).toMatchObject({ totalResults: 2, startIndex: 2 });
		expect(page.Resources.map((r) => r.id)).toEqual(others.slice(1));
		expectOwnMembers(page);
	});

	it("a root POST /.search page that starts past the Users has the right groups and members", async () => {
		// Five Users come first; startIndex 7 is the second group.
		const page = await json<ListBody>(
			await scim(team.token, "POST", "/.search", { schemas: [SEARCH], startIndex: 7, count: 3 }),
		);
		expect(page).toMatchObject({ totalResults: 11, startIndex: 7 });
		expect(page.Resources.map((r) => r.id)).toEqual(order.slice(1, 4));
		expectOwnMembers(page);
	});

	it("excludedAttributes=members leaves members out of every group of a filtered later page", async () => {
		const filter = encodeURIComponent(`displayName sw "Team ${d}"`);
		const page = await json<ListBody>(
			await scim(
				team.token,
				"GET",
				`/Groups?filter=${filter}&startIndex=2&count=3&excludedAttributes=members`,
			),
		);
		expect(page).toMatchObject({ totalResults: 4, itemsPerPage: 3 });
		for (const resource of page.Resources) {
			expect(resource).not.toHaveProperty("members");
			expect(resource.displayName).toBe(names.get(resource.id as string));
		}
	});

	it("count=0 answers the total with no groups", async () => {
		const page = await json<ListBody>(await scim(team.token, "GET", "/Groups?count=0"));
		expect(page).toMatchObject({ totalResults: 6, Resources: [] });
	});

	it("members removed from a group are gone from the next page read", async () => {
		const [first] = order;
		const removed = expected.get(first ?? "")?.[0] as Member;
		const patched = await scim(team.token, "PATCH", `/Groups/${first}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "remove", path: `members[value eq "${removed.value}"]` }],
		});
		expect([200, 204], await patched.text()).toContain(patched.status);
		const page = await json<ListBody>(
			await scim(team.token, "GET", "/Groups?startIndex=1&count=1"),
		);
		expect(page.Resources.map((r) => r.id)).toEqual([first]);
		expect(membersOf(page.Resources[0] ?? {})).toEqual(
			(expected.get(first ?? "") ?? []).filter((m) => m.value !== removed.value),
		);
	});
});

describe("Groups pages whose filter nests as deep as the parser allows", () => {
	/** `not (` 32 times around a members comparison: the deepest filter the parser accepts. */
	const deep = (leaf: string) => {
		let filter = leaf;
		for (let i = 0; i < 32; i++) {
			filter = `not (${filter})`;
		}
		return filter;
	};

	it.each([
		["GET /Groups", "GET", (f: string) => `/Groups?filter=${encodeURIComponent(f)}`, undefined],
		[
			"POST /Groups/.search",
			"POST",
			() => "/Groups/.search",
			(f: string) => ({ schemas: [SEARCH], filter: f }),
		],
		["POST /.search", "POST", () => "/.search", (f: string) => ({ schemas: [SEARCH], filter: f })],
	] as const)(
		"%s answers 200 with each group's members, not a 500",
		async (_name, method, path, body) => {
			const team = await newScimTeam("Deep filter");
			const user = await json(
				await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("deep"))),
				201,
			);
			const group = await json(
				await scim(team.token, "POST", "/Groups", {
					schemas: [GROUP],
					displayName: "Deep",
					members: [{ value: user.id }],
				}),
				201,
			);
			// An even number of `not`s: the filter means its leaf, which matches the group.
			const filter = deep(`members ew "${(user.id as string).slice(-6)}"`);
			const page = await json<ListBody>(
				await scim(team.token, method, path(filter), body?.(filter)),
			);
			const groups = page.Resources.filter((r) => r.id === group.id);
			expect(groups).toHaveLength(1);
			expect(membersOf(groups[0] ?? {}).map((m) => m.value)).toEqual([user.id]);
		},
	);
});
