import { and, eq } from "drizzle-orm";
import type { Statement } from "../db/batch";
import type { Db } from "../db/client";
import { emailOutbox, invites } from "../db/schema";
import { cancelScimUserInviteEmails } from "../invites/outbox";
import { hashSecret, randomToken } from "../keys/token";

/** How long an invite link works unless INVITE_TTL_HOURS says otherwise: 7 days. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The invite lifetime from the INVITE_TTL_HOURS var; the default when unset or not a positive number. */
export function inviteTtlMs(hours: string | undefined): number {
	const value = Number(hours);
	return hours && Number.isFinite(value) && value > 0 ? value * 60 * 60 * 1000 : INVITE_TTL_MS;
}

export interface InviteRequest {
	teamId: string;
	teamName: string;
	accountId: string;
	scimUserId: string | null;
	email: string;
	/** The public origin of this service, for the accept link. */
	origin: string;
	now: string;
	/** How long the link works; INVITE_TTL_MS when not given. */
	ttlMs?: number;
}

/** The statements that create a pending invite and queue its email, and the invite's id. */
export async function inviteStatements(
	db: Db,
	request: InviteRequest,
): Promise<{ inviteId: string; statements: Statement[] }> {
	const inviteId = crypto.randomUUID();
	const token = randomToken();
	const acceptUrl = `${request.origin}/invites/${token}`;
	const expiresAt = new Date(
		Date.parse(request.now) + (request.ttlMs ?? INVITE_TTL_MS),
	).toISOString();
	return {
		inviteId,
		statements: [
			db.insert(invites).values({
				id: inviteId,
				teamId: request.teamId,
				accountId: request.accountId,
				scimUserId: request.scimUserId,
				email: request.email,
				tokenHash: await hashSecret(token),
				status: "pending",
				createdAt: request.now,
				expiresAt,
			}),
			db.insert(emailOutbox).values({
				id: crypto.randomUUID(),
				teamId: request.teamId,
				inviteId,
				toEmail: request.email,
				subject: `You're invited to join ${request.teamName}`,
				body: `You have been invited to join the team "${request.teamName}".\n\nAccept the invite: ${acceptUrl}\n\nThis link expires on ${expiresAt}.`,
				inviteUrl: acceptUrl,
				status: "pending",
				nextAttemptAt: request.now,
				createdAt: request.now,
			}),
		],
	};
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
