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
	/** SCIM users the IdP has sent no email for yet: no account, membership or sign-in. */
	unlinked: ScimUserRow[];
	invites: PublicInvite[];
	/** Local dev without a mail transport: each pending invite's accept link, by invite id. */
	devLinks?: Record<string, string | null>;
	notice?: string;
}

/** Active members, deactivated SCIM users and open invites. */
export const MembersPage: FC<MembersProps> = (p) => (
	<>
		{p.notice && <Message kind="ok">{p.notice}</Message>}
		<h2>Active members ({p.members.length})</h2>
		<table class="grid">
			<thead>
				<tr>
					<th>Email</th>
					<th>Name</th>
					<th>Role</th>
					<th>Account</th>
					<th>Joined</th>
					<th />
				</tr>
			</thead>
			<tbody>
				{p.members.map((m) => (
					<tr>
						<td class="wide" data-label="Email">
							{m.email}
						</td>
						<td data-label="Name">
							{[m.givenName, m.familyName].filter(Boolean).join(" ") || "—"}
						</td>
						<td data-label="Role">{m.role}</td>
						<td data-label="Account">
							<AccountKind member={m} />
						</td>
						<td data-label="Joined">
							<Time iso={m.joinedAt} />
							{m.memberSince !== m.joinedAt && (
								<div class="small muted">
									reactivated <Time iso={m.memberSince} />
								</div>
							)}
						</td>
						<td class="wide" data-label="Actions">
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

		<p class="muted">
			<strong>Managed</strong>: this team manages the account (its verified domain, or its SCIM
			created it and no other team has it); your identity provider's name and email changes and
			deactivations apply to the account everywhere. <strong>Invited</strong> and{" "}
			<strong>own account</strong>: the person's account is theirs or another team's; this team
			controls only their membership and sign-in here.
		</p>

		<h2>Deactivated by SCIM ({p.deactivated.length})</h2>
		{p.deactivated.length === 0 ? (
			<p class="muted">Nobody is deactivated.</p>
		) : (
			<>
				<p class="muted">
					They are not members and cannot sign in; their accounts and data are kept. Your identity
					provider can reactivate them.
				</p>
				<table class="grid">
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
								<td data-label="userName">{u.userName}</td>
								<td class="wide" data-label="Email">
									{u.email ?? "—"}
								</td>
								<td data-label="Name">
									{[u.givenName, u.familyName].filter(Boolean).join(" ") || "—"}
								</td>
								<td data-label="Deactivated">
									<Time iso={u.updatedAt} />
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</>
		)}

		<h2>Waiting for an email ({p.unlinked.length})</h2>
		{p.unlinked.length === 0 ? (
			<p class="muted">Every provisioned user has an email.</p>
		) : (
			<>
				<p class="muted">
					Your identity provider sent these users without an email. They have no account, membership
					or sign-in until it sends one; then they join or are invited as usual.
				</p>
				<table class="grid">
					<thead>
						<tr>
							<th>userName</th>
							<th>Name</th>
							<th>Provisioned</th>
						</tr>
					</thead>
					<tbody>
						{p.unlinked.map((u) => (
							<tr>
								<td data-label="userName">{u.userName}</td>
								<td data-label="Name">
									{[u.givenName, u.familyName].filter(Boolean).join(" ") || "—"}
								</td>
								<td data-label="Provisioned">
									<Time iso={u.createdAt} />
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
			<table class="grid">
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
							<td class="wide" data-label="Email">
								{i.email}
							</td>
							<td data-label="Status">
								{i.status}
								{i.emailStatus === "throttled" && (
									<>
										{" "}
										<span class="muted">
											(email throttled: this person already got today's invite emails; the invite
											still works, resend tomorrow)
										</span>
									</>
								)}
							</td>
							<td data-label="Sent">
								<Time iso={i.createdAt} />
							</td>
							<td data-label="Expires">
								<Time iso={i.expiresAt} />
							</td>
							<td class="wide" data-label="Actions">
								{p.devLinks?.[i.id] && (
									<p class="small">
										No mail transport is configured, so no email went out: pass on the{" "}
										<a href={p.devLinks[i.id] ?? ""}>invite link</a>.
									</p>
								)}
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

/** Managed, invited or own account, at a glance. */
const AccountKind: FC<{ member: Member }> = ({ member }) =>
	member.managed ? (
		<span title="This team manages the account">managed</span>
	) : member.joinedByInvite ? (
		<span title="Joined by accepting an invite">invited</span>
	) : (
		<span title="The account is the person's own">own account</span>
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
