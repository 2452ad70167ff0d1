import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	adminGet,
	adminLoginLink,
	adminSession,
	api,
	apiJson,
	newScimTeam,
	oktaUser,
	scim,
	type TestTeam,
	uniqueEmail,
} from "../helpers";
import { inviteRows, outboxRows, teamObject } from "../invite-helpers";

/**
 * The security boundary between teams (README "Tenancy and account authority"): each attack of
 * the tenancy issue, replayed through the worker. Team A is the attacker; team B owns the people.
 */

type Json = Record<string, unknown>;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

async function authCheck(teamId: string, email: string) {
	return apiJson<{ allowed: boolean; reason: string }>("POST", "/auth/check", { teamId, email });
}

async function members(teamId: string) {
	return (
		await apiJson<{
			members: {
				accountId: string;
				email: string;
				givenName: string | null;
				familyName: string | null;
				role: string;
				managed: boolean;
				joinedByInvite: boolean;
				joinedAt: string;
				memberSince: string;
			}[];
		}>("GET", `/teams/${teamId}/members`)
	).members;
}

async function createUser(team: TestTeam, body: Json) {
	const res = await scim(team.token, "POST", "/Users", body);
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as Json;
}

function patch(team: TestTeam, id: unknown, value: Json) {
	return scim(team.token, "PATCH", `/Users/${id}`, {
		schemas: [PATCH_OP],
		Operations: [{ op: "replace", value }],
	});
}

/** Team B with an admin and a SCIM-provisioned active member. */
async function victimTeam() {
	const b = await newScimTeam("Victim Corp");
	const adminEmail = uniqueEmail("b-admin");
	await apiJson("POST", `/teams/${b.teamId}/admins`, { email: adminEmail }, 201);
	const memberEmail = uniqueEmail("b-member");
	await createUser(b, oktaUser(memberEmail, "Bea", "Member"));
	return { b, adminEmail, memberEmail };
}

/**
 * Accepts the team's pending invite, as the invited person does from the emailed link (the
 * link's token is gone once the email is delivered, so this goes by the stored hash).
 */
async function acceptNewestInvite(teamId: string) {
	const invite = (await inviteRows(teamId)).find((i) => i.status === "pending");
	const accepted = await teamObject(teamId).acceptInvite(teamId, String(invite?.token_hash));
	expect(accepted.ok).toBe(true);
}

