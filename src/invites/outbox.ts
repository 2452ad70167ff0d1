import { and, asc, eq, inArray, lte, min, sql } from "drizzle-orm";
import { runBatch, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { emailOutbox, type InviteStatus, invites, type OutboxStatus } from "../db/schema";
import { retryDelayMs } from "./backoff";
import type { DeliveryOutcome, OutgoingEmail } from "./delivery";

/**
 * The invite email outbox (docs/architecture.md "Storage and concurrency"): rows are written in the same D1
 * batch as their invite and drained by the team object's alarm until delivered, retried with
 * backoff. State lives only in D1, so nothing is lost when a delivery fails or the object
 * restarts. Delivery is at-least-once: a crash between sending and recording sends again.
 */

/** How many due emails one drain hands over before re-arming the alarm for the rest. */
export const DRAIN_BATCH = 10;
/** An email with no invite behind it is given up this long after it was queued. */
export const MAX_MAIL_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Once an email is settled (delivered, cancelled or failed) its link's token is no longer kept:
 * only the invite's hash stays at rest. The link keeps its origin, which a resend reuses.
 */
const settledLink = {
	inviteUrl: sql`case when ${emailOutbox.inviteUrl} is null then null else substr(${emailOutbox.inviteUrl}, 1, instr(${emailOutbox.inviteUrl}, '/invites/') + 8) || 'redacted' end`,
	body: "The invite link of this email is not kept after the email was settled.",
};

export interface DueEmail extends OutgoingEmail {
	attempts: number;
}

/**
 * The team's pending emails due at `now`, at most `limit`. Emails whose invite was revoked,
 * accepted or has expired are closed here (cancelled or failed) and never returned: the outbox
 * never sends mail for an invite that can no longer be accepted.
 */
export async function takeDueEmails(
	db: Db,
	teamId: string,
	now: string,
	limit = DRAIN_BATCH,
): Promise<{ emails: DueEmail[]; more: boolean }> {
	const rows = await db
		.select({
			id: emailOutbox.id,
			teamId: emailOutbox.teamId,
			inviteId: emailOutbox.inviteId,
			to: emailOutbox.toEmail,
			subject: emailOutbox.subject,
			text: emailOutbox.body,
			inviteUrl: emailOutbox.inviteUrl,
			attempts: emailOutbox.attempts,
			createdAt: emailOutbox.createdAt,
			inviteStatus: invites.status,
			inviteExpiresAt: invites.expiresAt,
		})
		.from(emailOutbox)
		.leftJoin(invites, eq(invites.id, emailOutbox.inviteId))
		.where(
			and(
				eq(emailOutbox.teamId, teamId),
				eq(emailOutbox.status, "pending"),
				lte(emailOutbox.nextAttemptAt, now),
			),
		)
		.orderBy(asc(emailOutbox.nextAttemptAt), asc(emailOutbox.id))
		.limit(limit + 1);

	const emails: DueEmail[] = [];
	const closing: Statement[] = [];
	for (const row of rows.slice(0, limit)) {
		const closed = closedReason(row, now);
		if (closed) {
			closing.push(
				db
					.update(emailOutbox)
					.set({ status: closed.status, lastError: closed.reason, ...settledLink })
					.where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, "pending"))),
			);
		} else {
			emails.push({
				id: row.id,
				teamId: row.teamId,
				to: row.to,
				subject: row.subject,
				text: row.text,
				inviteUrl: row.inviteUrl,
				attempts: row.attempts,
			});
		}
	}
	await runBatch(db, closing);
	return { emails, more: rows.length > limit };
}

/**
 * Records one delivery attempt: delivered, or failed and due again after the backoff. Only a
 * still-pending row changes, so an invite revoked while its email was in flight stays cancelled.
 * A delivered email's link is dropped unless `keepLink` (local dev, where the admin page shows
 * the link because no email really went out).
 */
export async function recordAttempt(
	db: Db,
	email: DueEmail,
	outcome: DeliveryOutcome,
	now: string,
	random: number,
	keepLink = false,
): Promise<void> {
	const attempts = email.attempts + 1;
	const pending = and(eq(emailOutbox.id, email.id), eq(emailOutbox.status, "pending"));
	if (outcome.ok) {
		await db
			.update(emailOutbox)
			.set({
				status: "delivered",
				attempts,
				deliveredAt: now,
				lastError: null,
				...(keepLink ? {} : settledLink),
			})
			.where(pending);
		return;
	}
	const next = new Date(Date.parse(now) + retryDelayMs(attempts, random)).toISOString();
	await db
		.update(emailOutbox)
		.set({ attempts, nextAttemptAt: next, lastError: outcome.error.slice(0, 500) })
		.where(pending);
}

/** When the team's earliest pending email is due, or null when none is pending. */
export async function nextDueAt(db: Db, teamId: string): Promise<string | null> {
	const row = await db
		.select({ at: min(emailOutbox.nextAttemptAt) })
		.from(emailOutbox)
		.where(and(eq(emailOutbox.teamId, teamId), eq(emailOutbox.status, "pending")))
		.get();
	return row?.at ?? null;
}

/** The statement that cancels the still-pending emails of these invites. */
export function cancelInviteEmails(db: Db, inviteIds: string[], reason: string): Statement {
	return db
		.update(emailOutbox)
		.set({ status: "cancelled", lastError: reason, ...settledLink })
		.where(and(inArray(emailOutbox.inviteId, inviteIds), eq(emailOutbox.status, "pending")));
}

/** The statement that cancels the pending emails of every pending invite of a SCIM user. */
export function cancelScimUserInviteEmails(db: Db, scimUserId: string, reason: string): Statement {
	return db
		.update(emailOutbox)
		.set({ status: "cancelled", lastError: reason, ...settledLink })
		.where(
			and(
				eq(emailOutbox.status, "pending"),
				inArray(
					emailOutbox.inviteId,
					db
						.select({ id: invites.id })
						.from(invites)
						.where(and(eq(invites.scimUserId, scimUserId), eq(invites.status, "pending"))),
				),
			),
		);
}

function closedReason(
	row: {
		inviteId: string | null;
		inviteStatus: InviteStatus | null;
		inviteExpiresAt: string | null;
		createdAt: string;
	},
	now: string,
): { status: OutboxStatus; reason: string } | null {
	if (row.inviteId === null) {
		return Date.parse(now) - Date.parse(row.createdAt) > MAX_MAIL_AGE_MS
			? { status: "failed", reason: "Not delivered within 7 days; given up." }
			: null;
	}
	switch (row.inviteStatus) {
		case null:
			return { status: "cancelled", reason: "The invite no longer exists." };
		case "revoked":
			return { status: "cancelled", reason: "The invite was revoked before delivery." };
		case "accepted":
			return { status: "cancelled", reason: "The invite was accepted before delivery." };
		case "expired":
			return { status: "failed", reason: "The invite expired before delivery." };
		case "pending":
			return row.inviteExpiresAt !== null && row.inviteExpiresAt <= now
				? { status: "failed", reason: "The invite expired before delivery." }
				: null;
	}
}
