import { describe, expect, it } from "vitest";
import {
	adminGet,
	adminSession,
	api,
	apiJson,
	newAdminTeam,
	oktaUser,
	scim,
	uniqueEmail,
} from "../helpers";

/**
 * When a team's SSO setup changes so that "exactly one method" no longer holds while SCIM is on,
 * deprovisioning must not stop silently: existing keys keep working, no new key can be made,
 * and the admin page and the service API say so plainly.
 */
describe("SSO precondition drift", () => {
	it("keeps existing keys working, refuses new ones, and says so on the admin page and in GET /teams/:id", async () => {
		const team = await newAdminTeam("Drifting");
		const user = (await (
			await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail()))
		).json()) as {
			id: string;
		};
		await apiJson("PUT", `/teams/${team.teamId}/sso`, { methods: ["saml", "oidc"] });

		const off = await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "active", value: false }],
		});
		expect(off.status).toBe(200);
		expect((await api("POST", `/teams/${team.teamId}/scim-keys`, { name: "New" })).status).toBe(
			409,
		);

		const info = await apiJson<{ scimPrecondition: string | null; scimWarning: string | null }>(
			"GET",
			`/teams/${team.teamId}`,
		);
		expect(info.scimPrecondition).toContain("exactly one SSO method");
		expect(info.scimWarning).toContain("Existing SCIM keys keep working");

		const s = await adminSession(team.teamId, team.email);
		const page = await (await adminGet(s.cookie, "/admin")).text();
		expect(page).toContain("Existing SCIM keys keep working");

		await apiJson("PUT", `/teams/${team.teamId}/sso`, { methods: ["saml"] });
		expect(
			(await apiJson<{ scimWarning: string | null }>("GET", `/teams/${team.teamId}`)).scimWarning,
		).toBeNull();
	});
});
