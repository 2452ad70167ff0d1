import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Filter } from "../../src/scim/filter/ast";
import { evaluateFilter } from "../../src/scim/filter/evaluate";
import { parseFilter } from "../../src/scim/filter/parse";
import { validateFilter } from "../../src/scim/filter/validate";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../../src/scim/schemas/resource-types";
import type { ResourceTypeDef } from "../../src/scim/schemas/types";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_USER } from "../../src/scim/schemas/urns";
import { newScimTeam, scim, type TestTeam } from "../helpers";

/**
 * The SQL compiler (src/db/filter-sql.ts) against the reference semantics (evaluateFilter): for
 * generated filters over a varied team, GET /Users?filter= must return exactly the users the
 * evaluator accepts on their GET resources. docs/architecture.md "Code style"; RFC 7644 §3.4.2.2.
 */

type Json = Record<string, unknown>;

const SEED = 20_260_511;
const RUNS = 300;

// Each run gets its own domain, so account emails never collide with other tests' accounts.
const DOMAIN = `f${crypto.randomUUID().slice(0, 6)}.example`;

function user(body: Json): Json {
	return { schemas: [SCHEMA_USER, SCHEMA_ENTERPRISE_USER], ...body };
}

/** ~30 users that differ in every way a filter can see. */
function seedUsers(): Json[] {
	const d = DOMAIN;
	return [
		user({
			userName: `Alice.Smith@${d}`,
			externalId: "00uALICE",
			name: { givenName: "Alice", familyName: "Smith", formatted: "Alice Smith" },
			displayName: "Alice Smith",
			title: "Engineer",
			emails: [
				{ value: `alice.smith@${d}`, type: "work", primary: true },
				{ value: `ALICE@home.${d}`, type: "home" },
			],
			phoneNumbers: [{ value: "+1 555 0100", type: "work" }],
			[SCHEMA_ENTERPRISE_USER]: {
				employeeNumber: "1001",
				department: "Engineering",
				manager: { value: "mgr-1" },
			},
		}),
		user({
			userName: `bob@${d}`,
			externalId: "00uBOB",
			name: { givenName: "Bob", familyName: "Jones" },
			displayName: "Bob Jones",
			active: false,
			emails: [{ value: `bob@${d}`, type: "work", primary: true }],
			[SCHEMA_ENTERPRISE_USER]: { employeeNumber: "1002", department: "Sales" },
		}),
		user({
			userName: `BOB.two@${d}`,
			externalId: "00ubob",
			name: { givenName: "bob", familyName: "JONES" },
			emails: [{ value: `Bob.Two@${d}`, type: "Work" }],
			title: "",
		}),
		user({
			userName: `under_score@${d}`,
			name: { givenName: "Under", familyName: "Score" },
			emails: [
				{ value: `under_score@${d}`, type: "work", primary: true },
				{ value: `underXscore@${d}`, type: "other" },
			],
			title: "50% off_sale",
		}),
		user({
			userName: `per%cent@${d}`,
			externalId: "ext%_4",
			emails: [{ value: `per%cent@${d}`, primary: true }],
			displayName: 'Quote "Q" Person',
			nickName: "percy",
		}),
		user({
			userName: `zoe@${d}`,
			name: { givenName: "Zoë", familyName: "Ærø" },
			displayName: "Zoë Ærø",
			emails: [{ value: `zoe@${d}`, type: "work", primary: true }],
			addresses: [
				{ locality: "Oslo", country: "NO", type: "work", primary: true },
				{ locality: "Bergen", country: "NO", type: "home" },
			],
			[SCHEMA_ENTERPRISE_USER]: { department: "engineering", manager: { value: "MGR-1" } },
		}),
		// userName, emails and group displayName fold all of Unicode (stored keys, src/scim/fold.ts).
		user({
			userName: `ZOË.Ünal@${d}`,
			displayName: "Zoe Unal",
			emails: [
				{ value: `ZOË@${d}`, type: "work", primary: true },
				{ value: `zoë.ünal@home.${d}`, type: "home" },
			],
		}),
		user({
			userName: `jose@${d}`,
			externalId: "José-6",
			name: { givenName: "José", familyName: "García" },
			emails: [
				{ value: `jose@${d}`, type: "work" },
				{ value: `jose.g@${d}`, type: "home", primary: true },
			],
			phoneNumbers: [
				{ value: "+34 600 000 000", type: "mobile", primary: true },
				{ value: "+34 900 000 000", type: "work" },
			],
			locale: "es-ES",
		}),
		user({
			userName: `no.emails@${d}`,
			name: { familyName: "Noemail" },
			active: false,
			userType: "Contractor",
		}),
		user({
			userName: `apostrophe.o'neil@${d}`,
			externalId: "O'Neil",
			displayName: "Pat O'Neil",
			emails: [{ value: `pat@${d}`, type: "work", primary: true, display: "Pat at work" }],
			[SCHEMA_ENTERPRISE_USER]: { employeeNumber: "", department: "Sales" },
		}),
		user({
			userName: `MIXED.Case@${d}`,
			externalId: "MiXeD",
			name: { givenName: "Mixed", familyName: "Case" },
			emails: [{ value: `Mixed.Case@${d}`, type: "WORK", primary: true }],
			title: "engineer",
			[SCHEMA_ENTERPRISE_USER]: { employeeNumber: "999", manager: { value: "mgr-2" } },
		}),
		...Array.from({ length: 20 }, (_, i) =>
			user({
				userName: `user${String(i).padStart(2, "0")}${i % 3 === 0 ? "_x" : ""}@${d}`,
				...(i % 4 === 0 ? {} : { externalId: `ext-${i % 5}-${i}` }),
				name: {
					...(i % 5 === 0 ? {} : { givenName: ["Ann", "ann", "Ben", "Cy", "Di"][i % 5] }),
					familyName: ["Lee", "Li", "Lee-Smith", "le", "Ng"][i % 5],
				},
				...(i % 3 === 1 ? { displayName: `Display ${i}` } : {}),
				...(i % 6 === 2 ? { title: i % 4 === 2 ? "Manager" : "manager" } : {}),
				active: i % 7 !== 3,
				emails:
					i % 5 === 4
						? []
						: [
								{
									value: `u${i}@${i % 2 === 0 ? d : `Sub.${d}`}`,
									...(i % 3 === 0 ? {} : { type: i % 2 === 0 ? "work" : "home" }),
									...(i % 4 === 1 ? {} : { primary: true }),
								},
								...(i % 3 === 2 ? [{ value: `alt${i}@x.${d}`, type: "other" }] : []),
							],
				...(i % 4 === 3 ? { phoneNumbers: [{ value: `+44 20 ${i}`, type: "work" }] } : {}),
				...(i % 5 === 1
					? { addresses: [{ locality: i % 2 === 0 ? "Paris" : "paris", country: "FR" }] }
					: {}),
				...(i % 3 === 0
					? {}
					: {
							[SCHEMA_ENTERPRISE_USER]: {
								employeeNumber: String(2000 + i),
								...(i % 2 === 0 ? { department: i % 4 === 0 ? "Sales" : "sales" } : {}),
								...(i % 5 === 2 ? { manager: { value: `mgr-${i % 3}` } } : {}),
							},
						}),
			}),
		),
	];
}