describe("a team's deactivation reaches only its own team", () => {
	it("creating another team's member and admin with active:false leaves their sign-in alone", async () => {
		const { b, adminEmail, memberEmail } = await victimTeam();
		const a = await newScimTeam("Attacker");
		await createUser(a, { ...oktaUser(memberEmail), active: false });
		await createUser(a, { ...oktaUser(adminEmail), active: false });
		expect(await authCheck(b.teamId, memberEmail)).toMatchObject({
			allowed: true,
			reason: "member",
		});
		expect(await authCheck(b.teamId, adminEmail)).toMatchObject({ allowed: true });
		// B's admin still gets into the admin page.
		const session = await adminSession(b.teamId, adminEmail);
		expect((await adminGet(session.cookie, "/admin/members")).status).toBe(200);
		// A's own answer for them: blocked by A.
		expect(await authCheck(a.teamId, memberEmail)).toMatchObject({
			allowed: false,
			reason: "blocked_by_team",
		});
	});

	it("a PATCH active:false after an active create blocks the person in the attacking team only", async () => {
		const { b, memberEmail } = await victimTeam();
		const a = await newScimTeam("Attacker");
		const user = await createUser(a, oktaUser(memberEmail));
		expect((await patch(a, user.id, { active: false })).status).toBe(200);
		expect((await scim(a.token, "DELETE", `/Users/${user.id}`)).status).toBe(204);
		expect(await authCheck(b.teamId, memberEmail)).toMatchObject({ allowed: true });
	});

	it("a Bulk of 50 deactivating creates leaves all 50 of another team's members signed in", async () => {
		const b = await newScimTeam("Victim Corp");
		const emails = Array.from({ length: 50 }, (_, i) => uniqueEmail(`bulk${i}`));
		const setup = await scim(b.token, "POST", "/Bulk", {
			schemas: [BULK],
			Operations: emails.map((email, i) => ({
				method: "POST",
				path: "/Users",
				bulkId: `b${i}`,
				data: oktaUser(email),
			})),
		});
		expect(setup.status).toBe(200);
		const a = await newScimTeam("Attacker");
		const attack = await scim(a.token, "POST", "/Bulk", {
			schemas: [BULK],
			Operations: emails.map((email, i) => ({
				method: "POST",
				path: "/Users",
				bulkId: `a${i}`,
				data: { ...oktaUser(email), active: false },
			})),
		});
		const statuses = ((await attack.json()) as { Operations: { status: string }[] }).Operations;
		expect(statuses.every((op) => op.status === "201")).toBe(true);
		const checks = await Promise.all(emails.map((email) => authCheck(b.teamId, email)));
		expect(checks.filter((c) => !c.allowed)).toEqual([]);
	}, 30_000);

	it("the creating team's deactivation blocks a person everywhere only while it manages them", async () => {
		const a = await newScimTeam("Creator");
		const email = uniqueEmail("managed");
		const user = await createUser(a, oktaUser(email));
		const b = await newScimTeam("Second");
		// B invites her (the account exists outside B). B's user is linked to her account from
		// then on, so A stops managing her already: A's block stays A's own.
		await createUser(b, oktaUser(email));
		expect((await patch(a, user.id, { active: false })).status).toBe(200);
		expect(await authCheck(b.teamId, email)).toMatchObject({ reason: "not_a_member" });
		// Joining B is her own action, and A's block never applies there.
		expect((await patch(a, user.id, { active: true })).status).toBe(200);
		expect((await patch(a, user.id, { active: false })).status).toBe(200);
		await acceptNewestInvite(b.teamId);
		expect(await authCheck(b.teamId, email)).toMatchObject({ allowed: true, reason: "member" });
		expect(await authCheck(a.teamId, email)).toMatchObject({ reason: "blocked_by_team" });
	});
});

describe("a team writes an account's email and name only when it manages the account", () => {
	it("the team that created jane first cannot rewrite her once she belongs to her employer", async () => {
		const a = await newScimTeam("Squatter");
		const jane = uniqueEmail("jane");
		const squatted = await createUser(a, oktaUser(jane, "Jane", "Doe"));
		const b = await newScimTeam("BigCorp");
		await createUser(b, oktaUser(jane, "Jane", "Doe"));
		await acceptNewestInvite(b.teamId);
		await apiJson("POST", `/teams/${b.teamId}/admins`, { email: jane }, 201);

		const attacker = uniqueEmail("attacker");
		const res = await scim(a.token, "PUT", `/Users/${squatted.id}`, {
			...oktaUser(attacker, "Mallory", "Attacker"),
			userName: jane,
		});
		expect(res.status).toBe(200);
		expect((await patch(a, squatted.id, { "name.givenName": "Evil" })).status).toBe(200);

		const [member] = (await members(b.teamId)).filter((m) => m.role === "admin");
		expect(member).toMatchObject({ email: jane, givenName: "Jane", familyName: "Doe" });
		expect(await authCheck(b.teamId, jane)).toMatchObject({ allowed: true });
		// A's user left jane's account for one of its own at the attacker's email: never B's.
		expect(await authCheck(b.teamId, attacker)).toMatchObject({ allowed: false });
		// Login links for B's admin still go to her own address.
		expect(await adminLoginLink(b.teamId, jane)).toContain("/admin/login/");
	});

	it("a PATCH of a user's emails answers alike whether or not the new email has an account elsewhere", async () => {
		const { memberEmail } = await victimTeam();
		const a = await newScimTeam("Prober");
		const own = await createUser(a, oktaUser(uniqueEmail("own")));
		const probe = (email: string) =>
			patch(a, own.id, { emails: [{ value: email, primary: true, type: "work" }] });
		const taken = await probe(memberEmail);
		const free = await probe(uniqueEmail("free"));
		expect(taken.status).toBe(200);
		expect(free.status).toBe(200);
		// The account of B's member is untouched, and so is the prober's own account's claim.
		const owner = await env.DB.prepare("select count(*) as n from accounts where email = ?")
			.bind(memberEmail)
			.first<{ n: number }>();
		expect(owner?.n).toBe(1);
	});

	it("an unmanaged user's emails change in the SCIM resource without touching the account", async () => {
		const { b, memberEmail } = await victimTeam();
		const a = await newScimTeam("Other");
		const user = await createUser(a, oktaUser(memberEmail));
		const other = uniqueEmail("renamed");
		const res = await patch(a, user.id, { emails: [{ value: other, primary: true }] });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ emails: [{ value: other, primary: true }] });
		expect((await members(b.teamId)).map((m) => m.email)).toContain(memberEmail);
	});
});

