import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	adminGet,
	adminSession,
	apiJson,
	newAdminTeam,
	oktaUser,
	scim,
	uniqueEmail,
} from "../helpers";

async function text(res: Promise<Response>): Promise<string> {
	return (await res).text();
}

/** The event ids listed on a log page, in order. */
function rowCount(page: string): number {
	return (page.match(/<tr><td>\d{4}-/g) ?? []).length;
}

describe("Provisioning log page", () => {
	it("lists SCIM and admin actions newest first, with outcome, status and changed fields", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const email = uniqueEmail("ada");
		const user = (await (await scim(team.token, "POST", "/Users", oktaUser(email))).json()) as {
			id: string;
		};
		await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "name.givenName", value: "Augusta" }],
		});
		const dup = await scim(team.token, "POST", "/Users", oktaUser(email));
		expect(dup.status).toBe(409);
		const page = await text(adminGet(s.cookie, "/admin/log"));
		const rows = page.split("<tr><td>").slice(1, 4);
		expect(rows[0]).toContain("<code>user.create</code>");
		expect(rows[0]).toContain("failure (409)");
		expect(rows[0]).toContain("SCIM key Okta");
		expect(rows[1]).toContain("<code>user.patch</code>");
		expect(rows[1]).toContain("success (200)");
		expect(rows[1]).toMatch(/<td>[^<]*name[^<]*<\/td>/);
		expect(rows[2]).toContain("<code>user.create</code>");
		expect(rows[2]).toContain(email);
	});

	it("filters by action, by user (label or id contains) and by key", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const second = await apiJson<{ id: string; token: string }>(
			"POST",
			`/teams/${team.teamId}/scim-keys`,
			{ name: "Entra" },
			201,
		);
		const ada = uniqueEmail("ada");
		const grace = uniqueEmail("grace");
		await scim(team.token, "POST", "/Users", oktaUser(ada));
		const graceUser = (await (
			await scim(second.token, "POST", "/Users", oktaUser(grace))
		).json()) as { id: string };

		const byAction = await text(adminGet(s.cookie, "/admin/log?action=user.create"));
		expect(rowCount(byAction)).toBe(2);
		expect(byAction).toContain('<option value="user.create" selected="">');

		const byUser = await text(
			adminGet(s.cookie, `/admin/log?user=${encodeURIComponent(ada.slice(0, 12).toUpperCase())}`),
		);
		expect(rowCount(byUser)).toBe(1);
		expect(byUser).toContain(ada);
		expect(byUser).not.toContain(grace);

		const byId = await text(adminGet(s.cookie, `/admin/log?user=${graceUser.id}`));
		expect(byId).toContain(grace);
		expect(byId).not.toContain(ada);

		const byKey = await text(adminGet(s.cookie, `/admin/log?key=${second.id}`));
		expect(rowCount(byKey)).toBe(1);
		expect(byKey).toContain(grace);
		expect(byKey).toContain("SCIM key Entra");

		// Wildcards are matched literally.
		expect(rowCount(await text(adminGet(s.cookie, "/admin/log?user=%25")))).toBe(0);
	});

	it("pages 50 at a time with a keyset cursor", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const now = new Date().toISOString();
		const insert = env.DB.prepare(
			"insert into provisioning_events (team_id, at, actor_type, actor_id, action, outcome, status, target_label) values (?, ?, 'scim_key', ?, 'user.patch', 'success', 200, ?)",
		);
		await env.DB.batch(
			Array.from({ length: 120 }, (_, i) => insert.bind(team.teamId, now, team.keyId, `bulk-${i}`)),
		);
		const first = await text(adminGet(s.cookie, "/admin/log?action=user.patch"));
		expect(rowCount(first)).toBe(50);
		expect(first).toContain("bulk-119");
		const next = /href="(\/admin\/log\?action=user\.patch&amp;before=\d+)"/.exec(first)?.[1];
		expect(next).toBeDefined();
		const second = await text(adminGet(s.cookie, (next ?? "").replaceAll("&amp;", "&")));
		expect(rowCount(second)).toBe(50);
		expect(second).toContain("bulk-69");
		expect(second).not.toContain("bulk-70<");
		expect(second).toContain("← Newest");
		const last = /href="(\/admin\/log\?action=user\.patch&amp;before=\d+)"/.exec(second)?.[1];
		const third = await text(adminGet(s.cookie, (last ?? "").replaceAll("&amp;", "&")));
		expect(rowCount(third)).toBe(20);
		expect(third).not.toContain("Older →");
	});

	it("never shows another team's events", async () => {
		const a = await newAdminTeam();
		const b = await newAdminTeam();
		const email = uniqueEmail("b-only");
		await scim(b.token, "POST", "/Users", oktaUser(email));
		const s = await adminSession(a.teamId, a.email);
		expect(await text(adminGet(s.cookie, "/admin/log"))).not.toContain(email);
		expect(await text(adminGet(s.cookie, `/admin/log?key=${b.keyId}`))).not.toContain(email);
		expect(await text(adminGet(s.cookie, "/admin/log.csv"))).not.toContain(email);
	});
});

describe("GET /admin/log.csv", () => {
	it("exports the filtered log as CSV, escaped and defused against formula injection", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const now = new Date().toISOString();
		await env.DB.prepare(
			"insert into provisioning_events (team_id, at, actor_type, actor_id, action, outcome, status, target_label, detail) values (?, ?, 'scim_key', ?, 'user.create', 'failure', 400, ?, ?)",
		)
			.bind(team.teamId, now, team.keyId, '=HYPERLINK("http://evil")', 'said "hi", then\nleft')
			.run();
		await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("csv")));
		const res = await adminGet(s.cookie, "/admin/log.csv?action=user.create");
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
		expect(res.headers.get("Content-Disposition")).toMatch(
			/^attachment; filename="provisioning-log-\d{4}-\d\d-\d\d\.csv"$/,
		);
		const csv = await res.text();
		const lines = csv.split("\r\n");
		expect(lines[0]).toBe(
			"id,at,actor_type,actor_id,actor,action,target_type,target_id,target_label,outcome,status,changes,detail",
		);
		expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
		expect(csv).toContain('"said ""hi"", then\nleft"');
		expect(csv).toContain("SCIM key Okta");
		expect(csv).not.toContain("scim.enable");
		expect(lines.filter((l) => l.includes(",user.create,")).length).toBe(2);
	});

	it("needs a signed-in admin", async () => {
		const res = await adminGet(null, "/admin/log.csv");
		expect(res.status).toBe(401);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
	});
});
