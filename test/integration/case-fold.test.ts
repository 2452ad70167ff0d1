import { describe, expect, it } from "vitest";
import { foldCase } from "../../src/scim/fold";
import { newScimTeam, oktaUser, scim } from "../helpers";

/**
 * userName, emails and group displayName are caseExact: false (RFC 7643 §4.1.1, §4.2): their
 * uniqueness and filters fold all of Unicode through the stored keys (src/scim/fold.ts), the same
 * fold the filter evaluator uses, not just ASCII as SQLite's lower() does.
 */

type Json = Record<string, unknown>;

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** A unique address with non-ASCII letters, in upper case. */
function zoe(): string {
	return `ZOË.${crypto.randomUUID().slice(0, 8)}@ÉXAMPLE.com`;
}

async function created(res: Response): Promise<Json> {
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as Json;
}

async function listIds(token: string, path: string): Promise<string[]> {
	const res = await scim(token, "GET", path);
	expect(res.status, await res.clone().text()).toBe(200);
	return ((await res.json()) as { Resources: Json[] }).Resources.map((r) => r.id as string);
}

describe("foldCase", () => {
	it("folds non-ASCII letters and composes decomposed ones", () => {
		expect(foldCase("ZOË@X.com")).toBe("zoë@x.com");
		expect(foldCase("zoe\u0308")).toBe(foldCase("ZOË"));
		expect(foldCase("ÉQUIPE")).toBe("équipe");
	});
});

describe("Unicode case-insensitive uniqueness", () => {
	it('answers 409 to "zoë@…" after "ZOË@…" (userName)', async () => {
		const team = await newScimTeam();
		const email = zoe();
		await created(await scim(team.token, "POST", "/Users", oktaUser(email)));
		const res = await scim(team.token, "POST", "/Users", oktaUser(email.toLowerCase()));
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ status: "409", scimType: "uniqueness" });
		const decomposed = email.toLowerCase().normalize("NFD");
		expect((await scim(team.token, "POST", "/Users", oktaUser(decomposed))).status).toBe(409);
	});

	it("answers 409 to another userName whose email folds to a provisioned one (account email)", async () => {
		const team = await newScimTeam();
		const email = zoe();
		await created(await scim(team.token, "POST", "/Users", oktaUser(email)));
		const res = await scim(team.token, "POST", "/Users", {
			...oktaUser(email.toLowerCase()),
			userName: `other.${crypto.randomUUID().slice(0, 8)}`,
		});
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ scimType: "uniqueness" });
	});

	it("answers 409 to a rename onto another user's userName in another case", async () => {
		const team = await newScimTeam();
		const email = zoe();
		await created(await scim(team.token, "POST", "/Users", oktaUser(email)));
		const other = await created(await scim(team.token, "POST", "/Users", oktaUser(zoe())));
		const res = await scim(team.token, "PATCH", `/Users/${other.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "userName", value: email.toLowerCase() }],
		});
		expect(res.status).toBe(409);
	});

	it('answers 409 to group "équipe" after "ÉQUIPE", and to a rename onto it', async () => {
		const team = await newScimTeam();
		await created(
			await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: "ÉQUIPE" }),
		);
		const res = await scim(team.token, "POST", "/Groups", {
			schemas: [GROUP],
			displayName: "équipe",
		});
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ scimType: "uniqueness" });
		const other = await created(
			await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: "Other" }),
		);
		const rename = await scim(team.token, "PUT", `/Groups/${other.id}`, {
			schemas: [GROUP],
			displayName: "Équipe",
		});
		expect(rename.status).toBe(409);
	});

	it("lets a user and a group change the case of their own name", async () => {
		const team = await newScimTeam();
		const email = zoe();
		const user = await created(await scim(team.token, "POST", "/Users", oktaUser(email)));
		const renamed = await scim(
			team.token,
			"PUT",
			`/Users/${user.id}`,
			oktaUser(email.toLowerCase()),
		);
		expect(renamed.status, await renamed.clone().text()).toBe(200);
		const group = await created(
			await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: "ÉQUIPE" }),
		);
		const regrouped = await scim(team.token, "PUT", `/Groups/${group.id}`, {
			schemas: [GROUP],
			displayName: "équipe",
		});
		expect(regrouped.status, await regrouped.clone().text()).toBe(200);
	});
});

describe("Unicode case-insensitive filters", () => {
	it("finds ZOË@… by userName, emails.value and emails[value eq] in lower case", async () => {
		const team = await newScimTeam();
		const email = zoe();
		const user = await created(await scim(team.token, "POST", "/Users", oktaUser(email)));
		await created(await scim(team.token, "POST", "/Users", oktaUser(zoe())));
		const lower = JSON.stringify(email.toLowerCase());
		for (const filter of [
			`userName eq ${lower}`,
			`emails.value eq ${lower}`,
			`emails eq ${lower}`,
			`emails[type eq "work" and value eq ${lower}]`,
			`userName sw ${JSON.stringify(email.toLowerCase().slice(0, 12))}`,
			`emails.value co ${JSON.stringify(email.toLowerCase().slice(3, 12))}`,
			`userName ew "@éxample.com" and userName eq ${lower}`,
		]) {
			expect(
				await listIds(team.token, `/Users?filter=${encodeURIComponent(filter)}`),
				filter,
			).toEqual([user.id]);
		}
	});

	it('finds group "ÉQUIPE" by displayName eq "équipe", and sorts by the folded name', async () => {
		const team = await newScimTeam();
		const equipe = await created(
			await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: "ÉQUIPE" }),
		);
		const zeta = await created(
			await scim(team.token, "POST", "/Groups", { schemas: [GROUP], displayName: "zeta" }),
		);
		const filter = encodeURIComponent('displayName eq "équipe"');
		expect(await listIds(team.token, `/Groups?filter=${filter}`)).toEqual([equipe.id]);
		// "équipe" (U+00E9) sorts after "zeta"; lower() would have left "É" (U+00C9) there too, but
		// "ÉQUIPE" must sort the same as "équipe" does.
		const sorted = await listIds(team.token, "/Groups?sortBy=displayName");
		expect(sorted).toEqual([zeta.id, equipe.id]);
	});
});