/** A user's emails, as Okta and Entra send them: one primary work email. */
function emailsOf(email: string): Json {
	return { userName: email, emails: [{ value: email, primary: true, type: "work" }] };
}

/** The statuses of a sequence of SCIM requests, one after the other. */
async function statuses(requests: (() => Promise<Response>)[]): Promise<number[]> {
	const result: number[] = [];
	for (const request of requests) {
		result.push((await request()).status);
	}
	return result;
}

describe("a user's link follows its email, so no later write tells whether an email has an account elsewhere", () => {
	// Regression (outside-in probe): a user created with an email that had an account elsewhere
	// stayed linked to that account after its email changed, so a second create of the first
	// email answered 409 ("already provisioned") where a free email answered 201.
	it("re-creating an email a user moved away from answers 201, whether or not it has an account elsewhere", async () => {
		const { memberEmail } = await victimTeam();
		const a = await newScimTeam("Prober");
		const probe = async (email: string) => {
			const user = await createUser(a, oktaUser(email));
			return statuses([
				() => patch(a, user.id, emailsOf(uniqueEmail("moved"))),
				() => scim(a.token, "POST", "/Users", oktaUser(email)),
			]);
		};
		expect(await probe(memberEmail)).toEqual([200, 201]);
		expect(await probe(uniqueEmail("free"))).toEqual([200, 201]);
	});

	it("moving a user onto an email and creating another user with it answers 409 alike, whether or not it has an account elsewhere", async () => {
		const { memberEmail } = await victimTeam();
		const a = await newScimTeam("Prober");
		const probe = async (email: string) => {
			const user = await createUser(a, oktaUser(uniqueEmail("own")));
			return statuses([
				() => patch(a, user.id, emailsOf(email)),
				() =>
					scim(a.token, "POST", "/Users", {
						...oktaUser(uniqueEmail("other")),
						emails: [{ value: email, primary: true, type: "work" }],
					}),
			]);
		};
		expect(await probe(memberEmail)).toEqual([200, 409]);
		expect(await probe(uniqueEmail("free"))).toEqual([200, 409]);
	});

	it("a user whose email moves off an account the team does not manage signs in with the new email; the other team keeps its member", async () => {
		const { b, memberEmail } = await victimTeam();
		const a = await newScimTeam("Also employs Bea");
		const user = await createUser(a, oktaUser(memberEmail));
		await acceptNewestInvite(a.teamId);
		expect(await authCheck(a.teamId, memberEmail)).toMatchObject({ allowed: true });

		const moved = uniqueEmail("bea-new");
		expect((await patch(a, user.id, emailsOf(moved))).status).toBe(200);
		expect(await authCheck(a.teamId, moved)).toMatchObject({ allowed: true, reason: "member" });
		expect(await authCheck(a.teamId, memberEmail)).toMatchObject({ allowed: false });
		expect(await authCheck(b.teamId, memberEmail)).toMatchObject({ allowed: true });
		expect((await members(b.teamId)).map((m) => m.email)).toContain(memberEmail);
		// The link moved: deactivating the user now touches the new account, not Bea's.
		expect((await patch(a, user.id, { active: false })).status).toBe(200);
		expect(await authCheck(a.teamId, moved)).toMatchObject({ allowed: false });
		expect(await authCheck(b.teamId, memberEmail)).toMatchObject({ allowed: true });
	});

	it("a managed account takes the new email and keeps its link", async () => {
		const a = await newScimTeam("Own people");
		const email = uniqueEmail("own");
		const user = await createUser(a, oktaUser(email));
		const [before] = await members(a.teamId);
		const renamed = uniqueEmail("renamed");
		expect((await patch(a, user.id, emailsOf(renamed))).status).toBe(200);
		const [after] = await members(a.teamId);
		expect(after).toMatchObject({ accountId: before?.accountId, email: renamed });
		expect(await authCheck(a.teamId, email)).toMatchObject({ reason: "no_account" });
	});

	it("moving a user onto the email of another user of the team answers 409 uniqueness, as a create does", async () => {
		const a = await newScimTeam("Duplicates");
		const taken = uniqueEmail("taken");
		await createUser(a, oktaUser(taken));
		const other = await createUser(a, oktaUser(uniqueEmail("other")));
		// The email alone: the userName stays the user's own.
		const res = await patch(a, other.id, { emails: [{ value: taken, primary: true }] });
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ scimType: "uniqueness" });
		const created = await scim(a.token, "POST", "/Users", oktaUser(taken));
		expect(created.status).toBe(409);
	});

	// Regressions (outside-in probe of the rule above): a user moved while inactive kept its old
	// join time and joined the new account without an invite on reactivation; a user whose email
	// was cleared kept a link that its next email never moved; a managed account could be renamed
	// into another team's verified domain; a rename racing a create of the same email left two
	// users of the team on one email.
	it("a user moved to another account while inactive is invited, not added, when reactivated", async () => {
		const { memberEmail } = await victimTeam();
		const a = await newScimTeam("Puller");
		const user = await createUser(a, oktaUser(uniqueEmail("puller")));
		expect((await patch(a, user.id, { active: false })).status).toBe(200);
		expect((await patch(a, user.id, emailsOf(memberEmail))).status).toBe(200);
		expect((await patch(a, user.id, { active: true })).status).toBe(200);
		expect(await authCheck(a.teamId, memberEmail)).toMatchObject({ allowed: false });
		expect(await members(a.teamId)).toEqual([]);
		expect((await inviteRows(a.teamId)).map((i) => i.status)).toContain("pending");
	});

	it("a user whose email was cleared answers alike afterwards, whether or not its next email has an account elsewhere", async () => {
		const { memberEmail } = await victimTeam();
		const a = await newScimTeam("Prober");
		const probe = async (email: string) => {
			const first = uniqueEmail("first");
			const user = await createUser(a, {
				...oktaUser(first),
				userName: `plain-${crypto.randomUUID().slice(0, 8)}`,
			});
			return statuses([
				() => patch(a, user.id, { emails: [{ value: "N/A", primary: true }] }),
				() => patch(a, user.id, { emails: [{ value: email, primary: true }] }),
				() => scim(a.token, "POST", "/Users", oktaUser(first)),
				() =>
					scim(a.token, "POST", "/Users", {
						...oktaUser(uniqueEmail("other")),
						emails: [{ value: email, primary: true }],
					}),
			]);
		};
		expect(await probe(memberEmail)).toEqual([200, 200, 201, 409]);
		expect(await probe(uniqueEmail("free"))).toEqual([200, 200, 201, 409]);
	});

	it("a team admin's managed account keeps its email, so its users answer alike whether or not the new email is taken", async () => {
		const { memberEmail } = await victimTeam();
		const domain = `${crypto.randomUUID().slice(0, 8)}.admins.test`;
		const a = await newScimTeam("Admin prober");
		await apiJson("PUT", `/teams/${a.teamId}/domains`, { domains: [domain] });
		const probe = async (email: string) => {
			const admin = `admin-${crypto.randomUUID().slice(0, 8)}@${domain}`;
			await apiJson("POST", `/teams/${a.teamId}/admins`, { email: admin }, 201);
			const user = await createUser(a, oktaUser(admin));
			return statuses([
				() => patch(a, user.id, { emails: [{ value: email, primary: true }] }),
				() =>
					scim(a.token, "POST", "/Users", {
						...oktaUser(uniqueEmail("again")),
						emails: [{ value: admin, primary: true }],
					}),
				() => scim(a.token, "POST", "/Users", oktaUser(email)),
			]);
		};
		expect(await probe(memberEmail)).toEqual([200, 409, 201]);
		expect(await probe(uniqueEmail("free"))).toEqual([200, 409, 201]);
	});

	// Regression (outside-in probe): the IdP's next write after a kept email (a name change)
	// renamed the admin's account after all, even into another team's verified domain.
	it("a team admin's account keeps its email through the IdP's later writes too", async () => {
		const a = await newScimTeam("Admin keeper");
		const admin = uniqueEmail("keeper");
		const user = await createUser(a, oktaUser(admin));
		await apiJson("POST", `/teams/${a.teamId}/admins`, { email: admin }, 201);
		const domain = `${crypto.randomUUID().slice(0, 8)}.theirs.test`;
		const owner = await newScimTeam("Domain owner");
		await apiJson("PUT", `/teams/${owner.teamId}/domains`, { domains: [domain] });
		const moved = `x@${domain}`;
		expect((await patch(a, user.id, { emails: [{ value: moved, primary: true }] })).status).toBe(
			200,
		);
		expect((await patch(a, user.id, { "name.givenName": "Later" })).status).toBe(200);
		expect((await members(a.teamId)).find((m) => m.role === "admin")?.email).toBe(admin);
		expect(await authCheck(a.teamId, admin)).toMatchObject({ allowed: true });
		await createUser(owner, oktaUser(moved));
		expect(await authCheck(a.teamId, moved)).toMatchObject({ allowed: false });
	});

	it("a managed account is not renamed into a domain another team has verified: the person is invited", async () => {
		const domain = `${crypto.randomUUID().slice(0, 8)}.verified.test`;
		const owner = await newScimTeam("Domain owner");
		await apiJson("PUT", `/teams/${owner.teamId}/domains`, { domains: [domain] });
		const a = await newScimTeam("Renamer");
		const user = await createUser(a, oktaUser(uniqueEmail("own")));
		const claimed = `ceo@${domain}`;
		expect((await patch(a, user.id, emailsOf(claimed))).status).toBe(200);
		expect(await authCheck(a.teamId, claimed)).toMatchObject({ allowed: false });
		expect((await inviteRows(a.teamId)).map((i) => i.status)).toContain("pending");
	});

	it("a rename racing a create of the same email leaves one user of the team with it", async () => {
		const a = await newScimTeam("Racers");
		for (let round = 0; round < 10; round++) {
			const user = await createUser(a, oktaUser(uniqueEmail("racer")));
			const email = uniqueEmail("contested");
			// An unrelated write first: it runs alone, and the rename and the create queue behind it
			// into one group commit (src/team/group-commit.ts), where they race.
			// The create goes first in the group: its account insert takes the email before the
			// rename's statement runs.
			const [, created, renamed] = await Promise.all([
				scim(a.token, "POST", "/Users", oktaUser(uniqueEmail("x"))),
				scim(a.token, "POST", "/Users", {
					...oktaUser(uniqueEmail("q")),
					emails: [{ value: email, primary: true }],
				}),
				patch(a, user.id, { emails: [{ value: email, primary: true }] }),
				scim(a.token, "POST", "/Users", oktaUser(uniqueEmail("x"))),
			]);
			// Either may win; the other answers 409, never both 2xx.
			const statusesOf = [renamed?.status, created?.status];
			expect(
				statusesOf.filter((status) => status === 409),
				`round ${round}`,
			).toHaveLength(1);
			expect(
				statusesOf.filter((status) => status === 200 || status === 201),
				`round ${round}`,
			).toHaveLength(1);
			const filter = encodeURIComponent(`emails.value eq "${email}"`);
			const found = (await (await scim(a.token, "GET", `/Users?filter=${filter}`)).json()) as Json;
			expect(found.totalResults, `round ${round}`).toBe(1);
		}
	});

	// Regression (outside-in probe): the team that created an account still managed it while
	// another team's invite to it was pending, and could rename it under that invite: the person
	// then joined the other team under the creator's chosen email.
	it("a creator cannot rename an account while another team's SCIM user is linked to it", async () => {
		const a = await newScimTeam("Creator");
		const victim = uniqueEmail("victim");
		const created = await createUser(a, oktaUser(victim));
		const b = await newScimTeam("Inviter");
		await createUser(b, oktaUser(victim));
		const attacker = uniqueEmail("attacker");
		expect((await patch(a, created.id, emailsOf(attacker))).status).toBe(200);
		await acceptNewestInvite(b.teamId);
		expect((await members(b.teamId)).map((m) => m.email)).toEqual([victim]);
		expect(await authCheck(b.teamId, victim)).toMatchObject({ allowed: true });
		expect(await authCheck(b.teamId, attacker)).toMatchObject({ allowed: false });
	});

	it("a team admin's account keeps its link when the IdP changes the admin's email", async () => {
		const { b } = await victimTeam();
		const adminEmail = uniqueEmail("admin");
		const a = await newScimTeam("Admins");
		// The admin's account also belongs to team B, so team A does not manage it.
		await apiJson("POST", `/teams/${b.teamId}/admins`, { email: adminEmail }, 201);
		await apiJson("POST", `/teams/${a.teamId}/admins`, { email: adminEmail }, 201);
		const user = await createUser(a, oktaUser(adminEmail));
		expect((await patch(a, user.id, emailsOf(uniqueEmail("admin-new")))).status).toBe(200);
		const admin = (await members(a.teamId)).find((m) => m.email === adminEmail);
		expect(admin?.role).toBe("admin");
		expect(await authCheck(a.teamId, adminEmail)).toMatchObject({ allowed: true });
	});
});

