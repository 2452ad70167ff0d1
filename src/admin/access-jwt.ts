import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { decode, verifyWithJwks } from "hono/utils/jwt/jwt";

/**
 * Cloudflare Access in front of /admin (docs/architecture.md "Admin auth"). Access signs a JWT for each
 * request it lets through and sends it as `Cf-Access-Jwt-Assertion`; the Worker checks it rather
 * than trusting that Access is really in front.
 *
 * Verification is Hono's `verifyWithJwks` (RS256 only; audience, issuer, expiry, not-before).
 * We hand it the keys ourselves instead of its `jwks_uri`, because with `jwks_uri` it fetches the
 * certificates on every call; here they are cached per isolate and refetched after the TTL, or
 * early when a token names a key id we have not seen (Access rotates its keys).
 */

export interface AccessConfig {
	/** e.g. `myteam.cloudflareaccess.com` */
	teamDomain: string;
	/** The Access application's audience (AUD) tag. */
	audience: string;
}

export interface AccessIdentity {
	email: string;
}

export const ACCESS_JWT_HEADER = "Cf-Access-Jwt-Assertion";

const KEYS_TTL_MS = 10 * 60 * 1000;
/** A token with an unknown key id refetches the certificates at most this often. */
const REFETCH_MIN_MS = 30 * 1000;

const keyCache = new Map<string, { keys: HonoJsonWebKey[]; fetchedAt: number }>();

/** The Access settings, or null when Access is not configured (both vars are needed). */
export function accessConfig(env: Env): AccessConfig | null {
	const teamDomain = String(env.ACCESS_TEAM_DOMAIN ?? "")
		.trim()
		.replace(/^https?:\/\//, "")
		.replace(/\/+$/, "");
	const audience = String(env.ACCESS_AUD ?? "").trim();
	return teamDomain && audience ? { teamDomain, audience } : null;
}

/** Why an Access token was refused; the message is safe to show. */
export class AccessJwtError extends Error {}

/** Verifies an Access JWT and returns the signed-in email. Throws AccessJwtError when invalid. */
export async function verifyAccessJwt(
	token: string,
	config: AccessConfig,
	now = Date.now(),
): Promise<AccessIdentity> {
	const issuer = `https://${config.teamDomain}`;
	let kid: string | undefined;
	try {
		kid = decode(token).header.kid;
	} catch {
		throw new AccessJwtError("The Cloudflare Access token is malformed.");
	}
	const keys = await accessKeys(`${issuer}/cdn-cgi/access/certs`, kid, now);
	let payload: Record<string, unknown>;
	try {
		payload = await verifyWithJwks(token, {
			keys,
			allowedAlgorithms: ["RS256"],
			verification: { aud: config.audience, iss: issuer },
		});
	} catch (error) {
		throw new AccessJwtError(
			`The Cloudflare Access token was refused: ${error instanceof Error ? error.name : "invalid"}.`,
		);
	}
	// verifyWithJwks checks `exp` only when present; Access always sets it, so require it.
	if (typeof payload.exp !== "number" || payload.exp * 1000 <= now) {
		throw new AccessJwtError("The Cloudflare Access token has expired.");
	}
	if (typeof payload.email !== "string" || !payload.email) {
		throw new AccessJwtError(
			"The Cloudflare Access token carries no email (service tokens cannot use the admin page).",
		);
	}
	return { email: payload.email };
}

/** Forgets the cached certificates (tests). */
export function clearAccessKeyCache(): void {
	keyCache.clear();
}

async function accessKeys(
	certsUrl: string,
	kid: string | undefined,
	now: number,
): Promise<HonoJsonWebKey[]> {
	const cached = keyCache.get(certsUrl);
	const fresh = cached && now - cached.fetchedAt < KEYS_TTL_MS;
	const knowsKid = cached?.keys.some((k) => k.kid === kid);
	if (cached && fresh && (knowsKid || now - cached.fetchedAt < REFETCH_MIN_MS)) {
		return cached.keys;
	}
	let res: Response;
	try {
		res = await fetch(certsUrl, { headers: { Accept: "application/json" } });
	} catch {
		if (cached) {
			return cached.keys;
		}
		throw new AccessJwtError("The Cloudflare Access certificates could not be fetched.");
	}
	const body = res.ok ? ((await res.json().catch(() => null)) as { keys?: unknown } | null) : null;
	if (!body || !Array.isArray(body.keys)) {
		if (cached) {
			return cached.keys;
		}
		throw new AccessJwtError("The Cloudflare Access certificates could not be fetched.");
	}
	const keys = body.keys as HonoJsonWebKey[];
	keyCache.set(certsUrl, { keys, fetchedAt: now });
	return keys;
}
