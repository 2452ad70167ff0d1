import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The public invite pages (docs/architecture.md "Surfaces"): server-rendered, no client JS. Pages
 * other than the pending invite show at most the team's name.
 */

export type InviteView =
	| { kind: "pending"; teamName: string; email: string; expiresAt: string }
	| { kind: "joined"; teamName: string }
	| { kind: "used" | "expired" | "revoked"; teamName: string }
	| { kind: "not_found" }
	| { kind: "error"; status: ContentfulStatusCode; message: string };

const STYLE = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.5rem}button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:#1f6feb;color:#fff;cursor:pointer}
.muted{color:#59636e;font-size:.9rem}`;

const ERROR_HEADINGS: Partial<Record<number, string>> = {
	403: "Request refused",
	404: "Page not found",
	429: "Too many requests",
};

/** The page for a view, with its HTTP status. */
export function renderInvitePage(c: Context, view: InviteView): Response {
	const { status, title, body } = describe(view);
	const page = (
		<Page title={title} nonce={c.get("secureHeadersNonce")}>
			{body}
		</Page>
	).toString();
	// No component here is async, so rendering is synchronous and the error mapper stays sync.
	if (typeof page !== "string") {
		throw new Error("invite pages must render synchronously");
	}
	return c.html(`<!doctype html>${page}`, status);
}

/** The HTML error page for any failure under /invites (the error mapper calls it). */
export function renderInviteError(
	c: Context,
	status: ContentfulStatusCode,
	message: string,
): Response {
	return renderInvitePage(c, { kind: "error", status, message });
}

function describe(view: InviteView): { status: ContentfulStatusCode; title: string; body: Child } {
	switch (view.kind) {
		case "pending":
			return {
				status: 200,
				title: `Join ${view.teamName}`,
				body: (
					<>
						<h1>You're invited to join {view.teamName}</h1>
						<p>
							This invite is for <strong>{view.email}</strong>. Accepting adds that account to the
							team.
						</p>
						<form method="post">
							<button type="submit">Accept and join {view.teamName}</button>
						</form>
						<p class="muted">The link works until {readableTime(view.expiresAt)}.</p>
					</>
				),
			};
		case "joined":
			return {
				status: 200,
				title: `Joined ${view.teamName}`,
				body: (
					<>
						<h1>You joined {view.teamName}</h1>
						<p>You can now sign in to the team.</p>
					</>
				),
			};
		case "used":
			return gone(view.teamName, "This invite was already used", "It has been accepted before.");
		case "expired":
			return gone(
				view.teamName,
				"This invite has expired",
				"Ask a team admin to send you a new one.",
			);
		case "revoked":
			return gone(
				view.teamName,
				"This invite is no longer valid",
				"It was withdrawn. Ask a team admin if you still need access.",
			);
		case "not_found":
			return {
				status: 404,
				title: "Invite not found",
				body: (
					<>
						<h1>Invite not found</h1>
						<p>Check that you opened the whole link from the invite email.</p>
					</>
				),
			};
		case "error": {
			const heading = ERROR_HEADINGS[view.status] ?? "Something went wrong";
			return {
				status: view.status,
				title: heading,
				body: (
					<>
						<h1>{heading}</h1>
						<p>{view.message}</p>
					</>
				),
			};
		}
	}
}

function gone(
	teamName: string,
	heading: string,
	hint: string,
): { status: ContentfulStatusCode; title: string; body: Child } {
	return {
		status: 410,
		title: heading,
		body: (
			<>
				<h1>{heading}</h1>
				<p>
					The invite to join {teamName} cannot be used any more. {hint}
				</p>
			</>
		),
	};
}

function Page(props: { title: string; nonce: string | undefined; children: Child }) {
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="robots" content="noindex" />
				<title>{props.title}</title>
				{props.nonce ? <style nonce={props.nonce}>{STYLE}</style> : null}
			</head>
			<body>{props.children}</body>
		</html>
	);
}

/** "1 December 2026 at 19:17 UTC": the expiry as a person reads it. */
function readableTime(iso: string): string {
	const format = new Intl.DateTimeFormat("en-GB", {
		dateStyle: "long",
		timeStyle: "short",
		timeZone: "UTC",
	});
	return `${format.format(new Date(iso))} UTC`;
}