interface Seeded {
	team: TestTeam;
	users: Json[];
	groups: Json[];
}

let seeded: Seeded;

async function json(res: Response): Promise<Json> {
	const text = await res.text();
	if (!res.ok) {
		throw new Error(`${res.status}: ${text}`);
	}
	return JSON.parse(text) as Json;
}

beforeAll(async () => {
	const team = await newScimTeam("Filters");
	const ids: string[] = [];
	for (const body of seedUsers()) {
		const created = await json(await scim(team.token, "POST", "/Users", body));
		ids.push(created.id as string);
	}
	const groupBodies = [
		{ displayName: "Engineering", externalId: "grp-ENG", members: ids.slice(0, 6) },
		{ displayName: "engineering-leads", members: ids.slice(0, 2) },
		{ displayName: "Sales_Team 100%", externalId: "grp-sales", members: ids.slice(5, 15) },
		{ displayName: "Empty" },
		{ displayName: "ÉQUIPE Ünité", members: ids.slice(0, 1) },
	];
	const groupIds: string[] = [];
	for (const g of groupBodies) {
		const created = await json(
			await scim(team.token, "POST", "/Groups", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				displayName: g.displayName,
				...(g.externalId ? { externalId: g.externalId } : {}),
				members: (g.members ?? []).map((value) => ({ value })),
			}),
		);
		groupIds.push(created.id as string);
	}
	// The full resources, as a client sees them, are what the evaluator judges.
	const users = await Promise.all(
		ids.map(async (id) => json(await scim(team.token, "GET", `/Users/${id}`))),
	);
	const groups = await Promise.all(
		groupIds.map(async (id) => json(await scim(team.token, "GET", `/Groups/${id}`))),
	);
	seeded = { team, users, groups };
});