describe("SCIM self-service locks hold whichever team the request names", () => {
	it("a member of a SCIM team cannot change email or password through a non-SCIM team", async () => {
		const b = await newScimTeam("SCIM team");
		const email = uniqueEmail("locked");
		await createUser(b, oktaUser(email));
		const c = await apiJson<{ id: string }>("POST", "/teams", { name: "Plain team" }, 201);
		const { accountId } = await apiJson<{ accountId: string }>(
			"POST",
			`/teams/${c.id}/admins`,
			{ email },
			201,
		);
		const changed = await api("PUT", `/teams/${c.id}/members/${accountId}/email`, {
			email: uniqueEmail("new"),
		});
		expect(changed.status).toBe(403);
		const password = await api("POST", `/teams/${c.id}/members/${accountId}/password`);
		expect(password.status).toBe(403);
		// Leaving the team without SCIM is still allowed: the lock is about that team.
		expect((await api("POST", `/teams/${c.id}/members/${accountId}/leave`)).status).toBe(204);
	});
});

describe("invite emails are throttled per recipient across teams", () => {
	it("toggling an invited user 10 times queues at most 3 emails; the rest are throttled", async () => {
		const home = await newScimTeam("Home");
		const email = uniqueEmail("flooded");
		await createUser(home, oktaUser(email));
		const a = await newScimTeam("Flooder");
		const user = await createUser(a, oktaUser(email));
		for (let i = 0; i < 10; i++) {
			expect((await patch(a, user.id, { active: false })).status).toBe(200);
			expect((await patch(a, user.id, { active: true })).status).toBe(200);
			// Let each email go out, as a slow attacker would.
			await env.DB.prepare(
				"update email_outbox set status = 'delivered' where team_id = ? and status = 'pending'",
			)
				.bind(a.teamId)
				.run();
		}
		const rows = await outboxRows(a.teamId);
		const count = (status: string) => rows.filter((r) => r.status === status).length;
		expect(rows).toHaveLength(11);
		expect(count("delivered")).toBe(3);
		// An email still pending when the next deactivation came was cancelled, never sent.
		expect(count("throttled")).toBe(11 - 3 - count("cancelled"));
		// The invite still exists for the person to accept.
		expect((await inviteRows(a.teamId)).filter((i) => i.status === "pending")).toHaveLength(1);
	}, 30_000);

	it("quotes a hostile team name as data and caps it", async () => {
		const home = await newScimTeam("Home");
		const email = uniqueEmail("victim");
		await createUser(home, oktaUser(email));
		const a = await newScimTeam(
			`Security alert\nYour account is locked, call us now ${"!".repeat(100)}`,
		);
		await createUser(a, oktaUser(email));
		const [row] = await outboxRows(a.teamId);
		expect(row?.subject).toMatch(/^Invitation to the team “Security alert Your account.*…”$/);
		expect(row?.subject).not.toContain("\n");
		expect((row?.subject ?? "").length).toBeLessThan(100);
	});
});

