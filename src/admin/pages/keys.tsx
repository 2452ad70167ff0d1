import type { FC } from "hono/jsx";
import type { PublicKey } from "../../team/settings";
import { idpFromUserAgent } from "../idp";
import { Copyable, CsrfField, Message, Time } from "../layout";

export const GRACE_CHOICES: [number, string][] = [
	[0, "none: the old key stops at once"],
	[3600, "1 hour"],
	[86_400, "24 hours"],
];

export interface KeysProps {
	csrf: string;
	keys: PublicKey[];
	/** Why no key can be generated now, or null. */
	problem: string | null;
	error?: string;
	notice?: string;
}

/** The SCIM keys: generate, list, regenerate, revoke. */
export const KeysPage: FC<KeysProps> = (p) => (
	<>
		{p.error && <Message kind="error">{p.error}</Message>}
		{p.notice && <Message kind="ok">{p.notice}</Message>}
		<h2>Generate a key</h2>
		{p.problem ? (
			<Message kind="error">{p.problem}</Message>
		) : (
			<form method="post" action="/admin/keys" class="inline">
				<CsrfField token={p.csrf} />
				<label>
					Name{" "}
					<input
						type="text"
						name="name"
						required
						maxlength={100}
						placeholder="e.g. Okta production"
					/>
				</label>
				<button type="submit" class="primary">
					Generate key
				</button>
			</form>
		)}
		<h2>Keys</h2>
		{p.keys.length === 0 ? (
			<p class="muted">No SCIM keys yet.</p>
		) : (
			<table>
				<thead>
					<tr>
						<th>Name</th>
						<th>Status</th>
						<th>Created</th>
						<th>Last used</th>
						<th>Identity provider</th>
						<th>Actions</th>
					</tr>
				</thead>
				<tbody>
					{p.keys.map((key) => (
						<KeyRow item={key} csrf={p.csrf} canRegenerate={p.problem === null} />
					))}
				</tbody>
			</table>
		)}
	</>
);

const KeyRow: FC<{ item: PublicKey; csrf: string; canRegenerate: boolean }> = ({
	item: key,
	csrf,
	canRegenerate,
}) => {
	const live = key.status === "active" || key.status === "expiring";
	return (
		<tr id={`key-${key.id}`}>
			<td>
				{key.name}
				<div class="muted">
					<code>{key.id}</code>
				</div>
			</td>
			<td>
				<KeyStatus item={key} />
			</td>
			<td>
				<Time iso={key.createdAt} />
			</td>
			<td>
				<Time iso={key.lastUsedAt} />
			</td>
			<td>
				{idpFromUserAgent(key.lastUserAgent) ??
					(key.lastUserAgent ? <span class="muted">unknown</span> : "—")}
			</td>
			<td>
				{live && canRegenerate && (
					<form method="post" action={`/admin/keys/${key.id}/regenerate`} class="inline">
						<CsrfField token={csrf} />
						<label>
							Grace{" "}
							<select name="graceSeconds">
								{GRACE_CHOICES.map(([seconds, label]) => (
									<option value={String(seconds)}>{label}</option>
								))}
							</select>
						</label>
						<button type="submit">Regenerate</button>
					</form>
				)}
				{key.status !== "revoked" && <a href={`/admin/keys/${key.id}/revoke`}>Revoke…</a>}
			</td>
		</tr>
	);
};

const KeyStatus: FC<{ item: PublicKey }> = ({ item: key }) => {
	switch (key.status) {
		case "expiring":
			return (
				<span class="status-expiring">
					expiring at <Time iso={key.expiresAt} />
				</span>
			);
		case "expired":
			return (
				<span class="status-expired">
					expired <Time iso={key.expiresAt} />
				</span>
			);
		case "revoked":
			return (
				<span class="status-revoked">
					revoked <Time iso={key.revokedAt} />
				</span>
			);
		default:
			return <span class="status-active">active</span>;
	}
};

/** The one time a key's token is shown: the answer to generate or regenerate. */
export const NewKeyPage: FC<{ item: PublicKey & { token: string }; replaced?: string }> = ({
	item: key,
	replaced,
}) => (
	<>
		<Message kind="ok">
			Key “{key.name}” is ready. Copy it now: this is the only time it is shown.
		</Message>
		<Copyable id="new-key" value={key.token} />
		{replaced && <p>{replaced}</p>}
		<p>
			Paste it into your identity provider as the Bearer token, then go back to the{" "}
			<a href="/admin/keys">SCIM keys</a>.
		</p>
	</>
);

/** The confirmation step before revoking a key. */
export const RevokeKeyPage: FC<{ item: PublicKey; csrf: string; error?: string }> = ({
	item: key,
	csrf,
	error,
}) => (
	<>
		{error && <Message kind="error">{error}</Message>}
		<p>
			Revoke the key “{key.name}” (<code>{key.id}</code>)? It stops working at once: the identity
			provider using it can no longer provision this team.
		</p>
		<form method="post" action={`/admin/keys/${key.id}/revoke`}>
			<CsrfField token={csrf} />
			<p>
				<label>
					<input type="checkbox" name="confirm" value="yes" required /> I understand this key stops
					working immediately.
				</label>
			</p>
			<button type="submit" class="danger">
				Revoke key
			</button>{" "}
			<a href="/admin/keys">Cancel</a>
		</form>
	</>
);
