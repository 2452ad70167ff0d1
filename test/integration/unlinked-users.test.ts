import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	adminGet,
	adminSession,
	apiJson,
	newAdminTeam,
	newScimTeam,
	scim,
	uniqueEmail,
} from "../helpers";

/**
 * A User needs nothing but a userName (RFC 7643 §4.1): one that carries no email is stored
 * unlinked (no account, no membership, no sign-in) and served like any other User until an
 * email arrives and links it by the usual rules.
 */

type Json = Record<string, unknown>;
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function memberCount(teamId: string) {
	const row = await env.DB.prepare("select count(*) as n from memberships where team_id = ?")
		.bind(teamId)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

describe("a User without an email", () => {
	it("is created from a userName alone, served, filtered, patched and deleted like any User", async () => {
		const team = await newScimTeam("Conformance");
		const userName = `conformance-${crypto.randomUUID().slice(0, 8)}`;
		const created = await scim(team.token, "POST", "/Users", { schemas: [USER], userName });
		expect(created.status).toBe(201);
		const user = (await created.json()) as Json;
		expect(user).toMatchObject({ userName, active: true });
		expect(await memberCount(team.teamId)).toBe(0);

		const got = await scim(team.token, "GET", `/Users/${user.id}`);
		expect(await got.json()).toMatchObject({ id: user.id, userName });
		const filter = encodeURIComponent(`userName eq "${userName.toUpperCase()}"`);
		const listed = (await (
			await scim(team.token, "GET", `/Users?filter=${filter}`)
		).json()) as Json;
		expect(listed).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });

		const renamed = await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", path: "name.givenName", value: "Nobody" }],
		});
		expect(renamed.status).toBe(200);
		expect(await renamed.json()).toMatchObject({ name: { givenName: "Nobody" } });
		const off = await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", path: "active", value: false }],
		});
		expect(await off.json()).toMatchObject({ active: false });
		expect((await scim(team.token, "DELETE", `/Users/${user.id}`)).status).toBe(204);
		expect((await scim(team.token, "GET", `/Users/${user.id}`)).status).toBe(404);
	});

	// Regression (outside-in probe): any string in emails[].value became an account email, so the
	// placeholder two teams' IdPs send for people without an email landed on one shared account.
	it("stays unlinked when its email is no email, so two teams' placeholders never share an account", async () => {
		const placeholder = `N/A ${crypto.randomUUID().slice(0, 8)}`;
		const teams = [await newScimTeam("Placeholders 1"), await newScimTeam("Placeholders 2")];
		for (const team of teams) {
			const res = await scim(team.token, "POST", "/Users", {
				schemas: [USER],
				userName: `no-email-${crypto.randomUUID().slice(0, 8)}`,
				emails: [{ value: placeholder, primary: true }],
			});
			expect(res.status).toBe(201);
			expect(await res.json()).toMatchObject({ emails: [{ value: placeholder, primary: true }] });
			expect(await memberCount(team.teamId)).toBe(0);
		}
		const accounts = await env.DB.prepare("select count(*) as n from accounts where email = ?")
			.bind(placeholder)
			.first<{ n: number }>();
		expect(accounts?.n).toBe(0);
		const check = await apiJson<{ allowed: boolean }>("POST", "/auth/check", {
			teamId: teams[0]?.teamId,
			email: placeholder,
		});
		expect(check.allowed).toBe(false);
	});

	it("links by its userName when its email is no email but the userName is one", async () => {
		const team = await newScimTeam("userName links");
		const email = uniqueEmail("by-username");
		const res = await scim(team.token, "POST", "/Users", {
			schemas: [USER],
			userName: email,
			emails: [{ value: "unknown", primary: true }],
		});
		expect(res.status).toBe(201);
		expect(await memberCount(team.teamId)).toBe(1);
		const check = await apiJson<{ allowed: boolean }>("POST", "/auth/check", {
			teamId: team.teamId,
			email,
		});
		expect(check.allowed).toBe(true);
	});

	it("links when its first email arrives: an account, a membership and sign-in", async () => {
		const team = await newScimTeam("Linker");
		const created = (await (
			await scim(team.token, "POST", "/Users", { schemas: [USER], userName: "emp-1001" })
		).json()) as Json;
		const email = uniqueEmail("arrived");
		expect(await apiJson("POST", "/auth/check", { teamId: team.teamId, email })).toMatchObject({
			allowed: false,
			reason: "no_account",
		});
		const linked = await scim(team.token, "PATCH", `/Users/${created.id}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "add", path: "emails", value: [{ value: email, primary: true }] }],
		});
		expect(linked.status).toBe(200);
		expect(await memberCount(team.teamId)).toBe(1);
		expect(await apiJson("POST", "/auth/check", { teamId: team.teamId, email })).toMatchObject({
			allowed: true,
			reason: "member",
		});
	});

	it("is listed on the admin page as waiting for an email, and managed members are marked", async () => {
		const team = await newAdminTeam("Waiting Room");
		const s = await adminSession(team.teamId, team.email);
		await scim(team.token, "POST", "/Users", { schemas: [USER], userName: "no-mail-yet" });
		await scim(team.token, "POST", "/Users", {
			schemas: [USER],
			userName: uniqueEmail("made-here"),
		});
		const page = await (await adminGet(s.cookie, "/admin/members")).text();
		const waiting = page.split("Waiting for an email")[1] ?? "";
		expect(waiting).toContain("no-mail-yet");
		expect(page.split("Deactivated by SCIM")[0]).toContain("managed");
	});
});
