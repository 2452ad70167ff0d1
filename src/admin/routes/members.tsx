import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { Hono } from "hono/tiny";
import { listMembers } from "../../db/accounts";
import { latestInviteLink, listInvites, publicInvite } from "../../db/invites";
import { listScimUsersByState } from "../../db/scim-users";
import { getTeam } from "../../db/teams";
import { unwrap } from "../../http/unwrap";
import { deliveryMode, mailConfig } from "../../invites/delivery";
import { teamStub } from "../../team/stub";
import { adminActor } from "../auth";
import { notice } from "../notices";
import { MembersPage, RemoveMemberPage } from "../pages/members";
import { type AdminEnv, renderPage } from "../session";

/** Members and invites: list, remove a member, resend or revoke an invite. */
export const membersRoutes = new Hono<AdminEnv>();

const NOTICES: Record<string, string> = {
	"member-removed": "The member was removed from the team.",
	"invite-resent": "The invite was sent again with a new link; the old link no longer works.",
	"invite-revoked": "The invite was revoked.",
};

membersRoutes.get("/members", async (c) => {
	const { teamId, accountId, csrf } = c.var.admin;
	const db = c.var.db;
	const now = new Date().toISOString();
	const [members, deactivated, unlinked, invites] = await Promise.all([
		listMembers(db, teamId),
		listScimUsersByState(db, teamId, "deactivated"),
		listScimUsersByState(db, teamId, "unlinked"),
		listInvites(db, teamId),
	]);
	const pending = invites.filter((i) => i.status === "pending");
	// Without a mail transport (local dev) no email goes out: the admin passes the link on.
	const links =
		deliveryMode(mailConfig(c.env)) === "log"
			? Object.fromEntries(
					await Promise.all(
						pending.map(async (i) => [i.id, await latestInviteLink(db, teamId, i.id)] as const),
					),
				)
			: {};
	return renderPage(
		c,
		"Members",
		<MembersPage
			csrf={csrf}
			selfAccountId={accountId}
			members={members}
			deactivated={deactivated}
			unlinked={unlinked}
			invites={pending.map((i) => publicInvite(i, now))}
			devLinks={links}
			notice={notice(c, NOTICES)}
		/>,
	);
});

membersRoutes.get("/members/:accountId/remove", async (c) => {
	const member = await findRemovableMember(c, c.req.param("accountId"));
	const team = await getTeam(c.var.db, c.var.admin.teamId);
	return renderPage(
		c,
		"Remove member",
		<RemoveMemberPage
			member={member}
			csrf={c.var.admin.csrf}
			scimEnabled={team?.scimEnabled ?? false}
		/>,
	);
});

membersRoutes.post("/members/:accountId/remove", async (c) => {
	const member = await findRemovableMember(c, c.req.param("accountId"));
	if ((await c.req.parseBody()).confirm !== "yes") {
		throw new HTTPException(400, { message: "Tick the box to confirm the removal." });
	}
	const { teamId } = c.var.admin;
	unwrap(await teamStub(c.env, teamId).removeMember(member.accountId, adminActor(c)));
	return c.redirect("/admin/members?notice=member-removed", 303);
});

membersRoutes.post("/invites/:inviteId/resend", async (c) => {
	const { teamId } = c.var.admin;
	unwrap(await teamStub(c.env, teamId).resendInvite(c.req.param("inviteId"), adminActor(c)));
	return c.redirect("/admin/members?notice=invite-resent", 303);
});

membersRoutes.post("/invites/:inviteId/revoke", async (c) => {
	const { teamId } = c.var.admin;
	unwrap(await teamStub(c.env, teamId).revokeInvite(c.req.param("inviteId"), adminActor(c)));
	return c.redirect("/admin/members?notice=invite-revoked", 303);
});

async function findRemovableMember(c: Context<AdminEnv>, accountId: string) {
	if (accountId === c.var.admin.accountId) {
		throw new HTTPException(409, {
			message: "You cannot remove yourself. Ask another team admin to do it.",
		});
	}
	const member = (await listMembers(c.var.db, c.var.admin.teamId)).find(
		(m) => m.accountId === accountId,
	);
	if (!member) {
		throw new HTTPException(404, { message: "That account is not a member of this team." });
	}
	return member;
}
