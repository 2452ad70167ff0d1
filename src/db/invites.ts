import { and, desc, eq, getTableColumns, isNotNull, sql } from "drizzle-orm";
import type { Db } from "./client";
import {
	emailOutbox,
	type InviteRow,
	type InviteStatus,
	invites,
	type OutboxStatus,
} from "./schema";

/** An invite and the status of its newest email (throttled, pending, delivered, ...). */
export type InviteWithEmail = InviteRow & { emailStatus: OutboxStatus | null };

/** The team's invites, newest first, each with the status of its newest email. */
export async function listInvites(db: Db, teamId: string): Promise<InviteWithEmail[]> {
	return db
		.select({
			...getTableColumns(invites),
			emailStatus: sql<OutboxStatus | null>`(select o.status from email_outbox o where o.invite_id = "invites"."id" order by o.created_at desc, o.id desc limit 1)`,
		})
		.from(invites)
		.where(eq(invites.teamId, teamId))
		.orderBy(desc(invites.createdAt), invites.id);
}

/** The invite of a team, or null. */
export async function getInvite(
	db: Db,
	teamId: string,
	inviteId: string,
): Promise<InviteRow | null> {
	return (
		(await db
			.select()
			.from(invites)
			.where(and(eq(invites.teamId, teamId), eq(invites.id, inviteId)))
			.get()) ?? null
	);
}

/**
 * The invite whose emailed token hashes to `tokenHash`, or null. Not scoped by team: the token
 * is what identifies the invite (and so its team) on the public accept page.
 */
export async function findInviteByTokenHash(db: Db, tokenHash: string): Promise<InviteRow | null> {
	return (await db.select().from(invites).where(eq(invites.tokenHash, tokenHash)).get()) ?? null;
}

/** The invite's status at `now`: a pending invite past its expiry is expired. */
export function inviteStatusAt(invite: InviteRow, now: string): InviteStatus {
	return invite.status === "pending" && invite.expiresAt <= now ? "expired" : invite.status;
}

/**
 * The accept link of the invite's newest email, or null. For admin pages in local dev (delivery
 * mode "log"), where no email goes out and the admin passes the link on by hand.
 */
export async function latestInviteLink(
	db: Db,
	teamId: string,
	inviteId: string,
): Promise<string | null> {
	const row = await db
		.select({ inviteUrl: emailOutbox.inviteUrl })
		.from(emailOutbox)
		.where(
			and(
				eq(emailOutbox.teamId, teamId),
				eq(emailOutbox.inviteId, inviteId),
				isNotNull(emailOutbox.inviteUrl),
			),
		)
		.orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
		.limit(1)
		.get();
	return row?.inviteUrl ?? null;
}

/**
 * What the API may show of an invite: never the token hash. `emailStatus` is "throttled" when
 * the recipient had already been sent the day's invite emails (INVITE_EMAILS_PER_DAY).
 */
export function publicInvite(
	invite: InviteRow & { emailStatus?: OutboxStatus | null },
	now: string,
) {
	return {
		id: invite.id,
		email: invite.email,
		accountId: invite.accountId,
		scimUserId: invite.scimUserId,
		status: inviteStatusAt(invite, now),
		createdAt: invite.createdAt,
		expiresAt: invite.expiresAt,
		acceptedAt: invite.acceptedAt,
		revokedAt: invite.revokedAt,
		...(invite.emailStatus === undefined ? {} : { emailStatus: invite.emailStatus }),
	};
}
