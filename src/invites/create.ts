import { and, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { insertSelected, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { accounts, emailOutbox, invites } from "../db/schema";
import { hashSecret, randomToken } from "../keys/token";
import { foldCase } from "../scim/fold";
import { cancelScimUserInviteEmails } from "./outbox";

/** How long an invite link works unless INVITE_TTL_HOURS says otherwise: 7 days. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The invite lifetime from the INVITE_TTL_HOURS var; the default when unset or not a positive number. */
export function inviteTtlMs(hours: string | undefined): number {
	const value = Number(hours);
	return hours && Number.isFinite(value) && value > 0 ? value * 60 * 60 * 1000 : INVITE_TTL_MS;
}

/** How many invite emails one recipient gets a day, across all teams, unless configured. */
export const INVITE_EMAILS_PER_DAY = 3;

/** The per-recipient daily invite email limit from INVITE_EMAILS_PER_DAY; the default when unset. */
export function inviteEmailsPerDay(value: string | undefined): number {
	const n = Number(value);
	return value && Number.isInteger(n) && n >= 0 ? n : INVITE_EMAILS_PER_DAY;
}

/** The longest team name an invite email quotes. */
export const MAX_QUOTED_TEAM_NAME = 60;

/**
 * A team name as an invite email quotes it: data chosen by whoever runs that team, not the
 * product's words, so control characters and line breaks go, it is capped, and it is quoted.
 */
export function quotedTeamName(name: string): string {
	const clean = name
		.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
		.replace(/\s+/g, " ")
		.trim();
	const capped =
		[...clean].length > MAX_QUOTED_TEAM_NAME
			? `${[...clean].slice(0, MAX_QUOTED_TEAM_NAME - 1).join("")}…`
			: clean;
	return `“${capped.replace(/["“”]/g, "'")}”`;
}

export interface InviteRequest {
	teamId: string;
	teamName: string;
	/**
	 * Who is invited: an account and its email, or the account row `where` selects, invited only
	 * if there is one as the batch runs, at the email it has (a write that decides in its batch
	 * whether the person joins or is invited).
	 */
	recipient: { accountId: string; email: string } | { where: SQL | undefined };
	scimUserId: string | null;
	/** The public origin of this service, for the accept link. */
	origin: string;
	now: string;
	/** How long the link works; INVITE_TTL_MS when not given. */
	ttlMs?: number;
	/** The recipient's daily invite email limit across teams; INVITE_EMAILS_PER_DAY when not given. */
	emailsPerDay?: number;
}

/** The statements that create a pending invite and queue its email, and the invite's id. */
export async function inviteStatements(
	db: Db,
	request: InviteRequest,
): Promise<{ inviteId: string; statements: Statement[] }> {
	const inviteId = crypto.randomUUID();
	const token = randomToken();
	const team = quotedTeamName(request.teamName);
	const acceptUrl = `${request.origin}/invites/${token}`;
	const expiresAt = new Date(
		Date.parse(request.now) + (request.ttlMs ?? INVITE_TTL_MS),
	).toISOString();
	const { recipient } = request;
	const known = "accountId" in recipient;
	// Both rows are selected from the recipient's account row, so they exist only with it.
	const email = known ? recipient.email : accounts.email;
	const emailKey = known ? foldCase(recipient.email) : accounts.emailKey;
	const account = known ? eq(accounts.id, recipient.accountId) : recipient.where;
	return {
		inviteId,
		statements: [
			insertSelected(
				db,
				invites,
				{
					id: inviteId,
					teamId: request.teamId,
					accountId: accounts.id,
					scimUserId: request.scimUserId,
					email,
					tokenHash: await hashSecret(token),
					status: "pending",
					createdAt: request.now,
					expiresAt,
				},
				accounts,
				account,
			),
			insertSelected(
				db,
				emailOutbox,
				{
					id: crypto.randomUUID(),
					teamId: request.teamId,
					inviteId,
					toEmail: email,
					toEmailKey: emailKey,
					subject: `Invitation to the team ${team}`,
					body: `A team admin invited you to join the team named ${team}.\n\nAccept the invite: ${acceptUrl}\n\nThis link expires on ${expiresAt}. If you did not expect it, ignore this email.`,
					inviteUrl: acceptUrl,
					status: throttledOrPending(emailKey, request),
					attempts: 0,
					nextAttemptAt: request.now,
					createdAt: request.now,
				},
				accounts,
				account,
			),
		],
	};
}

/**
 * The new email's status, decided inside its own INSERT so that concurrent invites from other
 * teams' objects are counted too: throttled once the recipient has had `emailsPerDay` emails
 * sent, or about to be sent, in the last 24 hours. The invite itself is created either way.
 */
function throttledOrPending(emailKey: string | SQLiteColumn, request: InviteRequest) {
	const since = new Date(Date.parse(request.now) - 24 * 60 * 60 * 1000).toISOString();
	const limit = request.emailsPerDay ?? INVITE_EMAILS_PER_DAY;
	return sql<"pending" | "throttled">`case when (select count(*) from email_outbox o
		where o.to_email_key = ${emailKey} and o.created_at > ${since}
		and o.status in ('pending', 'delivered')) >= ${limit} then 'throttled' else 'pending' end`;
}

/** The statements that revoke every pending invite of a SCIM user and cancel their emails. */
export function revokePendingInvites(db: Db, scimUserId: string, now: string): Statement[] {
	return [
		// First, while the invites are still pending: the cancel finds the emails through them.
		cancelScimUserInviteEmails(db, scimUserId, "The invite was revoked before delivery."),
		db
			.update(invites)
			.set({ status: "revoked", revokedAt: now })
			.where(and(eq(invites.scimUserId, scimUserId), eq(invites.status, "pending"))),
	];
}
