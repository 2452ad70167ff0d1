import { eq } from "drizzle-orm";
import { findAccountByEmail, getMembershipRole } from "../db/accounts";
import { isMemberOfScimTeam } from "../db/authority";
import { runBatch, type Statement, uniqueViolation } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent } from "../db/events";
import { accounts, memberships, type Team } from "../db/schema";
import { getTeam } from "../db/teams";
import { scimErrors } from "../scim/errors";
import { foldCase } from "../scim/fold";
import { err, ok, type Result } from "../scim/result";
import { settingsEvent as event, type SettingsContext, teamNotFound } from "./settings-context";

/**
 * A team's members outside SCIM: making an account an admin, and the self-service actions SCIM
 * locks (leaving the team, changing email or password). Removing a member is
 * src/provisioning/members.ts. They run inside the team's Durable Object.
 */

/** Makes the account with this email a team admin, creating the account if there is none. */
export async function addAdmin(
	db: Db,
	ctx: SettingsContext,
	email: string,
): Promise<Result<{ accountId: string; email: string; role: "admin" }>> {
	const team = await getTeam(db, ctx.teamId);
	if (!team) {
		return err(teamNotFound());
	}
	const existing = await findAccountByEmail(db, email);
	const accountId = existing?.id ?? crypto.randomUUID();
	const statements: Statement[] = [];
	if (!existing) {
		statements.push(
			db.insert(accounts).values({
				id: accountId,
				email,
				emailKey: foldCase(email),
				createdAt: ctx.now,
				updatedAt: ctx.now,
			}),
		);
	}
	statements.push(
		db
			.insert(memberships)
			.values({ teamId: ctx.teamId, accountId, role: "admin", createdAt: ctx.now })
			.onConflictDoUpdate({
				target: [memberships.teamId, memberships.accountId],
				set: { role: "admin" },
			}),
		insertEvent(
			db,
			event(ctx, "member.admin", {
				targetType: "Account",
				targetId: accountId,
				targetLabel: email,
			}),
		),
	);
	await runBatch(db, statements);
	return ok({ accountId, email: existing?.email ?? email, role: "admin" });
}

/**
 * Whether a member may leave the team on their own: not while this team is SCIM-managed (the
 * removal itself is src/provisioning/members.ts).
 */
export async function leavePrecondition(
	db: Db,
	teamId: string,
	accountId: string,
): Promise<Result<null>> {
	const member = await teamOfMember(db, teamId, accountId);
	if (!member.ok) {
		return member;
	}
	if (member.value.scimEnabled) {
		return err(
			scimErrors
				.forbidden(
					"This team is managed by SCIM: members cannot leave on their own. Ask a team admin or your identity provider.",
				)
				.toData(),
		);
	}
	return ok(null);
}

/** A member changes their account email: refused while the team is SCIM-managed. */
export async function changeEmail(
	db: Db,
	ctx: SettingsContext,
	accountId: string,
	email: string,
): Promise<Result<{ accountId: string; email: string }>> {
	const locked = await selfServiceLock(db, ctx.teamId, accountId, "change their email");
	if (!locked.ok) {
		return locked;
	}
	try {
		await runBatch(db, [
			db
				.update(accounts)
				.set({ email, emailKey: foldCase(email), updatedAt: ctx.now })
				.where(eq(accounts.id, accountId)),
			insertEvent(
				db,
				event(ctx, "account.email", {
					targetType: "Account",
					targetId: accountId,
					targetLabel: email,
				}),
			),
		]);
	} catch (error) {
		if (uniqueViolation(error) !== null) {
			return err(
				scimErrors.conflict(`The email "${email}" already belongs to another account.`).toData(),
			);
		}
		throw error;
	}
	return ok({ accountId, email });
}

/** Whether a member may change their password now (the product stores passwords, not us). */
export async function checkPasswordChange(
	db: Db,
	ctx: SettingsContext,
	accountId: string,
): Promise<Result<null>> {
	return selfServiceLock(db, ctx.teamId, accountId, "change their password");
}

/**
 * Email and password belong to the account, not to one team: while the account is a member of
 * any team with SCIM on, its identity is managed by that team's IdP, whichever team the request
 * names.
 */
async function selfServiceLock(
	db: Db,
	teamId: string,
	accountId: string,
	what: string,
): Promise<Result<null>> {
	const member = await teamOfMember(db, teamId, accountId);
	if (!member.ok) {
		return member;
	}
	if (await isMemberOfScimTeam(db, accountId)) {
		return err(
			scimErrors
				.forbidden(
					`This account is managed by SCIM: members cannot ${what}. It is managed in your identity provider.`,
				)
				.toData(),
		);
	}
	return ok(null);
}

/** The team, when the account is one of its members; else the 404 to answer. */
async function teamOfMember(db: Db, teamId: string, accountId: string): Promise<Result<Team>> {
	const team = await getTeam(db, teamId);
	if (!team) {
		return err(teamNotFound());
	}
	if ((await getMembershipRole(db, teamId, accountId)) === null) {
		return err(scimErrors.notFound("That account is not a member of this team.").toData());
	}
	return ok(team);
}