/** What a GET/POST .search returns for a filter: the sorted ids, or the error status. */
async function serverIds(
	endpoint: "/Users" | "/Groups",
	text: string,
	via: "get" | "search",
): Promise<string[] | number> {
	const res =
		via === "get"
			? await scim(
					seeded.team.token,
					"GET",
					`${endpoint}?count=200&filter=${encodeURIComponent(text)}`,
				)
			: await scim(seeded.team.token, "POST", `${endpoint}/.search`, {
					schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
					filter: text,
					count: 200,
				});
	if (res.status !== 200) {
		return res.status;
	}
	const body = (await res.json()) as { totalResults: number; Resources: Json[] };
	const ids = body.Resources.map((r) => r.id as string).sort();
	expect(body.totalResults).toBe(ids.length);
	return ids;
}

/** The ids the evaluator accepts, or 400 when the filter does not parse or validate. */
function referenceIds(text: string, resources: Json[], type: ResourceTypeDef): string[] | number {
	let filter: Filter;
	try {
		filter = validateFilter(parseFilter(text), type);
	} catch {
		return 400;
	}
	return resources
		.filter((r) => evaluateFilter(filter, r, type))
		.map((r) => r.id as string)
		.sort();
}

// ---- the filter grammar -------------------------------------------------------------------

/**
 * Flips the case of some letters: ASCII only for attributes compared through SQLite's lower()
 * (which folds ASCII only); any letter with a one-character case partner for those with a stored
 * case-fold key (userName, emails, group displayName), which fold all of Unicode.
 */
function caseVariant(text: string, flips: number[], unicode = false): string {
	return [...text]
		.map((ch, i) => {
			if (!flips.includes(i % 7) || !(unicode ? /\p{L}/u : /[a-z]/i).test(ch)) {
				return ch;
			}
			const flipped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
			return [...flipped].length === 1 ? flipped : ch;
		})
		.join("");
}

const caseFlips = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 });

/** Random strings over characters that matter: SQL wildcards, quotes, escapes, @ . and accents. */
const randomText = fc
	.array(fc.constantFrom(..."aAbBeE@._%-\"\\' 0123é"), { maxLength: 6 })
	.map((chars) => chars.join(""));

/** Every string found anywhere in the seeded resources under a key. */
function stringsUnder(resources: Json[], key: string): string[] {
	const found = new Set<string>();
	const visit = (value: unknown, under: string | undefined) => {
		if (Array.isArray(value)) {
			for (const item of value) {
				visit(item, under);
			}
		} else if (typeof value === "object" && value !== null) {
			for (const [k, v] of Object.entries(value)) {
				visit(v, k);
			}
		} else if (typeof value === "string" && under?.toLowerCase() === key.toLowerCase()) {
			found.add(value);
		}
	};
	visit(resources, undefined);
	return [...found];
}

/** A comparison value for an attribute: seeded, a piece of a seeded one, or random. */
function stringValue(samples: string[], unicode = false): fc.Arbitrary<string> {
	const seededValue = samples.length === 0 ? fc.constant("") : fc.constantFrom(...samples);
	return fc.oneof(
		{ weight: 4, arbitrary: seededValue },
		{
			weight: 3,
			arbitrary: fc
				.tuple(seededValue, fc.nat(), fc.nat(), caseFlips)
				.map(([s, a, b, flips]) =>
					caseVariant(
						s.slice(Math.min(a, b) % (s.length + 1), (Math.max(a, b) % (s.length + 1)) + 1),
						flips,
						unicode,
					),
				),
		},
		{
			weight: 2,
			arbitrary: fc.tuple(seededValue, caseFlips).map(([s, f]) => caseVariant(s, f, unicode)),
		},
		{ weight: 2, arbitrary: randomText },
	);
}

