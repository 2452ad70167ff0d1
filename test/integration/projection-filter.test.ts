// Issue 10: `attributes`/`excludedAttributes` entries with a value filter are honoured (only the
// matching values are returned) or refused with 400 invalidFilter; never silently dropped
// (RFC 7644 §3.4.2.5, §3.9, §3.10).
import { describe, expect, it } from "vitest";
import { newScimTeam, oktaUser, scim, type TestTeam, uniqueEmail } from "../helpers";

type Json = Record<string, unknown>;

const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

async function json(res: Response, status: number): Promise<Json> {
	expect(res.status, await res.clone().text()).toBe(status);
	return (await res.json()) as Json;
}

async function twoEmailUser(team: TestTeam): Promise<{ user: Json; work: string; home: string }> {
	const work = uniqueEmail("work");
	const home = uniqueEmail("home");
	const user = await json(
		await scim(team.token, "POST", "/Users", {
			...oktaUser(work),
			emails: [
				{ value: work, type: "work", primary: true },
				{ value: home, type: "home" },
			],
		}),
		201,
	);
	return { user, work, home };
}

const q = (value: string) => encodeURIComponent(value);

describe("attributes and excludedAttributes with a value filter", () => {
	it('GET /Users/:id?attributes=emails[type eq "work"] returns only the work email', async () => {
		const team = await newScimTeam();
		const { user, work } = await twoEmailUser(team);
		const got = await json(
			await scim(team.token, "GET", `/Users/${user.id}?attributes=${q('emails[type eq "work"]')}`),
			200,
		);
		expect(got).toEqual({
			schemas: expect.any(Array),
			id: user.id,
			emails: [{ value: work, type: "work", primary: true }],
		});
	});

	it('GET /Users?attributes=emails[type eq "work"].value,userName narrows every resource', async () => {
		const team = await newScimTeam();
		const { user, work } = await twoEmailUser(team);
		const list = await json(
			await scim(
				team.token,
				"GET",
				`/Users?attributes=${q('emails[type eq "work"].value,userName')}`,
			),
			200,
		);
		expect(list.Resources).toEqual([
			{
				schemas: expect.any(Array),
				id: user.id,
				userName: user.userName,
				emails: [{ value: work }],
			},
		]);
	});

	it('POST /Users/.search with excludedAttributes=["emails[type eq \\"home\\"]"] drops the home email', async () => {
		const team = await newScimTeam();
		const { user, work } = await twoEmailUser(team);
		const list = await json(
			await scim(team.token, "POST", "/Users/.search", {
				schemas: [SEARCH],
				excludedAttributes: ['emails[type eq "home"]'],
			}),
			200,
		);
		const [only] = list.Resources as Json[];
		expect(only).toMatchObject({ id: user.id, userName: user.userName });
		expect(only?.emails).toEqual([{ value: work, type: "work", primary: true }]);
	});

	it("refuses a malformed value filter with 400 invalidFilter, before writing anything", async () => {
		const team = await newScimTeam();
		const bad = q('emails[type eq "work"');
		const email = uniqueEmail("bad-projection");
		const created = await json(
			await scim(team.token, "POST", `/Users?attributes=${bad}`, oktaUser(email)),
			400,
		);
		expect(created).toMatchObject({ status: "400", scimType: "invalidFilter" });
		const found = await json(
			await scim(team.token, "GET", `/Users?filter=${q(`userName eq "${email}"`)}`),
			200,
		);
		expect(found.totalResults).toBe(0);
		for (const path of [`/Users?attributes=${bad}`, `/Users?excludedAttributes=${bad}`]) {
			await json(await scim(team.token, "GET", path), 400);
		}
		const notComplex = await json(
			await scim(team.token, "GET", `/Users?attributes=${q('userName[value eq "x"]')}`),
			400,
		);
		expect(notComplex).toMatchObject({ scimType: "invalidFilter" });
	});
});
