import { and, eq } from "drizzle-orm";
import { runBatch, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent } from "../db/events";
import { getInvite, latestInviteLink, publicInvite } from "../db/invites";
import { type InviteRow, invites } from "../db/schema";
import { getScimUser } from "../db/scim-users";
import { getTeam } from "../db/teams";
import type { Actor } from "../provisioning/actor";
import { type ScimErrorData, scimErrors } from "../scim/errors";
import { err, ok, type Result } from "../scim/result";
import { inviteStatements } from "./create";
import { cancelInviteEmails, cancelScimUserInviteEmails } from "./outbox";

/**
 * What a team admin can do with an invite: send a fresh one (new token, new email; the old link
 * stops working) or revoke it. Both run inside the team's Durable Object.
 */

export interface InviteAdminContext {
	teamId: string;
	actor: Actor;
	now: string;
	/** How long the new link works (INVITE_TTL_HOURS). */
	inviteTtlMs: number;
	/** The recipient's daily invite email limit across teams (INVITE_EMAILS_PER_DAY). */
	inviteEmailsPerDay: number;
}

export type PublicInvite = ReturnType<typeof publicInvite>;

/**
 * Revokes the invite (pending or expired) and any other pending invite of the same SCIM user,
 * and creates a fresh one with a new token and a new email.
 */
export async function resendInvite(
	db: Db,
	ctx: InviteAdminContext,
	inviteId: string,
): Promise<Result<PublicInvite>> {
	const invite = await getInvite(db, ctx.teamId, inviteId);
	const team = await getTeam(db, ctx.teamId);
	if (!invite || !team) {
		return err(inviteNotFound(inviteId));
	}
	if (invite.status === "accepted") {
		return err(scimErrors.conflict("The invite was already accepted.").toData());
	}
	if (invite.scimUserId) {
		const user = await getScimUser(db, ctx.teamId, invite.scimUserId);
		if (!user?.active || user.state !== "invited") {
			return err(
				scimErrors
					.conflict(
						"The provisioned user is no longer waiting for an invite (deactivated, deleted or already a member).",
					)
					.toData(),
			);
		}
		if (user.accountId !== invite.accountId) {
			// The user's email changed and its link moved to another account, which has an invite
			// of its own: this one would let in the account the IdP moved the user away from.
			return err(
				scimErrors
					.conflict(
						"The provisioned user's email changed since this invite was sent; resend its current invite instead.",
					)
					.toData(),
			);
		}
	}
	// The new link goes to the same host as the old one; the admin request may come from elsewhere.
	const oldLink = await latestInviteLink(db, ctx.teamId, invite.id);
	if (!oldLink) {
		return err(scimErrors.conflict("The invite's original link is unknown.").toData());
	}
	const fresh = await inviteStatements(db, {
		teamId: ctx.teamId,
		teamName: team.name,
		recipient: { accountId: invite.accountId, email: invite.email },
		scimUserId: invite.scimUserId,
		origin: new URL(oldLink).origin,
		now: ctx.now,
		ttlMs: ctx.inviteTtlMs,
		emailsPerDay: ctx.inviteEmailsPerDay,
	});
	const statements: Statement[] = [
		...revokeStatements(db, ctx, invite, "The invite was replaced by a new one before delivery."),
		...fresh.statements,
		event(
			db,
			ctx,
			"invite.resend",
			invite,
			`Sent a new invite to ${invite.email}; the old link no longer works.`,
		),
	];
	await runBatch(db, statements);
	const created = await getInvite(db, ctx.teamId, fresh.inviteId);
	if (!created) {
		throw new Error(`Invite ${fresh.inviteId} missing right after its batch`);
	}
	return ok(publicInvite(created, ctx.now));
}

/** Revokes the invite and cancels its unsent email. Revoking a revoked invite changes nothing. */
export async function revokeInvite(
	db: Db,
	ctx: InviteAdminContext,
	inviteId: string,
): Promise<Result<PublicInvite>> {
	const invite = await getInvite(db, ctx.teamId, inviteId);
	if (!invite) {
		return err(inviteNotFound(inviteId));
	}
	if (invite.status === "accepted") {
		return err(scimErrors.conflict("The invite was already accepted.").toData());
	}
	if (invite.status === "revoked") {
		return ok(publicInvite(invite, ctx.now));
	}
	await runBatch(db, [
		...revokeStatements(db, ctx, invite, "The invite was revoked before delivery."),
		event(db, ctx, "invite.revoke", invite, `Revoked the invite for ${invite.email}.`),
	]);
	return ok(publicInvite({ ...invite, status: "revoked", revokedAt: ctx.now }, ctx.now));
}

function revokeStatements(
	db: Db,
	ctx: InviteAdminContext,
	invite: InviteRow,
	reason: string,
): Statement[] {
	const sameInvitee = invite.scimUserId
		? eq(invites.scimUserId, invite.scimUserId)
		: eq(invites.id, invite.id);
	return [
		// Before the revoke, while the invites are pending: the cancel finds the emails through them.
		invite.scimUserId
			? cancelScimUserInviteEmails(db, invite.scimUserId, reason)
			: cancelInviteEmails(db, [invite.id], reason),
		db
			.update(invites)
			.set({ status: "revoked", revokedAt: ctx.now })
			.where(and(eq(invites.teamId, ctx.teamId), sameInvitee, eq(invites.status, "pending"))),
	];
}

function event(db: Db, ctx: InviteAdminContext, action: string, invite: InviteRow, detail: string) {
	return insertEvent(db, {
		teamId: ctx.teamId,
		at: ctx.now,
		actorType: ctx.actor.type,
		actorId: ctx.actor.id,
		action,
		targetType: "Invite",
		targetId: invite.id,
		targetLabel: invite.email,
		outcome: "success",
		status: 200,
		detail,
	});
}

function inviteNotFound(inviteId: string): ScimErrorData {
	return scimErrors.notFound(`Invite ${inviteId} not found.`).toData();
}
