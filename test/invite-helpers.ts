import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import type { Actor } from "../src/provisioning/actor";
import type { TeamDO } from "../src/team/team-do";
import { newScimTeam, ORIGIN, oktaUser, scim, type TestTeam, uniqueEmail } from "./helpers";

export const WEBHOOK_URL = "https://mail.scim-edge.test/hook";
export const WEBHOOK_SECRET = "test-mail-webhook-secret";
export const ADMIN: Actor = { type: "admin", id: "admin-test" };

type Json = Record<string, unknown>;

export interface OutboxRowJson {
	id: string;
	invite_id: string | null;
	to_email: string;
	subject: string;
	body: string;
	invite_url: string | null;
	status: string;
	attempts: number;
	next_attempt_at: string;
	last_error: string | null;
	delivered_at: string | null;
}

export interface InviteRowJson {
	id: string;
	status: string;
	token_hash: string;
	email: string;
	scim_user_id: string | null;
	created_at: string;
	expires_at: string;
	accepted_at: string | null;
	revoked_at: string | null;
}

/** A person with an account in another team, provisioned into a fresh team: they get an invite. */
export async function invitedUser(teamName = "Acme") {
	const other = await newScimTeam("Other");
	const email = uniqueEmail("invitee");
	expect(
		(await scim(other.token, "POST", "/Users", oktaUser(email, "Grace", "Hopper"))).status,
	).toBe(201);
	const team = await newScimTeam(teamName);
	const res = await scim(team.token, "POST", "/Users", oktaUser(email, "Grace", "Hopper"));
	expect(res.status, await res.clone().text()).toBe(201);
	const user = (await res.json()) as Json;
	const [invite] = await inviteRows(team.teamId);
	if (!invite) {
		throw new Error("no invite was created");
	}
	return { team, email, userId: String(user.id), invite, token: await latestToken(team.teamId) };
}

export async function inviteRows(teamId: string): Promise<InviteRowJson[]> {
	const { results } = await env.DB.prepare(
		"select * from invites where team_id = ? order by created_at desc, rowid desc",
	)
		.bind(teamId)
		.all<InviteRowJson>();
	return results;
}

export async function outboxRows(teamId: string): Promise<OutboxRowJson[]> {
	const { results } = await env.DB.prepare(
		"select * from email_outbox where team_id = ? order by created_at desc, rowid desc",
	)
		.bind(teamId)
		.all<OutboxRowJson>();
	return results;
}

/** The token of the team's newest invite email, read from the outbox row as a mail relay would. */
export async function latestToken(teamId: string): Promise<string> {
	const [row] = await outboxRows(teamId);
	const match = /\/invites\/([A-Za-z0-9_-]{43})/.exec(row?.body ?? "");
	if (!match?.[1]) {
		throw new Error(`no invite link in the outbox of team ${teamId}`);
	}
	expect(row?.invite_url).toBe(`${ORIGIN}/invites/${match[1]}`);
	return match[1];
}

/** Opens the invite page, or submits its accept form as the browser would. */
export function invitePage(
	token: string,
	method: "GET" | "POST" = "GET",
	headers: Record<string, string> = {},
): Promise<Response> {
	return exports.default.fetch(`${ORIGIN}/invites/${token}`, {
		method,
		headers:
			method === "POST"
				? { Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded", ...headers }
				: headers,
		body: method === "POST" ? "" : undefined,
	});
}

export function teamObject(teamId: string) {
	return env.TEAM.get(env.TEAM.idFromName(teamId));
}

/**
 * Runs the team object's outbox alarm and waits for it. The alarm may already have fired on its
 * own (mail is due at once); then a drain is asked for directly, which runs after the one in flight.
 */
export async function runOutbox(teamId: string): Promise<void> {
	const stub = teamObject(teamId);
	if (!(await runDurableObjectAlarm(stub))) {
		await runInDurableObject(stub, (instance: TeamDO) => instance.alarm());
	}
}

/** Makes the team's pending emails due now, as if their backoff had passed. */
export async function makeDue(teamId: string): Promise<void> {
	await env.DB.prepare(
		"update email_outbox set next_attempt_at = ? where team_id = ? and status = 'pending'",
	)
		.bind(new Date(Date.now() - 1000).toISOString(), teamId)
		.run();
}

export interface WebhookCall {
	body: string;
	json: Json;
	timestamp: string | null;
	signature: string | null;
	idempotencyKey: string | null;
}

/**
 * Answers the mail webhook with the given statuses in turn (the last one repeats) and records
 * every call. Runs in the same isolate as the team object, so it sees the object's fetches.
 */
export function mockWebhook(statuses: number[]): WebhookCall[] {
	const calls: WebhookCall[] = [];
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		if (request.url !== WEBHOOK_URL) {
			return new Response("unexpected fetch in test", { status: 599 });
		}
		const body = await request.text();
		calls.push({
			body,
			json: JSON.parse(body) as Json,
			timestamp: request.headers.get("X-Scim-Edge-Timestamp"),
			signature: request.headers.get("X-Scim-Edge-Signature"),
			idempotencyKey: request.headers.get("Idempotency-Key"),
		});
		const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 204;
		return new Response(status >= 300 ? "mail relay unavailable" : null, { status });
	});
	return calls;
}

export type { TestTeam };
