import { and, eq } from "drizzle-orm";
import { getMembershipRole } from "../db/accounts";
import { runBatch, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent } from "../db/events";
import { findInviteByTokenHash, inviteStatusAt } from "../db/invites";
import { accountBlocks, invites, memberships, scimUsers } from "../db/schema";
import { getScimUser } from "../db/scim-users";
import { getTeam } from "../db/teams";
import { err, ok, type Result } from "../scim/result";
import { cancelInviteEmails } from "./outbox";

/**
 * Accepting an invite (docs/architecture.md: "they join when they accept it"): the person joins the team
 * as a developer, their SCIM user becomes an active member, and the team's block on the account
 * goes. Runs inside the team's Durable Object, so the checks are still true when the batch runs.
 */

/** Why an invite cannot be accepted; each has its own page. */
export type AcceptFailure = "not_found" | "used" | "revoked" | "expired";

export interface AcceptedInvite {
	inviteId: string;
	teamId: string;
	teamName: string;
	accountId: string;
}

/** Accepts the team's invite whose token hashes to `tokenHash`. */
export async function acceptInvite(
	db: Db,
	ctx: { teamId: string; now: string },
	tokenHash: string,
): Promise<Result<AcceptedInvite, AcceptFailure>> {
	const invite = await findInviteByTokenHash(db, tokenHash);
	const team = invite?.teamId === ctx.teamId ? await getTeam(db, ctx.teamId) : null;
	if (!invite || !team) {
		return err("not_found");
	}
	switch (inviteStatusAt(invite, ctx.now)) {
		case "accepted":
			return err("used");
		case "revoked":
			return err("revoked");
		case "expired":
			return err("expired");
		case "pending":
			break;
	}
	const user = invite.scimUserId ? await getScimUser(db, ctx.teamId, invite.scimUserId) : null;
	if (
		invite.scimUserId &&
		(!user?.active || user.state === "deactivated" || user.accountId !== invite.accountId)
	) {
		// Deactivation, DELETE and a user's move to another account (its email changed) revoke
		// pending invites in their own batch, so this is only a safety net; close the invite
		// rather than let it linger.
		await runBatch(db, [
			cancelInviteEmails(db, [invite.id], "The invite was revoked before delivery."),
			db
				.update(invites)
				.set({ status: "revoked", revokedAt: ctx.now })
				.where(and(eq(invites.id, invite.id), eq(invites.status, "pending"))),
		]);
		return err("revoked");
	}

	const statements: Statement[] = [
		db
			.update(invites)
			.set({ status: "accepted", acceptedAt: ctx.now })
			.where(and(eq(invites.id, invite.id), eq(invites.status, "pending"))),
		cancelInviteEmails(db, [invite.id], "The invite was accepted before delivery."),
		db
			.delete(accountBlocks)
			.where(
				and(eq(accountBlocks.accountId, invite.accountId), eq(accountBlocks.teamId, ctx.teamId)),
			),
	];
	if ((await getMembershipRole(db, ctx.teamId, invite.accountId)) === null) {
		statements.push(
			db.insert(memberships).values({
				teamId: ctx.teamId,
				accountId: invite.accountId,
				role: "developer",
				createdAt: ctx.now,
			}),
		);
	}
	if (user) {
		// The SCIM representation does not change (the user was already active: true), so the
		// version and ETag stay; only the product state moves from invited to active.
		statements.push(
			db
				.update(scimUsers)
				.set({ state: "active", joinedAt: user.joinedAt ?? ctx.now })
				.where(and(eq(scimUsers.id, user.id), eq(scimUsers.version, user.version))),
		);
	}
	statements.push(
		insertEvent(db, {
			teamId: ctx.teamId,
			at: ctx.now,
			actorType: "invitee",
			actorId: invite.accountId,
			action: "invite.accept",
			targetType: "User",
			targetId: invite.scimUserId,
			targetLabel: user?.userName ?? invite.email,
			outcome: "success",
			status: 200,
			detail: `Accepted the invite for ${invite.email}: joined the team as a developer.`,
		}),
	);
	await runBatch(db, statements);
	return ok({
		inviteId: invite.id,
		teamId: ctx.teamId,
		teamName: team.name,
		accountId: invite.accountId,
	});
}
