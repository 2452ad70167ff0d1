import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import type { AdminEnv } from "./session";

/**
 * CSRF protection for every admin form, in two layers: Hono's `csrf()` refuses form posts whose
 * Origin (or Sec-Fetch-Site) is not this site, and each form carries the session's secret token,
 * which another site cannot read from the HttpOnly cookie.
 */

export const CSRF_FIELD = "_csrf";

const REFUSED =
	"This form was refused: it came from another site, or the page is out of date. Reload the page and try again.";

const originCheck = csrf();

/** Refuses cross-site form posts (Origin / Sec-Fetch-Site), with an admin-friendly message. */
export const sameOriginForms = createMiddleware<AdminEnv>(async (c, next) => {
	try {
		return await originCheck(c, next);
	} catch (error) {
		// Only the origin check itself throws here: errors further down were already handled.
		if (error instanceof HTTPException && error.status === 403) {
			throw new HTTPException(403, { message: REFUSED });
		}
		throw error;
	}
});

/** Refuses a POST whose form lacks the session's CSRF token. Runs after the admin is known. */
export const requireCsrfToken = createMiddleware<AdminEnv>(async (c, next) => {
	if (c.req.method === "POST") {
		const form = await c.req.parseBody();
		const presented = form[CSRF_FIELD];
		if (typeof presented !== "string" || !tokensEqual(presented, c.var.admin.csrf)) {
			throw new HTTPException(403, { message: REFUSED });
		}
	}
	await next();
});

function tokensEqual(a: string, b: string): boolean {
	const left = new TextEncoder().encode(a);
	const right = new TextEncoder().encode(b);
	return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}
