import type { FC } from "hono/jsx";

/** The sign-in step of a login link: a button, so that link scanners cannot spend the link. */
export const LoginLinkPage: FC<{ token: string; teamName: string; email: string }> = ({
	token,
	teamName,
	email,
}) => (
	<>
		<p>
			Sign in to the admin page of <strong>{teamName}</strong> as <strong>{email}</strong>.
		</p>
		<form method="post" action="/admin/login">
			<input type="hidden" name="token" value={token} />
			<button type="submit" class="primary">
				Sign in
			</button>
		</form>
		<p class="muted">The link works once; the session lasts 8 hours.</p>
	</>
);

/** For an admin of several teams signing in through Cloudflare Access. */
export const TeamPickerPage: FC<{ teams: { id: string; name: string }[] }> = ({ teams }) => (
	<>
		<p>You are an admin of several teams. Pick one:</p>
		<ul>
			{teams.map((t) => (
				<li>
					<a href={`/admin?team=${encodeURIComponent(t.id)}`}>{t.name}</a>{" "}
					<span class="muted">{t.id}</span>
				</li>
			))}
		</ul>
	</>
);

/** After signing out. */
export const SignedOutPage: FC = () => (
	<p>You are signed out. Use a new login link to sign in again.</p>
);
