import type { Child, FC } from "hono/jsx";
import type { PublicKey } from "../../team/keys";
import { idpFromUserAgent } from "../idp";
import { Copyable, CsrfField, formatTime, Message, Time } from "../layout";

/** Grace periods offered on Regenerate, the default first; 0 asks for a confirmation. */
export const GRACE_CHOICES: [number, string][] = [
	[3600, "1 hour"],
	[86_400, "24 hours"],
	[0, "none"],
];

/** How long before its expiry a key is warned about. */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/** A key that is being replaced: regenerated, with its grace period still running. */
export function inGrace(key: PublicKey): boolean {
	return key.status === "expiring" && key.replacedByKeyId !== null;
}

/** A key that works now: active, or with an expiry (its own or a grace period's) still ahead. */
export function isLive(key: PublicKey): boolean {
	return key.status === "active" || key.status === "expiring";
}

/** The live keys with an expiry of their own (not a grace period) within the warning window. */
export function keysExpiringSoon(keys: PublicKey[], now: string): PublicKey[] {
	const limit = new Date(Date.parse(now) + EXPIRY_WARNING_DAYS * DAY_MS).toISOString();
	return keys.filter(
		(k) => isLive(k) && !inGrace(k) && k.expiresAt !== null && k.expiresAt <= limit,
	);
}

export interface KeysProps {
	csrf: string;
	keys: PublicKey[];
	now: string;
	/** Why no key can be generated now, or null. */
	problem: string | null;
	error?: string;
	notice?: Child;
}

/** The SCIM keys: generate (optionally with an expiry), list, regenerate, revoke. */
export const KeysPage: FC<KeysProps> = (p) => {
	const live = p.keys.filter(isLive);
	const dead = p.keys.filter((k) => !isLive(k));
	const soon = keysExpiringSoon(p.keys, p.now);
	return (
		<>
			{p.error && <Message kind="error">{p.error}</Message>}
			{p.notice && <Message kind="ok">{p.notice}</Message>}
			{soon.length > 0 && (
				<Message kind="warn">
					{soon.map((k) => (
						<div>
							Key <a href={`#key-${k.id}`}>“{k.name}”</a> expires {formatTime(k.expiresAt)} (
							{daysLeft(k, p.now)}). Regenerate it before then and give your identity provider the
							new key.
						</div>
					))}
				</Message>
			)}
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
					<label>
						Expires (optional) <input type="date" name="expiresOn" min={tomorrow(p.now)} />
					</label>
					<button type="submit" class="primary">
						Generate key
					</button>
				</form>
			)}
			<h2>Keys in use ({live.length})</h2>
			{live.length === 0 ? (
				<p class="muted">{dead.length > 0 ? "No working SCIM keys." : "No SCIM keys yet."}</p>
			) : (
				<KeyTable keys={live} csrf={p.csrf} canRegenerate={p.problem === null} now={p.now} />
			)}
			{dead.length > 0 && (
				<details id="old-keys">
					<summary>Revoked and expired keys ({dead.length})</summary>
					<KeyTable keys={dead} csrf={p.csrf} canRegenerate={false} now={p.now} />
				</details>
			)}
		</>
	);
};

const KeyTable: FC<{ keys: PublicKey[]; csrf: string; canRegenerate: boolean; now: string }> = (
	p,
) => (
	<table class="grid">
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
				<KeyRow item={key} csrf={p.csrf} canRegenerate={p.canRegenerate} now={p.now} />
			))}
		</tbody>
	</table>
);

const KeyRow: FC<{ item: PublicKey; csrf: string; canRegenerate: boolean; now: string }> = ({
	item: key,
	csrf,
	canRegenerate,
	now,
}) => (
	<tr id={`key-${key.id}`}>
		<td data-label="Name">
			{key.name}
			<div class="muted">
				<code>{key.id}</code>
			</div>
		</td>
		<td data-label="Status">
			<KeyStatus item={key} now={now} />
		</td>
		<td data-label="Created">
			<Time iso={key.createdAt} />
		</td>
		<td data-label="Last used">
			<Time iso={key.lastUsedAt} />
		</td>
		<td data-label="Identity provider">
			{idpFromUserAgent(key.lastUserAgent) ??
				(key.lastUserAgent ? <span class="muted">unknown</span> : "—")}
		</td>
		<td class="wide" data-label="Actions">
			{isLive(key) && canRegenerate && !inGrace(key) && (
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
			{isLive(key) && <a href={`/admin/keys/${key.id}/revoke`}>Revoke…</a>}
		</td>
	</tr>
);

const KeyStatus: FC<{ item: PublicKey; now: string }> = ({ item: key, now }) => {
	switch (key.status) {
		case "expiring":
			return inGrace(key) ? (
				<span class="status-expiring">
					expiring at <Time iso={key.expiresAt} />
					<div class="muted small">replaced by a new key</div>
				</span>
			) : (
				<>
					<span class="status-active">active</span>
					<div class={keysExpiringSoon([key], now).length > 0 ? "status-expiring" : "muted"}>
						expires <Time iso={key.expiresAt} />
					</div>
				</>
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

function daysLeft(key: PublicKey, now: string): string {
	const days = Math.ceil((Date.parse(key.expiresAt ?? now) - Date.parse(now)) / DAY_MS);
	return days <= 1 ? "within a day" : `in ${days} days`;
}

function tomorrow(now: string): string {
	return new Date(Date.parse(now) + DAY_MS).toISOString().slice(0, 10);
}

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
		{key.expiresAt && (
			<p>
				It works until <Time iso={key.expiresAt} />.
			</p>
		)}
		{replaced && <p>{replaced}</p>}
		<p>
			Paste it into your identity provider as the Bearer token, then go back to the{" "}
			<a href="/admin/keys">SCIM keys</a>.
		</p>
	</>
);

/** The confirmation step of a regenerate that cuts the old key off at once. */
export const RegenerateNowPage: FC<{ item: PublicKey; csrf: string; error?: string }> = ({
	item: key,
	csrf,
	error,
}) => (
	<>
		{error && <Message kind="error">{error}</Message>}
		<p>
			Regenerate the key “{key.name}” (<code>{key.id}</code>) with no grace period? The old key
			stops working at once: your identity provider's calls fail until you give it the new key.
		</p>
		<form method="post" action={`/admin/keys/${key.id}/regenerate`}>
			<CsrfField token={csrf} />
			<input type="hidden" name="graceSeconds" value="0" />
			<p>
				<label>
					<input type="checkbox" name="confirm" value="yes" required /> I understand the old key
					stops working immediately.
				</label>
			</p>
			<button type="submit" class="danger">
				Regenerate now
			</button>{" "}
			<a href="/admin/keys">Cancel</a>
		</form>
		<form method="post" action={`/admin/keys/${key.id}/regenerate`}>
			<CsrfField token={csrf} />
			<input type="hidden" name="graceSeconds" value="3600" />
			<p>
				Or <button type="submit">regenerate with 1 hour of grace</button> instead: both keys work
				while you switch over.
			</p>
		</form>
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