interface AttrSpec {
	/** Spellings a client may use for the attribute. */
	names: string[];
	type: "string" | "boolean" | "dateTime";
	/** The JSON key whose seeded values make good comparison values. */
	samplesKey?: string;
	/** A multi-valued complex parent that a value filter can name. */
	parent?: string;
	sub?: string;
	/** Compared through a stored case-fold key, so non-ASCII case variants must match too. */
	unicodeFold?: boolean;
}

const USER_ATTRS: AttrSpec[] = [
	{
		names: ["userName", "USERNAME", `${SCHEMA_USER}:userName`],
		type: "string",
		samplesKey: "userName",
		unicodeFold: true,
	},
	{ names: ["externalId", "externalid"], type: "string", samplesKey: "externalId" },
	{ names: ["id"], type: "string", samplesKey: "id" },
	{ names: ["displayName"], type: "string", samplesKey: "displayName" },
	{ names: ["title", `${SCHEMA_USER}:title`], type: "string", samplesKey: "title" },
	{ names: ["nickName", "userType", "locale"], type: "string", samplesKey: "nickName" },
	{ names: ["name.givenName", "NAME.GIVENNAME"], type: "string", samplesKey: "givenName" },
	{
		names: ["name.familyName", `${SCHEMA_USER}:name.familyName`],
		type: "string",
		samplesKey: "familyName",
	},
	{ names: ["name.formatted"], type: "string", samplesKey: "formatted" },
	{
		names: ["emails", "emails.value", "EMAILS.VALUE"],
		type: "string",
		samplesKey: "value",
		parent: "emails",
		sub: "value",
		unicodeFold: true,
	},
	{ names: ["emails.type"], type: "string", samplesKey: "type", parent: "emails", sub: "type" },
	{
		names: ["emails.display"],
		type: "string",
		samplesKey: "display",
		parent: "emails",
		sub: "display",
	},
	{
		names: ["phoneNumbers.value"],
		type: "string",
		samplesKey: "value",
		parent: "phoneNumbers",
		sub: "value",
	},
	{
		names: ["phoneNumbers.type"],
		type: "string",
		samplesKey: "type",
		parent: "phoneNumbers",
		sub: "type",
	},
	{
		names: ["addresses.locality"],
		type: "string",
		samplesKey: "locality",
		parent: "addresses",
		sub: "locality",
	},
	{
		names: ["addresses.country"],
		type: "string",
		samplesKey: "country",
		parent: "addresses",
		sub: "country",
	},
	{
		names: ["groups.display"],
		type: "string",
		samplesKey: "display",
		parent: "groups",
		sub: "display",
		unicodeFold: true,
	},
	{
		names: ["groups.value", "groups"],
		type: "string",
		samplesKey: "id",
		parent: "groups",
		sub: "value",
	},
	{
		names: [`${SCHEMA_ENTERPRISE_USER}:employeeNumber`, "employeeNumber"],
		type: "string",
		samplesKey: "employeeNumber",
	},
	{
		names: [
			`${SCHEMA_ENTERPRISE_USER}:department`,
			`${SCHEMA_ENTERPRISE_USER.toLowerCase()}:Department`,
		],
		type: "string",
		samplesKey: "department",
	},
	{ names: [`${SCHEMA_ENTERPRISE_USER}:manager.value`], type: "string", samplesKey: "value" },
	{ names: ["meta.resourceType", "meta.version"], type: "string", samplesKey: "version" },
	{ names: ["active"], type: "boolean" },
	{ names: ["emails.primary"], type: "boolean", parent: "emails", sub: "primary" },
	{ names: ["addresses.primary", "phoneNumbers.primary"], type: "boolean" },
	{ names: ["meta.created", "meta.lastModified"], type: "dateTime", samplesKey: "created" },
];

