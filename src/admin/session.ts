import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { Child } from "hono/jsx";
import type { SecureHeadersVariables } from "hono/secure-headers";
import type { AppEnv } from "../env";
import { randomToken } from "../keys/token";
import * as z from "../zod";

/**
 * Admin sessions (docs/architecture.md "Admin auth"): an HMAC-SHA256-signed cookie, `__Host-scim_admin`
 * (HttpOnly, Secure, SameSite=Lax, Path=/), holding the team, the account and a per-session CSRF
 * token. The cookie alone is not trusted for long: every request re-checks that the account is
 * still an admin of the team.
 */

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const COOKIE = "scim_admin";

const sessionSchema = z.object({
	/** Names the session, so that signing out can end it on the server too. */
	id: z.string().check(z.minLength(16)),
	teamId: z.string().check(z.minLength(1)),
	accountId: z.string().check(z.minLength(1)),
	email: z.string(),
	expiresAt: z.int(),
	csrf: z.string().check(z.minLength(32)),
	via: z.enum(["link", "access"]),
});

export type AdminSession = z.infer<typeof sessionSchema>;

/** The signed-in admin of the current request, after every check has passed. */
export interface AdminContext extends AdminSession {
	teamName: string;
}

/** Hono's environment for /admin: the app's, plus the admin and the CSP nonce. */
export interface AdminEnv {
	Bindings: Env;
	Variables: AppEnv["Variables"] &
		SecureHeadersVariables & { admin: AdminContext; pageTitle: string };
}

/** Renders a page inside the layout (`jsxRenderer` in app.tsx) under this title. */
export function renderPage(
	c: Context<AdminEnv>,
	title: string,
	content: Child,
): Response | Promise<Response> {
	c.set("pageTitle", title);
	// c.render's declared parameter is a string; at run time it renders any JSX child.
	return c.render(content as string);
}

/** Starts a session for a team admin: sets the cookie and returns the session. */
export async function startSession(
	c: Context<AdminEnv>,
	who: Pick<AdminSession, "teamId" | "accountId" | "email" | "via">,
	now = Date.now(),
): Promise<AdminSession> {
	const session: AdminSession = {
		...who,
		id: randomToken(),
		expiresAt: now + SESSION_TTL_MS,
		csrf: randomToken(),
	};
	await setSignedCookie(c, COOKIE, JSON.stringify(session), sessionSecret(c.env), {
		prefix: "host",
		httpOnly: true,
		secure: true,
		sameSite: "Lax",
		path: "/",
		maxAge: SESSION_TTL_MS / 1000,
	});
	return session;
}

/** The request's session, or null when there is none, it is forged, or it has expired. */
export async function readSession(
	c: Context<AdminEnv>,
	now = Date.now(),
): Promise<AdminSession | null> {
	const raw = await getSignedCookie(c, sessionSecret(c.env), COOKIE, "host");
	if (!raw) {
		return null;
	}
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		return null;
	}
	const parsed = sessionSchema.safeParse(json);
	return parsed.success && parsed.data.expiresAt > now ? parsed.data : null;
}

/** Clears the session cookie. */
export function endSession(c: Context<AdminEnv>): void {
	deleteCookie(c, COOKIE, {
		prefix: "host",
		httpOnly: true,
		secure: true,
		sameSite: "Lax",
		path: "/",
	});
}

/** The key that signs sessions and login links; the admin page stays shut without a strong one. */
export function sessionSecret(env: Env): string {
	const secret = env.SESSION_SECRET;
	if (secret === undefined || secret.length < 32) {
		throw new HTTPException(503, {
			message:
				"The admin page is not configured: set SESSION_SECRET (32 or more random characters) with `wrangler secret put SESSION_SECRET`.",
		});
	}
	return secret;
}