describe("verified domains", () => {
	it("a domain belongs to one team; the 409 names no other team", async () => {
		const b = await newScimTeam("Domain Owner Corp");
		const domain = `${crypto.randomUUID().slice(0, 8)}.bigcorp.test`;
		expect(await apiJson("PUT", `/teams/${b.teamId}/domains`, { domains: [domain] })).toEqual({
			domains: [domain],
		});
		expect(await apiJson("GET", `/teams/${b.teamId}/domains`)).toEqual({ domains: [domain] });
		const a = await newScimTeam("Claimer");
		const res = await api("PUT", `/teams/${a.teamId}/domains`, { domains: [domain.toUpperCase()] });
		expect(res.status).toBe(409);
		const text = await res.text();
		expect(text).not.toContain(b.teamId);
		expect(text).not.toContain("Domain Owner Corp");
		expect(
			(await api("PUT", `/teams/${a.teamId}/domains`, { domains: ["not a domain"] })).status,
		).toBe(400);
	});

	it("the verifying team takes over management: it adds the account directly and its writes apply", async () => {
		const domain = `${crypto.randomUUID().slice(0, 8)}.corp.test`;
		const a = await newScimTeam("First comer");
		const email = `jane@${domain}`;
		const first = await createUser(a, oktaUser(email, "Jane", "Doe"));
		const b = await newScimTeam("Employer");
		await apiJson("PUT", `/teams/${b.teamId}/domains`, { domains: [domain] });
		// A create in a verified domain adds the existing account directly: no invite.
		const hired = await createUser(b, oktaUser(email, "Jane", "Doe"));
		expect(await inviteRows(b.teamId)).toEqual([]);
		expect(await members(b.teamId)).toMatchObject([{ email, managed: true }]);
		expect(await authCheck(b.teamId, email)).toMatchObject({ allowed: true });
		// A no longer manages her: its rename and deactivation stay inside A.
		expect(
			(await patch(a, first.id, { "name.familyName": "Squatted", active: false })).status,
		).toBe(200);
		expect(await members(b.teamId)).toMatchObject([{ email, familyName: "Doe" }]);
		expect(await authCheck(b.teamId, email)).toMatchObject({ allowed: true });
		// B's writes flow into the account, and B's deactivation blocks her everywhere.
		expect((await patch(b, hired.id, { "name.familyName": "Smith" })).status).toBe(200);
		const c = await newScimTeam("Third");
		await apiJson("POST", `/teams/${c.teamId}/admins`, { email }, 201);
		expect((await patch(b, hired.id, { active: false })).status).toBe(200);
		expect(await authCheck(c.teamId, email)).toMatchObject({
			allowed: false,
			reason: "blocked_by_managing_team",
		});
		const account = await env.DB.prepare("select family_name from accounts where email = ?")
			.bind(email)
			.first<{ family_name: string }>();
		expect(account?.family_name).toBe("Smith");
	});
});

