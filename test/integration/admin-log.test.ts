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

/** How many events a log page lists. */
function rowCount(page: string): number {
	return (page.match(/<tr data-event="/g) ?? []).length;
}

/** The rows of a log page, newest first. */
function rows(page: string): string[] {
	return page.split("<tr data-event=").slice(1);
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
		const [refused, patched, created] = rows(page);
		expect(refused).toContain("<code>user.create</code>");
		expect(refused).toContain("failure (409)");
		expect(refused).toContain("SCIM key Okta");
		expect(patched).toContain("<code>user.patch</code>");
		expect(patched).toContain("success (200)");
		// The writer logs old → new values now: the first name went from Ada to Augusta.
		expect(patched).toMatch(
			/data-label="Changes"><div>first name: <span class="change-old">Ada<\/span> → <span class="change-new">Augusta<\/span><\/div>/,
		);
		expect(created).toContain("<code>user.create</code>");
		expect(created).toContain(email);
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
	it("names attributes as people know them: never the enterprise extension's URN", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const user = (await (
			await scim(team.token, "POST", "/Users", oktaUser(uniqueEmail("dept")))
		).json()) as { id: string };
		await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [
				{
					op: "replace",
					path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
					value: "Sales",
				},
			],
		});
		const page = await text(adminGet(s.cookie, "/admin/log"));
		expect(page).not.toContain("urn:ietf:params:scim:schemas:extension:enterprise");
		expect(rows(page)[0]).toMatch(/data-label="Changes"><div>department: </);
	});

	it("shows old → new values of changed attributes, never a secret's", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const email = uniqueEmail("values");
		const user = (await (await scim(team.token, "POST", "/Users", oktaUser(email))).json()) as {
			id: string;
		};
		const changes = [
			{ attribute: "department", before: "Eng", after: "Sales" },
			{ attribute: "employeeNumber", before: null, after: "42" },
			{ attribute: "password", before: null, after: null, hidden: true },
			{ attribute: "title", before: "Dev", after: "Lead" },
		];
		await env.DB.prepare(
			"insert into provisioning_events (team_id, at, actor_type, actor_id, action, target_type, target_id, target_label, outcome, status, changes) values (?, ?, 'scim_key', ?, 'user.patch', 'User', ?, ?, 'success', 200, ?)",
		)
			.bind(
				team.teamId,
				new Date().toISOString(),
				team.keyId,
				user.id,
				email,
				JSON.stringify(changes),
			)
			.run();
		const page = await text(adminGet(s.cookie, "/admin/log"));
		const row = rows(page)[0] ?? "";
		expect(row).toContain(
			'department: <span class="change-old">Eng</span> → <span class="change-new">Sales</span>',
		);
		expect(row).toContain('employee number: <span class="change-old">—</span>');
		expect(row).toContain("<div>password</div>");
		expect(row).toContain("and 1 more");
		const id = /^"(\d+)"/.exec(row)?.[1];

		const detail = await text(adminGet(s.cookie, `/admin/log/${id}`));
		expect(detail).toContain(`<title>Log event ${id} · scim-edge</title>`);
		expect(detail).toContain('<a href="/admin/log" aria-current="page">Provisioning log</a>');
		expect(detail).toContain(`<dt>Email</dt><dd>${email}</dd>`);
		expect(detail).toContain('<td data-label="Attribute">title</td>');
		expect(detail).toContain('<span class="change-new">Lead</span>');
		expect(detail).toContain("changed (secret, not shown)");
	});

	it("shows the person's email on a failed write that names them only by id", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const email = uniqueEmail("failed");
		const user = (await (await scim(team.token, "POST", "/Users", oktaUser(email))).json()) as {
			id: string;
		};
		const bad = await scim(team.token, "PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "nonsense[", value: "x" }],
		});
		expect(bad.status).toBe(400);
		const page = await text(adminGet(s.cookie, "/admin/log?action=user.patch"));
		const [row] = rows(page);
		expect(row).toContain("failure (400)");
		expect(row).toContain(`<div>${email}</div>`);
	});

	it("answers 404 for another team's event and for an id that is not one", async () => {
		const a = await newAdminTeam();
		const b = await newAdminTeam();
		await scim(b.token, "POST", "/Users", oktaUser(uniqueEmail("b")));
		const sb = await adminSession(b.teamId, b.email);
		const id = /<tr data-event="(\d+)"/.exec(await text(adminGet(sb.cookie, "/admin/log")))?.[1];
		expect((await adminGet(sb.cookie, `/admin/log/${id}`)).status).toBe(200);
		const sa = await adminSession(a.teamId, a.email);
		const other = await adminGet(sa.cookie, `/admin/log/${id}`);
		expect(other.status).toBe(404);
		expect(await other.text()).toContain("does not exist in your team");
		expect((await adminGet(sa.cookie, "/admin/log/abc")).status).toBe(404);
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

	it("writes changes with their old and new values, never a secret's", async () => {
		const team = await newAdminTeam();
		const s = await adminSession(team.teamId, team.email);
		const changes = [
			{ attribute: "department", before: "Eng", after: "Sales" },
			{ attribute: "password", before: null, after: null, hidden: true },
			"name",
		];
		await env.DB.prepare(
			"insert into provisioning_events (team_id, at, actor_type, actor_id, action, outcome, status, changes) values (?, ?, 'scim_key', ?, 'user.patch', 'success', 200, ?)",
		)
			.bind(team.teamId, new Date().toISOString(), team.keyId, JSON.stringify(changes))
			.run();
		const csv = await text(adminGet(s.cookie, "/admin/log.csv?action=user.patch"));
		expect(csv).toContain(',"department: Eng → Sales; password: (secret, not shown); name",');
	});

	it("needs a signed-in admin", async () => {
		const res = await adminGet(null, "/admin/log.csv");
		expect(res.status).toBe(401);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
	});
});