const GROUP_ATTRS: AttrSpec[] = [
	{
		names: ["displayName", "DISPLAYNAME"],
		type: "string",
		samplesKey: "displayName",
		unicodeFold: true,
	},
	{ names: ["externalId"], type: "string", samplesKey: "externalId" },
	{ names: ["id"], type: "string", samplesKey: "id" },
	{
		names: ["members", "members.value"],
		type: "string",
		samplesKey: "value",
		parent: "members",
		sub: "value",
	},
	{
		names: ["members.display"],
		type: "string",
		samplesKey: "display",
		parent: "members",
		sub: "display",
	},
	{ names: ["members.type"], type: "string", samplesKey: "type", parent: "members", sub: "type" },
	{ names: ["meta.created"], type: "dateTime", samplesKey: "created" },
];

const STRING_OPS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const;

function opSpelling(op: string): fc.Arbitrary<string> {
	return fc.constantFrom(op, op.toUpperCase());
}

function dateValues(samples: string[]): fc.Arbitrary<string> {
	return fc.oneof(
		fc.constantFrom(...samples),
		fc
			.tuple(fc.constantFrom(...samples), fc.integer({ min: -5000, max: 5000 }))
			.map(([s, delta]) => new Date(Date.parse(s) + delta).toISOString().replace(".000Z", "Z")),
		fc.constantFrom("2000-01-01T00:00:00Z", "2100-01-01T00:00:00+02:00"),
	);
}

/** One comparison or presence test on an attribute, as filter text. */
function leaf(spec: AttrSpec, resources: Json[], name?: string): fc.Arbitrary<string> {
	const names = name === undefined ? fc.constantFrom(...spec.names) : fc.constant(name);
	const samples = stringsUnder(resources, spec.samplesKey ?? "");
	const present = names.map((n) => `${n} pr`);
	if (spec.type === "boolean") {
		return fc.oneof(
			present,
			fc
				.tuple(names, fc.constantFrom("eq", "ne", "EQ"), fc.constantFrom("true", "false", "True"))
				.map(([n, op, v]) => `${n} ${op} ${v}`),
		);
	}
	if (spec.type === "dateTime") {
		return fc.oneof(
			present,
			fc
				.tuple(names, fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le"), dateValues(samples))
				.map(([n, op, v]) => `${n} ${op} ${JSON.stringify(v)}`),
		);
	}
	return fc.oneof(
		{ weight: 1, arbitrary: present },
		{
			weight: 1,
			arbitrary: fc.tuple(names, fc.constantFrom("eq", "ne")).map(([n, op]) => `${n} ${op} null`),
		},
		{
			weight: 8,
			arbitrary: fc
				.tuple(
					names,
					fc.constantFrom(...STRING_OPS).chain(opSpelling),
					stringValue(samples, spec.unicodeFold),
				)
				.map(([n, op, v]) => `${n} ${op} ${JSON.stringify(v)}`),
		},
	);
}

/** `emails[type eq "work" and value co "@x"]`: a filter over one multi-valued attribute's values. */
function valuePathFilter(specs: AttrSpec[], resources: Json[]): fc.Arbitrary<string> {
	const parents = [...new Set(specs.flatMap((s) => (s.parent ? [s.parent] : [])))];
	return fc.constantFrom(...parents).chain((parent) => {
		const subs = specs.filter((s) => s.parent === parent && s.sub !== undefined);
		const inner: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
			f: fc.oneof(
				{ depthSize: "small", withCrossShrink: true },
				fc.constantFrom(...subs).chain((s) => leaf(s, resources, s.sub)),
				fc
					.tuple(tie("f"), fc.constantFrom("and", "or"), tie("f"))
					.map(([a, op, b]) => `${a} ${op} ${b}`),
				tie("f").map((f) => `not (${f})`),
			),
		})).f;
		return inner.map((f) => `${parent}[${f}]`);
	});
}

