import type { FC } from "hono/jsx";
import type { Member } from "../../db/accounts";
import type { publicInvite } from "../../db/invites";
import type { ScimUserRow } from "../../db/schema";
import { CsrfField, Message, Time } from "../layout";

export type PublicInvite = ReturnType<typeof publicInvite>;

export interface MembersProps {
	csrf: string;
	selfAccountId: string;
	members: Member[];
	deactivated: ScimUserRow[];
	invites: PublicInvite[];
	notice?: string;
}

/** Active members, deactivated SCIM users and open invites. */
export const MembersPage: FC<MembersProps> = (p) => (
	<>
		{p.notice && <Message kind="ok">{p.notice}</Message>}
		<h2>Active members ({p.members.length})</h2>
		<table>
			<thead>
				<tr>
					<th>Email</th>
					<th>Name</th>
					<th>Role</th>
					<th>Joined</th>
					<th />
				</tr>
			</thead>
			<tbody>
				{p.members.map((m) => (
					<tr>
						<td>{m.email}</td>
						<td>{[m.givenName, m.familyName].filter(Boolean).join(" ") || "—"}</td>
						<td>{m.role}</td>
						<td>
							<Time iso={m.joinedAt} />
						</td>
						<td>
							{m.accountId === p.selfAccountId ? (
								<span class="muted">you</span>
							) : (
								<a href={`/admin/members/${m.accountId}/remove`}>Remove…</a>
							)}
						</td>
					</tr>
				))}
			</tbody>
		</table>

		<h2>Deactivated by SCIM ({p.deactivated.length})</h2>
		{p.deactivated.length === 0 ? (
			<p class="muted">Nobody is deactivated.</p>
		) : (
			<>
				<p class="muted">
					They are not members and cannot sign in; their accounts and data are kept. Your identity
					provider can reactivate them.
				</p>
				<table>
					<thead>
						<tr>
							<th>userName</th>
							<th>Email</th>
							<th>Name</th>
							<th>Deactivated</th>
						</tr>
					</thead>
					<tbody>
						{p.deactivated.map((u) => (
							<tr>
								<td>{u.userName}</td>
								<td>{u.email ?? "—"}</td>
								<td>{[u.givenName, u.familyName].filter(Boolean).join(" ") || "—"}</td>
								<td>
									<Time iso={u.updatedAt} />
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</>
		)}

		<h2>Pending invites ({p.invites.length})</h2>
		{p.invites.length === 0 ? (
			<p class="muted">No open invites.</p>
		) : (
			<table>
				<thead>
					<tr>
						<th>Email</th>
						<th>Status</th>
						<th>Sent</th>
						<th>Expires</th>
						<th />
					</tr>
				</thead>
				<tbody>
					{p.invites.map((i) => (
						<tr>
							<td>{i.email}</td>
							<td>{i.status}</td>
							<td>
								<Time iso={i.createdAt} />
							</td>
							<td>
								<Time iso={i.expiresAt} />
							</td>
							<td>
								<form method="post" action={`/admin/invites/${i.id}/resend`} class="inline">
									<CsrfField token={p.csrf} />
									<button type="submit">Resend</button>
								</form>
								<form method="post" action={`/admin/invites/${i.id}/revoke`} class="inline">
									<CsrfField token={p.csrf} />
									<button type="submit" class="danger">
										Revoke
									</button>
								</form>
							</td>
						</tr>
					))}
				</tbody>
			</table>
		)}
	</>
);

/** The confirmation step before removing a member. */
export const RemoveMemberPage: FC<{ member: Member; csrf: string; scimEnabled: boolean }> = ({
	member,
	csrf,
	scimEnabled,
}) => (
	<>
		<p>
			Remove <strong>{member.email}</strong> from the team? They lose access to the team at once;
			their account and data are kept.
		</p>
		{scimEnabled && (
			<Message kind="notice">
				SCIM is on: if your identity provider still assigns this person to the app, it may add them
				again. Unassign them there too.
			</Message>
		)}
		<form method="post" action={`/admin/members/${member.accountId}/remove`}>
			<CsrfField token={csrf} />
			<p>
				<label>
					<input type="checkbox" name="confirm" value="yes" required /> Remove {member.email}
				</label>
			</p>
			<button type="submit" class="danger">
				Remove member
			</button>{" "}
			<a href="/admin/members">Cancel</a>
		</form>
	</>
);