describe("a verified domain's people join another team only by invite", () => {
	// Regression (outside-in probe): a create in a domain another team had verified made a new
	// account and added it to the creating team directly, so a team could make another company's
	// person its member before that company had provisioned them.
	it("a create of a new email in another team's verified domain invites the person", async () => {
		const domain = `${crypto.randomUUID().slice(0, 8)}.owner.test`;
		const owner = await newScimTeam("Domain owner");
		await apiJson("PUT", `/teams/${owner.teamId}/domains`, { domains: [domain] });
		const other = await newScimTeam("Other team");
		const email = `victim@${domain}`;
		await createUser(other, oktaUser(email));
		expect(await authCheck(other.teamId, email)).toMatchObject({ allowed: false });
		expect(await members(other.teamId)).toEqual([]);
		expect((await inviteRows(other.teamId)).map((i) => i.status)).toEqual(["pending"]);
		// The owner provisions the person directly, as its own.
		await createUser(owner, oktaUser(email));
		expect(await members(owner.teamId)).toMatchObject([{ email, managed: true }]);
		expect(await authCheck(owner.teamId, email)).toMatchObject({ allowed: true });
		// The other team has its member once the person accepts.
		await acceptNewestInvite(other.teamId);
		expect(await authCheck(other.teamId, email)).toMatchObject({ allowed: true });
	});

	it("a create of a new email in the team's own verified domain, or in no verified domain, adds it directly", async () => {
		const domain = `${crypto.randomUUID().slice(0, 8)}.own.test`;
		const team = await newScimTeam("Own domain");
		await apiJson("PUT", `/teams/${team.teamId}/domains`, { domains: [domain] });
		await createUser(team, oktaUser(`jane@${domain}`));
		const free = uniqueEmail("nodomain");
		await createUser(team, oktaUser(free));
		expect(await authCheck(team.teamId, `jane@${domain}`)).toMatchObject({ allowed: true });
		expect(await authCheck(team.teamId, free)).toMatchObject({ allowed: true });
		expect(await inviteRows(team.teamId)).toEqual([]);
	});
});

