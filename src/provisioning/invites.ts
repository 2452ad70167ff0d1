import { and, eq } from "drizzle-orm";
import type { Statement } from "../db/batch";
import type { Db } from "../db/client";
import { emailOutbox, invites } from "../db/schema";
import { hashSecret, randomToken } from "../keys/token";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InviteRequest {
	teamId: string;
	teamName: string;
	accountId: string;
	scimUserId: string | null;
	email: string;
	/** The public origin of this service, for the accept link. */
	origin: string;
	now: string;
}

/** The statements that create a pending invite and queue its email, and the invite's id. */
export async function inviteStatements(
	db: Db,
	request: InviteRequest,
): Promise<{ inviteId: string; statements: Statement[] }> {
	const inviteId = crypto.randomUUID();
	const token = randomToken();
	const acceptUrl = `${request.origin}/invites/${token}`;
	const expiresAt = new Date(Date.parse(request.now) + INVITE_TTL_MS).toISOString();
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
				status: "pending",
				nextAttemptAt: request.now,
				createdAt: request.now,
			}),
		],
	};
}

/** The statement that revokes every pending invite of a SCIM user. */
export function revokePendingInvites(db: Db, scimUserId: string, now: string): Statement {
	return db
		.update(invites)
		.set({ status: "revoked", revokedAt: now })
		.where(and(eq(invites.scimUserId, scimUserId), eq(invites.status, "pending")));
}
