import type { Child, FC } from "hono/jsx";
import { scimDriftWarning } from "../../db/teams";
import { Copyable, CsrfField, Message } from "../layout";

export interface AuthenticationProps {
	csrf: string;
	ssoMethods: string[];
	/** Why SCIM cannot be on, or null when the SSO precondition holds. */
	problem: string | null;
	scimEnabled: boolean;
	scimBaseUrl: string;
	error?: string;
	notice?: Child;
}

/** Team settings → Authentication: SSO methods, the SCIM switch and the base URL. */
export const AuthenticationPage: FC<AuthenticationProps> = (p) => (
	<>
		{p.error && <Message kind="error">{p.error}</Message>}
		{p.notice && <Message kind="ok">{p.notice}</Message>}
		<h2>Single sign-on</h2>
		<p>
			SSO methods:{" "}
			{p.ssoMethods.length === 0 ? <em>none</em> : <strong>{p.ssoMethods.join(", ")}</strong>}
		</p>
		{p.problem === null ? (
			<p>
				<span class="good">✓</span> Exactly one SSO method is configured: SCIM can be used.
			</p>
		) : p.scimEnabled ? (
			<Message kind="error">{scimDriftWarning(true, p.ssoMethods)}</Message>
		) : (
			<Message kind="error">{p.problem}</Message>
		)}

		<h2>SCIM provisioning</h2>
		<p>
			SCIM is{" "}
			<span class={p.scimEnabled ? "status-on" : "status-off"}>{p.scimEnabled ? "on" : "off"}</span>
			. While it is on, your identity provider manages the team's members: they cannot leave the
			team or change their email or password on their own.
		</p>
		{p.scimEnabled ? (
			<p>
				<a class="button danger" href="/admin/scim/off">
					Turn SCIM off…
				</a>
			</p>
		) : (
			<form method="post" action="/admin/scim">
				<CsrfField token={p.csrf} />
				<input type="hidden" name="enabled" value="true" />
				<button type="submit" class="primary" disabled={p.problem !== null}>
					Turn SCIM on
				</button>
			</form>
		)}

		<h2>SCIM base URL</h2>
		<Copyable id="scim-base-url" value={p.scimBaseUrl} />
		<p class="muted">
			Give your identity provider this URL and a SCIM key from the{" "}
			<a href="/admin/keys">SCIM keys</a> page, sent as{" "}
			<code>Authorization: Bearer &lt;key&gt;</code>.
		</p>
		<details>
			<summary>Okta</summary>
			<ol>
				<li>
					In the app integration: <strong>General → Provisioning: SCIM</strong>, then{" "}
					<strong>Provisioning → Integration</strong>.
				</li>
				<li>
					<strong>SCIM connector base URL</strong>: the URL above.{" "}
					<strong>Unique identifier</strong>: <code>userName</code>.
				</li>
				<li>Actions: Push New Users, Push Profile Updates, Push Groups.</li>
				<li>
					<strong>Authentication Mode</strong>: HTTP Header, with the SCIM key as the Bearer token.
				</li>
				<li>
					<strong>To App</strong>: enable Create Users, Update User Attributes, Deactivate Users.
				</li>
			</ol>
		</details>
		<details>
			<summary>Microsoft Entra ID</summary>
			<ol>
				<li>
					<strong>Enterprise applications → New application → Create your own application</strong>.
				</li>
				<li>
					<strong>Provisioning → Provisioning Mode: Automatic</strong>.
				</li>
				<li>
					<strong>Tenant URL</strong>: the URL above (optionally with <code>?aadOptscim062020</code>
					); <strong>Secret Token</strong>: the SCIM key. <strong>Test Connection</strong>, then
					save.
				</li>
				<li>
					Set <strong>Provisioning Status</strong> to On.
				</li>
			</ol>
		</details>
		<details>
			<summary>OneLogin</summary>
			<ol>
				<li>
					<strong>Applications → Add App</strong> → “SCIM Provisioner with SAML (SCIM v2
					Enterprise)”.
				</li>
				<li>
					<strong>SCIM Base URL</strong>: the URL above; <strong>SCIM Bearer Token</strong>: the
					SCIM key.
				</li>
				<li>
					<strong>Provisioning</strong>: enable it; when users are deleted or suspended, choose{" "}
					<strong>Suspend</strong>.
				</li>
			</ol>
		</details>
	</>
);

/** The confirmation step before turning SCIM off: what stops, and what stays. */
export const ScimOffPage: FC<{ csrf: string; error?: string }> = ({ csrf, error }) => (
	<>
		{error && <Message kind="error">{error}</Message>}
		<p>While SCIM is off:</p>
		<ul>
			<li>
				Every call from your identity provider is refused (<code>403 Forbidden</code>): new people
				are not added, changes are not applied, and people it deactivates stay members until you
				remove them on the <a href="/admin/members">Members</a> page.
			</li>
			<li>
				Your <a href="/admin/keys">SCIM keys</a> are kept but cannot be used, and no new key can be
				generated. The keys work again when you turn SCIM back on.
			</li>
			<li>
				Nobody is removed or deactivated. Members can leave the team and change their email and
				password on their own again (unless another team they belong to uses SCIM).
			</li>
		</ul>
		<form method="post" action="/admin/scim">
			<CsrfField token={csrf} />
			<input type="hidden" name="enabled" value="false" />
			<p>
				<label>
					<input type="checkbox" name="confirm" value="yes" required /> I understand my identity
					provider's calls are refused until SCIM is on again.
				</label>
			</p>
			<button type="submit" class="danger">
				Turn SCIM off
			</button>{" "}
			<a href="/admin">Cancel</a>
		</form>
	</>
);
