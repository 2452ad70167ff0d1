import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { scimErrors } from "../../scim/errors";
import { handleScimError } from "../errors";

/**
 * Per-SCIM-key rate limiting, in two layers, both keyed by the key id and both checked before the
 * request body is read:
 *
 * 1. A token bucket in this isolate's memory (SCIM_RATE_LIMIT_PER_SECOND, SCIM_RATE_LIMIT_BURST).
 *    It costs no I/O, gives smooth rate-plus-burst semantics and an exact Retry-After, but each
 *    isolate keeps its own buckets, so on its own it would let N isolates serve N times the rate.
 * 2. The Workers rate-limiting binding (`[[ratelimits]] SCIM_RATE_LIMITER` in wrangler.toml): a
 *    counter shared by every isolate in a Cloudflare location, fixed windows of 10 s. It bounds the
 *    total; its limit (1200 per 10 s) is the bucket's rate × 10 + burst and must be changed with
 *    them. Miniflare implements it, so `wrangler dev` and the tests run the same code. It is asked
 *    beside the request, not before it (one hop less on every request), and its refusal applies
 *    from the key's next request on.
 *
 * A team Durable Object would count exactly, but every read would pay a round trip to it; the
 * limits exist to stop a runaway client, not to meter, so approximate and cheap wins. Defaults sit
 * far above the 25 requests/s per tenant that Entra sustains (docs/idp-notes.md "Microsoft Entra ID"): an IdP in normal
 * use is never throttled. Okta honours Retry-After (docs/idp-notes.md "Okta").
 */

export const DEFAULT_RATE_PER_SECOND = 100;
export const DEFAULT_BURST = 200;
/** The binding's window; a throttled client waits at most this long. */
const BINDING_PERIOD_SECONDS = 10;
/** Buckets kept per isolate before idle ones are dropped (memory stays bounded). */
const MAX_BUCKETS = 10_000;

export interface RateLimitConfig {
	ratePerSecond: number;
	burst: number;
}

export interface Bucket {
	tokens: number;
	updatedAt: number;
}

/**
 * Takes one token from a bucket at time `now` (ms). Returns the seconds to wait (at least 1) when
 * the bucket is empty, else 0. Mutates the bucket.
 */
export function takeToken(bucket: Bucket, now: number, config: RateLimitConfig): number {
	const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
	bucket.tokens = Math.min(config.burst, bucket.tokens + elapsed * config.ratePerSecond);
	bucket.updatedAt = now;
	if (bucket.tokens >= 1) {
		bucket.tokens -= 1;
		return 0;
	}
	return Math.max(1, Math.ceil((1 - bucket.tokens) / config.ratePerSecond));
}

/**
 * The RateLimit header fields for a bucket just taken from: the burst is the quota, the whole
 * tokens left are what remains, and the reset is the seconds until the bucket is full again.
 */
export function rateLimitHeaders(bucket: Bucket, config: RateLimitConfig): Record<string, string> {
	const remaining = Math.max(0, Math.floor(bucket.tokens));
	const reset = Math.ceil(Math.max(0, config.burst - bucket.tokens) / config.ratePerSecond);
	return {
		"RateLimit-Limit": String(config.burst),
		"RateLimit-Remaining": String(remaining),
		"RateLimit-Reset": String(reset),
	};
}

/** The limits configured in the Worker's vars, with the defaults for missing or bad values. */
export function rateLimitConfig(env: Env): RateLimitConfig {
	return {
		ratePerSecond: positive(env.SCIM_RATE_LIMIT_PER_SECOND, DEFAULT_RATE_PER_SECOND),
		burst: positive(env.SCIM_RATE_LIMIT_BURST, DEFAULT_BURST),
	};
}

const buckets = new Map<string, Bucket>();
/** Epoch ms until which the binding refused a key, per key id: this isolate then refuses too. */
const refusedUntil = new Map<string, number>();

/**
 * Answers 429 with Retry-After once the caller's SCIM key has used up its budget, and adds the
 * RateLimit header fields to every answer. The binding counts the request in the location's
 * window without holding it up (no awaited hop on every request): when the binding refuses, this
 * isolate refuses the key for the binding's window from the next request on, so the shared bound
 * holds to within the requests each isolate has in flight.
 */
export const scimRateLimit = createMiddleware<AppEnv>(async (c, next) => {
	const { keyId } = c.var.scimCaller;
	const config = rateLimitConfig(c.env);
	const now = Date.now();
	let bucket = buckets.get(keyId);
	if (bucket === undefined) {
		if (buckets.size >= MAX_BUCKETS) {
			buckets.clear();
			refusedUntil.clear();
		}
		bucket = { tokens: config.burst, updatedAt: now };
		buckets.set(keyId, bucket);
	}
	const refused = Math.ceil(((refusedUntil.get(keyId) ?? 0) - now) / 1000);
	if (refused > 0) {
		return tooManyRequests(c, refused, undefined, {
			...rateLimitHeaders(bucket, config),
			"RateLimit-Remaining": "0",
			"RateLimit-Reset": String(refused),
		});
	}
	const wait = takeToken(bucket, now, config);
	const headers = rateLimitHeaders(bucket, config);
	if (wait > 0) {
		return tooManyRequests(c, wait, undefined, headers);
	}
	c.executionCtx.waitUntil(
		c.env.SCIM_RATE_LIMITER.limit({ key: keyId }).then(
			({ success }) => {
				if (!success) {
					refusedUntil.set(keyId, Date.now() + BINDING_PERIOD_SECONDS * 1000);
				}
			},
			(error: unknown) => console.error("rate limiter binding failed", error),
		),
	);
	await next();
	for (const [name, value] of Object.entries(headers)) {
		c.res.headers.set(name, value);
	}
});

/** Renders an error in one surface's format (each surface's onError). */
export type ErrorRenderer = (error: Error, c: Context) => Response | Promise<Response>;

/** The 429 in the surface's error format, with Retry-After (and any RateLimit-* headers). */
export async function tooManyRequests(
	c: Context<AppEnv>,
	retryAfterSeconds: number,
	reason = "Too many requests for this SCIM API key",
	headers: Record<string, string> = {},
	render: ErrorRenderer = handleScimError,
): Promise<Response> {
	const response = await render(
		scimErrors.tooManyRequests(`${reason}: retry after ${retryAfterSeconds} s (Retry-After).`),
		c,
	);
	response.headers.set("Retry-After", String(retryAfterSeconds));
	for (const [name, value] of Object.entries(headers)) {
		response.headers.set(name, value);
	}
	return response;
}

/** A positive number from a var, else `fallback`. */
export function positive(value: string | undefined, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : fallback;
}
