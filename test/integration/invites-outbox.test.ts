import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deliverEmail, deliveryMode, mailConfig } from "../../src/invites/delivery";
import { verifySignature } from "../../src/invites/signature";
import { teamStub } from "../../src/team/stub";
import { ORIGIN, scim } from "../helpers";
import {
	ADMIN,
	invitedUser,
	invitePage,
	makeDue,
	mockWebhook,
	outboxRows,
	runOutbox,
	teamObject,
	WEBHOOK_SECRET,
} from "../invite-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

/** How far after `from` the row's next attempt is scheduled, in ms. */
async function scheduledDelay(teamId: string, from: number): Promise<number> {
	const [row] = await outboxRows(teamId);
	return Date.parse(row?.next_attempt_at ?? "") - from;
}

describe("invite outbox (team object alarm)", () => {
	it("delivers to the webhook with a verifiable signature", async () => {
		const calls = mockWebhook([204]);
		const { team, email, token } = await invitedUser("Acme");
		await runOutbox(team.teamId);

		expect(calls).toHaveLength(1);
		const [call] = calls;
		const [row] = await outboxRows(team.teamId);
		expect(call?.json).toEqual({
			id: row?.id,
			to: email,
			subject: "Invitation to the team “Acme”",
			text: expect.stringContaining(`${ORIGIN}/invites/${token}`),
			inviteUrl: `${ORIGIN}/invites/${token}`,
			teamId: team.teamId,
		});
		expect(call?.idempotencyKey).toBe(row?.id);
		expect(call?.signature).toMatch(/^v1=[0-9a-f]{64}$/);
		const signed = { timestamp: call?.timestamp ?? null, signature: call?.signature ?? null };
		expect(await verifySignature(WEBHOOK_SECRET, call?.body ?? "", signed, Date.now())).toBe(true);
		expect(await verifySignature("wrong-secret", call?.body ?? "", signed, Date.now())).toBe(false);
		expect(await verifySignature(WEBHOOK_SECRET, `${call?.body} `, signed, Date.now())).toBe(false);
		expect(row).toMatchObject({ status: "delivered", attempts: 1, last_error: null });
		expect(row?.delivered_at).not.toBeNull();

		// Nothing is pending any more: the alarm is not re-armed and no second email goes out.
		await runOutbox(team.teamId);
		expect(calls).toHaveLength(1);
	});

	it("retries a failing webhook with growing backoff until it is delivered", async () => {
		const calls = mockWebhook([500, 503, 200]);
		const { team } = await invitedUser("Acme");

		let before = Date.now();
		await runOutbox(team.teamId);
		let [row] = await outboxRows(team.teamId);
		expect(row).toMatchObject({ status: "pending", attempts: 1 });
		expect(row?.last_error).toContain("500");
		const first = await scheduledDelay(team.teamId, before);
		expect(first).toBeGreaterThanOrEqual(30_000 - 1000);
		expect(first).toBeLessThanOrEqual(36_000 + 1000);

		// The alarm is armed for the retry; running it early sends nothing (not due yet).
		expect(await runDurableObjectAlarm(teamObject(team.teamId))).toBe(true);
		expect(calls).toHaveLength(1);

		await makeDue(team.teamId);
		before = Date.now();
		expect(await runDurableObjectAlarm(teamObject(team.teamId))).toBe(true);
		[row] = await outboxRows(team.teamId);
		expect(row).toMatchObject({ status: "pending", attempts: 2 });
		expect(row?.last_error).toContain("503");
		const second = await scheduledDelay(team.teamId, before);
		expect(second).toBeGreaterThanOrEqual(60_000 - 1000);
		expect(second).toBeGreaterThan(first);

		await makeDue(team.teamId);
		expect(await runDurableObjectAlarm(teamObject(team.teamId))).toBe(true);
		[row] = await outboxRows(team.teamId);
		expect(row).toMatchObject({ status: "delivered", attempts: 3, last_error: null });
		expect(calls).toHaveLength(3);
		// Every attempt carries the same id, so the receiver can drop duplicates.
		expect(new Set(calls.map((c) => c.json.id)).size).toBe(1);
	});

	it("still delivers a pending email after the object is evicted and its alarm lost: the restarted object arms a check", async () => {
		const calls = mockWebhook([500, 204]);
		const { team, token } = await invitedUser("Acme");
		await runOutbox(team.teamId);
		expect((await outboxRows(team.teamId))[0]).toMatchObject({ status: "pending", attempts: 1 });

		await runInDurableObject(teamObject(team.teamId), (_instance, state) =>
			state.storage.deleteAlarm(),
		);
		await evictDurableObject(teamObject(team.teamId));

		// A fresh instance of a team that has queued mail arms a check alarm when it starts
		// (within half a minute, without reading D1); the check finds the pending email.
		const startedAt = Date.now();
		const stub = teamObject(team.teamId);
		const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
		expect(alarm).not.toBeNull();
		expect(alarm ?? 0).toBeLessThanOrEqual(Date.now() + 30_000);
		expect(alarm ?? 0).toBeGreaterThanOrEqual(startedAt);

		await makeDue(team.teamId);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect((await outboxRows(team.teamId))[0]).toMatchObject({ status: "delivered", attempts: 2 });
		expect(calls).toHaveLength(2);
		expect(calls[1]?.json.inviteUrl).toBe(`${ORIGIN}/invites/${token}`);
	});

	it("sends no mail for an invite revoked before delivery", async () => {
		const calls = mockWebhook([500, 204]);
		const { team, invite } = await invitedUser("Acme");
		await runOutbox(team.teamId);
		expect(calls).toHaveLength(1);

		const revoked = await teamStub(env, team.teamId).revokeInvite(invite.id, ADMIN);
		expect(revoked.ok).toBe(true);
		expect((await outboxRows(team.teamId))[0]?.status).toBe("cancelled");
		await makeDue(team.teamId);
		await runOutbox(team.teamId);
		expect(calls).toHaveLength(1);
	});

	it("closes, without sending, an email whose invite was revoked or expired behind its back", async () => {
		const calls = mockWebhook([500]);
		const revokedCase = await invitedUser("Acme");
		const expiredCase = await invitedUser("Acme");
		await runOutbox(revokedCase.team.teamId);
		await runOutbox(expiredCase.team.teamId);
		expect(calls).toHaveLength(2);

		// Straight in D1, bypassing the team object: the drain itself must notice.
		await env.DB.prepare("update invites set status = 'revoked' where id = ?")
			.bind(revokedCase.invite.id)
			.run();
		await env.DB.prepare("update invites set expires_at = ? where id = ?")
			.bind(new Date(Date.now() - 1000).toISOString(), expiredCase.invite.id)
			.run();
		for (const { team } of [revokedCase, expiredCase]) {
			await makeDue(team.teamId);
			await runOutbox(team.teamId);
		}
		expect(calls).toHaveLength(2);
		expect((await outboxRows(revokedCase.team.teamId))[0]).toMatchObject({
			status: "cancelled",
			attempts: 1,
		});
		expect((await outboxRows(expiredCase.team.teamId))[0]).toMatchObject({
			status: "failed",
			last_error: "The invite expired before delivery.",
		});
	});

	it("cancels the pending email when the SCIM user is deactivated", async () => {
		const calls = mockWebhook([500]);
		const { team, userId } = await invitedUser("Acme");
		await runOutbox(team.teamId);
		const res = await scim(team.token, "PATCH", `/Users/${userId}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		expect(res.status).toBe(200);
		expect((await outboxRows(team.teamId))[0]?.status).toBe("cancelled");
		await makeDue(team.teamId);
		await runOutbox(team.teamId);
		expect(calls).toHaveLength(1);
	});

	it("keeps no invite token at rest once the email is delivered or cancelled", async () => {
		mockWebhook([204]);
		const { team, invite, token } = await invitedUser("Acme");
		await runOutbox(team.teamId);
		const [delivered] = await outboxRows(team.teamId);
		expect(delivered?.status).toBe("delivered");
		expect(JSON.stringify(delivered)).not.toContain(token);
		expect(delivered?.invite_url).toBe(`${ORIGIN}/invites/redacted`);

		// A resend still knows where links go; the cancelled email's token is dropped too.
		const resent = await teamStub(env, team.teamId).resendInvite(invite.id, ADMIN);
		expect(resent.ok).toBe(true);
		const pending = (await outboxRows(team.teamId)).find((r) => r.status === "pending");
		const freshToken = /\/invites\/([A-Za-z0-9_-]{43})/.exec(pending?.body ?? "")?.[1] ?? "";
		expect(freshToken).toHaveLength(43);
		await teamStub(env, team.teamId).revokeInvite(String(resent.ok && resent.value.id), ADMIN);
		const rows = await outboxRows(team.teamId);
		expect(rows.map((r) => r.status).sort()).toEqual(["cancelled", "delivered"]);
		expect(JSON.stringify(rows)).not.toContain(freshToken);
	});

	it("resendInvite queues a fresh email that is delivered, and cancels the old one", async () => {
		const calls = mockWebhook([500, 204]);
		const { team, invite, token } = await invitedUser("Acme");
		await runOutbox(team.teamId);
		const resent = await teamStub(env, team.teamId).resendInvite(invite.id, ADMIN);
		expect(resent.ok).toBe(true);
		await runOutbox(team.teamId);
		const rows = await outboxRows(team.teamId);
		expect(rows.map((r) => r.status)).toEqual(["delivered", "cancelled"]);
		expect(calls).toHaveLength(2);
		const link = String(calls[1]?.json.inviteUrl);
		expect(link).not.toContain(token);
		expect((await invitePage(link.slice(link.lastIndexOf("/") + 1))).status).toBe(200);
	});
});

describe("deliverEmail", () => {
	const email = {
		id: "outbox-1",
		teamId: "team-1",
		to: "ada@example.com",
		subject: "Invitation to the team “Acme”",
		text: "Accept: https://scim.example.test/invites/x",
		inviteUrl: "https://scim.example.test/invites/x",
	};

	// Issue 9: no log line holds an invite token; the admin page shows the link in this mode.
	it("counts the email as sent when no transport is configured (local dev), logging no link", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
		const config = { webhookUrl: null, webhookSecret: null, sender: null, from: null };
		expect(deliveryMode(config)).toBe("log");
		expect(await deliverEmail(config, email)).toEqual({ ok: true });
		expect(log).toHaveBeenCalledWith(expect.stringContaining(email.to));
		const logged = log.mock.calls.flat().join(" ");
		expect(logged).not.toContain(email.inviteUrl);
		expect(logged).not.toContain("/invites/");
	});

	it("treats a network error as a failure to retry", async () => {
		vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost."));
		const outcome = await deliverEmail(mailConfig(env), email);
		expect(outcome).toEqual({ ok: false, error: "TypeError: Network connection lost." });
	});

	it("refuses to send an unsigned webhook", async () => {
		const config = { ...mailConfig(env), webhookSecret: null };
		expect(await deliverEmail(config, email)).toMatchObject({
			ok: false,
			error: expect.stringContaining("MAIL_WEBHOOK_SECRET"),
		});
	});

	it("sends a MIME message through the send_email binding when no webhook is set", async () => {
		const sent: EmailMessage[] = [];
		const sender = {
			send: async (message: EmailMessage) => {
				sent.push(message);
				return { messageId: "m-1" };
			},
		} as unknown as SendEmail;
		const config = { webhookUrl: null, webhookSecret: null, sender, from: "invites@example.com" };
		expect(deliveryMode(config)).toBe("send_email");
		expect(await deliverEmail(config, email)).toEqual({ ok: true });
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ from: "invites@example.com", to: "ada@example.com" });
	});

	it("fails clearly when the EMAIL binding has no MAIL_FROM", async () => {
		const sender = { send: async () => ({ messageId: "m" }) } as unknown as SendEmail;
		const config = { webhookUrl: null, webhookSecret: null, sender, from: null };
		expect(await deliverEmail(config, email)).toMatchObject({
			ok: false,
			error: expect.stringContaining("MAIL_FROM"),
		});
	});
});
