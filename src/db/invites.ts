import { desc, eq } from "drizzle-orm";
import type { Db } from "./client";
import { type InviteRow, invites } from "./schema";

/** The team's invites, newest first. */
export async function listInvites(db: Db, teamId: string): Promise<InviteRow[]> {
	return db
		.select()
		.from(invites)
		.where(eq(invites.teamId, teamId))
		.orderBy(desc(invites.createdAt), invites.id);
}

/** What the API may show of an invite: never the token hash. */
export function publicInvite(invite: InviteRow, now: string) {
	const expired = invite.status === "pending" && invite.expiresAt <= now;
	return {
		id: invite.id,
		email: invite.email,
		accountId: invite.accountId,
		scimUserId: invite.scimUserId,
		status: expired ? "expired" : invite.status,
		createdAt: invite.createdAt,
		expiresAt: invite.expiresAt,
		acceptedAt: invite.acceptedAt,
		revokedAt: invite.revokedAt,
	};
}