function filterText(specs: AttrSpec[], resources: Json[]): fc.Arbitrary<string> {
	const leaves = fc.oneof(
		{ weight: 6, arbitrary: fc.constantFrom(...specs).chain((s) => leaf(s, resources)) },
		{ weight: 2, arbitrary: valuePathFilter(specs, resources) },
	);
	return fc.letrec<{ f: string }>((tie) => ({
		f: fc.oneof(
			{ depthSize: "small", withCrossShrink: true },
			leaves,
			fc
				.tuple(tie("f"), fc.constantFrom("and", "or", "AND", "Or"), tie("f"))
				.map(([a, op, b]) => `(${a}) ${op} (${b})`),
			fc
				.tuple(tie("f"), fc.constantFrom("and", "or"), tie("f"))
				.map(([a, op, b]) => `${a} ${op} ${b}`),
			tie("f").map((f) => `not (${f})`),
		),
	})).f;
}

async function checkAgainstEvaluator(
	endpoint: "/Users" | "/Groups",
	specs: AttrSpec[],
	resources: () => Json[],
	type: ResourceTypeDef,
	runs: number,
): Promise<void> {
	console.log(`filter-sql property test for ${endpoint}: seed ${SEED}, ${runs} runs`);
	const outcomes: number[] = [];
	await fc.assert(
		fc.asyncProperty(
			fc.constant(null).chain(() => filterText(specs, resources())),
			fc.constantFrom<"get" | "search">("get", "search"),
			async (text, via) => {
				const expected = referenceIds(text, resources(), type);
				const actual = await serverIds(endpoint, text, via);
				outcomes.push(typeof expected === "number" ? -1 : expected.length);
				expect({ filter: text, ids: actual }).toEqual({ filter: text, ids: expected });
			},
		),
		{ seed: SEED, numRuns: runs, endOnFailure: true },
	);
	// Guards the generator itself: most filters must select some but not all resources.
	const some = outcomes.filter((n) => n > 0 && n < resources().length).length;
	expect(some).toBeGreaterThan(runs / 3);
}

describe("GET /Users?filter= (SQL) agrees with evaluateFilter", () => {
	it("on generated filters over a varied team", async () => {
		await checkAgainstEvaluator("/Users", USER_ATTRS, () => seeded.users, USER_RESOURCE_TYPE, RUNS);
	}, 120_000);
});

describe("GET /Groups?filter= (SQL) agrees with evaluateFilter", () => {
	it("on generated filters over the team's groups", async () => {
		await checkAgainstEvaluator(
			"/Groups",
			GROUP_ATTRS,
			() => seeded.groups,
			GROUP_RESOURCE_TYPE,
			150,
		);
	}, 120_000);
});

