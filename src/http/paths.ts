import { createMiddleware } from "hono/factory";
import { getPath } from "hono/utils/url";
import type { AppEnv } from "../env";
import { scimAuth } from "./middleware/scim-auth";

const SCIM_PREFIX = "/scim/v2/";

/** The SCIM endpoint names, by their lowercase spelling. RFC 7644 §3.2. */
const ENDPOINTS: ReadonlyMap<string, string> = new Map(
	[
		"Users",
		"Groups",
		"Schemas",
		"ResourceTypes",
		"ServiceProviderConfig",
		"Bulk",
		".search",
		"Me",
	].map((name) => [name.toLowerCase(), name]),
);

/**
 * The routing path of a request: Hono's, except that under /scim/v2/ repeated slashes collapse
 * and a trailing slash is dropped, so `/scim/v2//Users` (an IdP configured with a base URL that
 * ends in a slash) and `/scim/v2/Users/` are served as `/scim/v2/Users`; and the endpoint name
 * (and a resource type's `/.search`) is matched in any case, since Microsoft's SCIM validator
 * sends `/scim/v2/users`. Ids after it keep their case. Dot segments are already resolved by the
 * URL parser, and `%2F` is never decoded into a separator.
 */
export function routingPath(request: Request): string {
	const path = getPath(request);
	if (!path.startsWith(SCIM_PREFIX) || isCanonical(path)) {
		return path;
	}
	return canonicalScimPath(path);
}

const CANONICAL_ENDPOINTS: ReadonlySet<string> = new Set(ENDPOINTS.values());

/**
 * Whether a SCIM path is already spelled as routed, as nearly every IdP request is: it then
 * skips the rewriting below, which cost about 3 % of a GET's CPU.
 */
function isCanonical(path: string): boolean {
	if (path.includes("//") || path.endsWith("/")) {
		return false;
	}
	const rest = path.slice(SCIM_PREFIX.length);
	const slash = rest.indexOf("/");
	if (slash === -1) {
		return CANONICAL_ENDPOINTS.has(rest);
	}
	const second = rest.slice(slash + 1);
	return (
		CANONICAL_ENDPOINTS.has(rest.slice(0, slash)) &&
		(second === ".search" || second.toLowerCase() !== ".search")
	);
}

/**
 * {@link routingPath} for a path under /scim/v2/, spelled as routed or not (exported for the
 * test that checks the shortcut above against it).
 */
export function canonicalScimPath(path: string): string {
	const collapsed = path.replace(/\/{2,}/g, "/");
	const trimmed =
		collapsed.length > SCIM_PREFIX.length && collapsed.endsWith("/")
			? collapsed.slice(0, -1)
			: collapsed;
	const segments = trimmed.slice(SCIM_PREFIX.length).split("/");
	const [endpoint, second] = segments;
	segments[0] = ENDPOINTS.get(endpoint?.toLowerCase() ?? "") ?? endpoint ?? "";
	if (
		(segments[0] === "Users" || segments[0] === "Groups") &&
		segments.length === 2 &&
		second?.toLowerCase() === ".search"
	) {
		segments[1] = ".search";
	}
	return SCIM_PREFIX + segments.join("/");
}

/**
 * Makes every spelling of the SCIM base path need a valid SCIM key, not only the canonical one:
 * `/SCIM/V2/Users`, `//scim/v2`, `/scim%2Fv2/Users` and the like are not served (404), but only
 * after authentication, so no variant answers differently to a caller without a key.
 */
export const scimPathGate = createMiddleware<AppEnv>(async (c, next) => {
	const path = c.req.path;
	if (path === "/scim/v2" || path.startsWith(SCIM_PREFIX) || !looksLikeScim(path)) {
		await next();
		return;
	}
	await scimAuth(c, next);
});

function looksLikeScim(path: string): boolean {
	let decoded = path;
	try {
		decoded = decodeURIComponent(path);
	} catch {
		// Keep the raw path: a malformed escape cannot hide a separator from the test below.
	}
	return /^[/\\]*scim(?:[/\\]|$)/i.test(decoded.replace(/%2f/gi, "/"));
}