describe("an admin's removal is visible to the IdP", () => {
	it("removing a SCIM member deactivates the SCIM user, and the IdP's active:true brings them back", async () => {
		const b = await newScimTeam("Removal Co");
		const email = uniqueEmail("removed");
		const user = await createUser(b, oktaUser(email));
		const [member] = await members(b.teamId);
		expect((await api("DELETE", `/teams/${b.teamId}/members/${member?.accountId}`)).status).toBe(
			204,
		);
		expect(await (await scim(b.token, "GET", `/Users/${user.id}`)).json()).toMatchObject({
			active: false,
		});
		expect(await authCheck(b.teamId, email)).toMatchObject({ allowed: false });
		const log = await env.DB.prepare(
			"select actor_type, detail from provisioning_events where team_id = ? and action = 'member.remove'",
		)
			.bind(b.teamId)
			.first<{ actor_type: string; detail: string }>();
		expect(log?.actor_type).toBe("service");
		expect(log?.detail).not.toContain("may sign in");
		expect((await patch(b, user.id, { active: true })).status).toBe(200);
		expect(await authCheck(b.teamId, email)).toMatchObject({ allowed: true, reason: "member" });
	});
});

describe("the member list shows this team's view of a person", () => {
	it("names an invited member by this team's SCIM name, and keeps the first join apart from a reactivation", async () => {
		const home = await newScimTeam("Home");
		const email = uniqueEmail("named");
		await apiJson("POST", `/teams/${home.teamId}/admins`, { email }, 201);
		const b = await newScimTeam("Hiring");
		const user = await createUser(b, oktaUser(email, "Grace", "Hopper"));
		await acceptNewestInvite(b.teamId);
		const [joined] = await members(b.teamId);
		// The account (made by addAdmin) has no name, and B does not manage it: B's SCIM name shows.
		expect(joined).toMatchObject({ email, givenName: "Grace", familyName: "Hopper" });
		expect((await patch(b, user.id, { active: false })).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 5));
		expect((await patch(b, user.id, { active: true })).status).toBe(200);
		const [back] = await members(b.teamId);
		expect(back?.joinedAt).toBe(joined?.joinedAt);
		expect(String(back?.memberSince) > String(joined?.joinedAt)).toBe(true);
	});
});