describe("filter operators × caseExact (GET /Users?filter=)", () => {
	// One case per operator and attribute, as elimity's op_string_test.go: userName and
	// emails.value are caseExact false, externalId and id caseExact true (RFC 7643 §4.1, §3.1).
	const d = `t${crypto.randomUUID().slice(0, 6)}.example`;
	const D = d.toUpperCase();
	let ids: Record<"A" | "B" | "C", string>;
	let token: string;

	beforeAll(async () => {
		const team = await newScimTeam("Operators");
		token = team.token;
		const bodies = {
			A: {
				userName: `Case.Mix@${d}`,
				externalId: "ExtMix-01",
				emails: [{ value: `Mix.Mail@${d}`, type: "work", primary: true }],
			},
			B: {
				userName: `other@${d}`,
				externalId: "extmix-01",
				emails: [{ value: `other@${d}`, type: "home" }],
			},
			C: { userName: `50%_off@${d}`, emails: [{ value: `c@${d}` }] },
		};
		const entries = await Promise.all(
			Object.entries(bodies).map(async ([key, body]) => {
				const created = await json(await scim(token, "POST", "/Users", user(body)));
				return [key, created.id as string] as const;
			}),
		);
		ids = Object.fromEntries(entries) as Record<"A" | "B" | "C", string>;
	});

	async function names(filter: string): Promise<string> {
		const res = await scim(token, "GET", `/Users?filter=${encodeURIComponent(filter)}`);
		expect(res.status, await res.clone().text()).toBe(200);
		const body = (await res.json()) as { Resources: Json[] };
		const found = new Set(body.Resources.map((r) => r.id));
		return (["A", "B", "C"] as const).filter((k) => found.has(ids[k])).join("");
	}

	it.each<[string, () => string, string]>([
		["userName eq (other case)", () => `userName eq "CASE.MIX@${D}"`, "A"],
		["userName ne (other case)", () => `userName ne "case.mix@${d}"`, "BC"],
		["userName co", () => `userName co "SE.MI"`, "A"],
		["userName sw", () => `userName sw "cAsE"`, "A"],
		["userName ew", () => `userName ew "@${D}"`, "ABC"],
		["userName gt", () => `userName gt "D"`, "B"],
		["userName ge", () => `userName ge "CASE.MIX@${D}"`, "AB"],
		["userName lt", () => `userName lt "D"`, "AC"],
		["userName le", () => `userName le "CASE.MIX@${D}"`, "AC"],
		["userName pr", () => "userName pr", "ABC"],
		["userName co % is literal", () => `userName co "%_"`, "C"],
		["userName co _ is literal", () => `userName co "_"`, "C"],
		["userName sw % is literal", () => `userName sw "%"`, ""],
		["externalId eq (same case)", () => `externalId eq "ExtMix-01"`, "A"],
		["externalId eq (other case)", () => `externalId eq "EXTMIX-01"`, ""],
		["externalId ne (missing counts)", () => `externalId ne "extmix-01"`, "AC"],
		["externalId co", () => `externalId co "Mix"`, "A"],
		["externalId sw", () => `externalId sw "ext"`, "B"],
		["externalId ew", () => `externalId ew "-01"`, "AB"],
		["externalId gt", () => `externalId gt "F"`, "B"],
		["externalId ge", () => `externalId ge "ExtMix-01"`, "AB"],
		["externalId lt", () => `externalId lt "a"`, "A"],
		["externalId le", () => `externalId le "extmix-01"`, "AB"],
		["externalId pr", () => "externalId pr", "AB"],
		["emails.value eq (other case)", () => `emails.value eq "MIX.MAIL@${d}"`, "A"],
		["emails eq (other case)", () => `emails eq "mix.mail@${D}"`, "A"],
		["emails.value ne", () => `emails.value ne "mix.mail@${d}"`, "BC"],
		["emails.value co", () => `emails.value co "X.MA"`, "A"],
		["emails.value sw", () => `emails.value sw "OTHER"`, "B"],
		["emails.value ew", () => `emails.value ew "@${D}"`, "ABC"],
		["emails.value gt", () => `emails.value gt "n"`, "B"],
		["emails.value ge", () => `emails.value ge "MIX.MAIL@"`, "AB"],
		["emails.value lt", () => `emails.value lt "N"`, "AC"],
		["emails.value le", () => `emails.value le "MIX.MAIL@${d}"`, "AC"],
		["emails.value pr", () => "emails.value pr", "ABC"],
		["emails[type eq] is case-insensitive", () => `emails[type eq "WORK" and value co "mix"]`, "A"],
		["id eq", () => `id eq "${ids.A}"`, "A"],
		["id eq (other case)", () => `id eq "${ids.A.toUpperCase()}"`, ""],
		["id ne", () => `id ne "${ids.A}"`, "BC"],
		["id co", () => `id co "${ids.B.slice(3, 12)}"`, "B"],
		["id sw", () => `id sw "${ids.C.slice(0, 12)}"`, "C"],
		["id ew", () => `id ew "${ids.A.slice(-12)}"`, "A"],
		["id pr", () => "id pr", "ABC"],
	])("%s", async (_name, filter, expected) => {
		expect(await names(filter())).toBe(expected);
	});

	it.each(["gt", "ge", "lt", "le"])("id %s compares case-sensitively, as strings", async (op) => {
		const pivot = ids.B;
		const holds = (id: string) =>
			op === "gt" ? id > pivot : op === "ge" ? id >= pivot : op === "lt" ? id < pivot : id <= pivot;
		const expected = (["A", "B", "C"] as const).filter((k) => holds(ids[k])).join("");
		expect(await names(`id ${op} "${pivot}"`)).toBe(expected);
	});
});
