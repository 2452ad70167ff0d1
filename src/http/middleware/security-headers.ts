import { createMiddleware } from "hono/factory";

/**
 * Headers every response carries, on every surface, errors and 404s included. Responses hold
 * provisioning data and secrets shown once (new SCIM keys), so nothing may be cached, sniffed,
 * framed or leak its URL in a Referer. A header a route already set (the admin pages' stricter
 * secureHeaders, their own Cache-Control) is kept.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy": "no-referrer",
	"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
	"X-Frame-Options": "DENY",
};

/** Adds the security headers after the route (or the error mapper) has built the response. */
export const securityHeaders = createMiddleware(async (c, next) => {
	await next();
	const headers = c.res.headers;
	for (const [name, value] of Object.entries({
		...SECURITY_HEADERS,
		"Cache-Control": "no-store",
	})) {
		if (!headers.has(name)) {
			headers.set(name, value);
		}
	}
});
