import { describe, expect, it } from "vitest";
import { newScimTeam, oktaUser, scim, uniqueEmail } from "../helpers";

type Json = Record<string, unknown>;

async function json(res: Response, status: number): Promise<Json> {
	expect(res.status, await res.clone().text()).toBe(status);
	return (await res.json()) as Json;
}

/**
 * The readOnly `groups` attribute of a User (RFC 7643 §4.1.2) on every answer that returns
 * Users; the storage reads it in the same D1 batch as the users themselves.
 */
describe("User groups attribute", () => {
	it("shows each user's groups on get, list pages, filters and PATCH answers", async () => {
		const team = await newScimTeam();
		const users: Json[] = [];
		for (const name of ["ada", "grace", "edsger"]) {
			users.push(
				await json(await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail(name))), 201),
			);
		}
		const [ada, grace, edsger] = users as [Json, Json, Json];
		const eng = await json(
			await scim(team.token, "POST", "/Groups", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				displayName: "Engineering",
				members: [{ value: ada.id }, { value: grace.id }],
			}),
			201,
		);
		const admins = await json(
			await scim(team.token, "POST", "/Groups", {
				schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				displayName: "Admins",
				members: [{ value: ada.id }],
			}),
			201,
		);
		const adaGroups = [
			expect.objectContaining({ value: admins.id, display: "Admins" }),
			expect.objectContaining({ value: eng.id, display: "Engineering" }),
		];

		const got = await json(await scim(team.token, "GET", `/Users/${ada.id}`), 200);
		expect(got.groups).toEqual(adaGroups);

		// A page that starts after Ada: only its own users' groups, none leaking from other pages.
		const page = await json(await scim(team.token, "GET", "/Users?startIndex=2&count=1"), 200);
		expect(page.Resources).toEqual([
			expect.objectContaining({
				id: grace.id,
				groups: [expect.objectContaining({ value: eng.id, display: "Engineering" })],
			}),
		]);
		const last = await json(await scim(team.token, "GET", "/Users?startIndex=3&count=5"), 200);
		expect(last.Resources).toEqual([expect.objectContaining({ id: edsger.id })]);
		expect((last.Resources as Json[])[0]).not.toHaveProperty("groups");

		const filter = encodeURIComponent(`userName eq "${ada.userName}"`);
		const filtered = await json(await scim(team.token, "GET", `/Users?filter=${filter}`), 200);
		expect((filtered.Resources as Json[])[0]?.groups).toEqual(adaGroups);

		const patched = await json(
			await scim(team.token, "PATCH", `/Users/${ada.id}`, {
				schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				Operations: [{ op: "replace", value: { displayName: "Countess Lovelace" } }],
			}),
			200,
		);
		expect(patched.displayName).toBe("Countess Lovelace");
		expect(patched.groups).toEqual(adaGroups);
	});
});
