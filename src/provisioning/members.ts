import { and, eq } from "drizzle-orm";
import { getMembershipRole } from "../db/accounts";
import { runBatch } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent, successEvent } from "../db/events";
import { memberships } from "../db/schema";
import { getScimUserByAccount } from "../db/scim-users";
import { scimErrors } from "../scim/errors";
import { err, ok, type Result } from "../scim/result";
import { deactivateByRemoval, type UserWriteContext } from "./users";

/**
 * A member leaves the team, or a team admin removes them. A member the team's SCIM provisioned
 * is deactivated through the same rules as an IdP's `active: false`, so the IdP reads
 * `active: false` afterwards and its next `active: true` brings the person back; anyone else
 * simply loses the membership.
 */
export async function removeMember(
	db: Db,
	ctx: UserWriteContext,
	accountId: string,
	action: "member.remove" | "member.leave",
): Promise<Result<null>> {
	if ((await getMembershipRole(db, ctx.teamId, accountId)) === null) {
		return err(scimErrors.notFound("That account is not a member of this team.").toData());
	}
	const provisioned = await getScimUserByAccount(db, ctx.teamId, accountId);
	if (provisioned?.active) {
		const removed = await deactivateByRemoval(db, ctx, provisioned, action);
		return removed.ok ? ok(null) : removed;
	}
	await runBatch(db, [
		db
			.delete(memberships)
			.where(and(eq(memberships.teamId, ctx.teamId), eq(memberships.accountId, accountId))),
		insertEvent(db, {
			...successEvent(ctx, action),
			targetType: "Account",
			targetId: accountId,
		}),
	]);
	return ok(null);
}
