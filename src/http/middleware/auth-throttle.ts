import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import {
	type Bucket,
	type ErrorRenderer,
	positive,
	takeToken,
	tooManyRequests,
} from "./rate-limit";
import { presentedKeyId } from "./scim-auth";

/**
 * Throttles failed authentication per client address (CF-Connecting-IP), before the credential
 * costs a D1 read: SCIM keys, the service token and admin login links. Two layers, as for the
 * per-key limit (rate-limit.ts):
 *
 * 1. In this isolate: a token bucket of failures per throttle key (AUTH_FAILURE_BURST, refilled
 *    at AUTH_FAILURE_PER_MINUTE). A throttle key whose bucket is empty, or that the binding
 *    refused, is answered 429 before the route looks anything up.
 * 2. The Workers rate-limiting binding AUTH_FAILURE_LIMITER counts each failure in the location,
 *    across isolates; once it refuses, this isolate blocks the throttle key for the binding's
 *    period. An isolate that has not seen the key yet pays one lookup to learn of the block.
 *
 * The throttle key is the address, and for SCIM the address and the key id a well-formed key
 * names (`scimThrottleKey`). Okta and Entra call every tenant from a few shared egress addresses,
 * so one team's revoked or mistyped key, or an attacker on the same egress, must not throttle
 * another team's key; only credentials that name no key at all share the address's bucket. The
 * price: a made-up key id costs one indexed read before it is refused (docs/architecture.md
 * "Failed authentication").
 *
 * Only failures count, so an IdP's many good requests spend nothing; a misconfigured one that
 * retries a wrong key is slowed, not locked out for long.
 */

export const DEFAULT_AUTH_FAILURE_BURST = 20;
export const DEFAULT_AUTH_FAILURE_PER_MINUTE = 30;
/** The binding's window (wrangler.toml), and how long a refused key stays blocked here. */
const BINDING_PERIOD_SECONDS = 60;
const MAX_THROTTLE_KEYS = 10_000;

interface ThrottleState {
	bucket: Bucket;
	/** Epoch ms until which the binding refused this throttle key. */
	blockedUntil: number;
}

const throttled = new Map<string, ThrottleState>();

/** What failures are counted against: a client address, or an address and the key it names. */
export type ThrottleKey = (c: Context<AppEnv>) => string;

/** The client address (CF-Connecting-IP, set by Cloudflare's edge). */
export const addressThrottleKey: ThrottleKey = (c) => c.req.header("CF-Connecting-IP") ?? "unknown";

/**
 * The client address and the key id of a well-formed SCIM key; the address alone for a missing
 * or malformed credential.
 */
export const scimThrottleKey: ThrottleKey = (c) => {
	const keyId = presentedKeyId(c.req.header("Authorization"));
	const address = addressThrottleKey(c);
	return keyId === null ? address : `${address} key:${keyId}`;
};

/**
 * A middleware that counts the responses `isFailure` picks as failed authentication against
 * `throttleKey`, and answers 429 with Retry-After (rendered by the surface's `render`), before
 * the route runs, to a throttle key that failed too often.
 */
export function throttleAuthFailures(
	isFailure: (status: number) => boolean,
	render: ErrorRenderer,
	throttleKey: ThrottleKey = addressThrottleKey,
) {
	return createMiddleware<AppEnv>(async (c, next) => {
		const key = throttleKey(c);
		const config = {
			ratePerSecond: positive(c.env.AUTH_FAILURE_PER_MINUTE, DEFAULT_AUTH_FAILURE_PER_MINUTE) / 60,
			burst: positive(c.env.AUTH_FAILURE_BURST, DEFAULT_AUTH_FAILURE_BURST),
		};
		const now = Date.now();
		const state = throttled.get(key);
		if (state !== undefined) {
			const wait = Math.max(
				Math.ceil((state.blockedUntil - now) / 1000),
				// Peek: refill, and see whether one more failure would be allowed.
				takeToken({ ...state.bucket }, now, config),
			);
			if (wait > 0) {
				return tooManyRequests(c, wait, TOO_MANY_FAILURES, {}, render);
			}
		}
		await next();
		if (!isFailure(c.res.status)) {
			return;
		}
		const current = state ?? newState(key, config.burst, now);
		takeToken(current.bucket, now, config);
		const { success } = await c.env.AUTH_FAILURE_LIMITER.limit({ key });
		if (!success) {
			current.blockedUntil = now + BINDING_PERIOD_SECONDS * 1000;
			c.res = await tooManyRequests(c, BINDING_PERIOD_SECONDS, TOO_MANY_FAILURES, {}, render);
		}
	});
}

function newState(key: string, burst: number, now: number): ThrottleState {
	if (throttled.size >= MAX_THROTTLE_KEYS) {
		throttled.clear();
	}
	const state = { bucket: { tokens: burst, updatedAt: now }, blockedUntil: 0 };
	throttled.set(key, state);
	return state;
}

const TOO_MANY_FAILURES = "Too many failed sign-in attempts from this address";

/**
 * Throttles 401s (an unknown, wrong, revoked or expired SCIM key, service token or login link),
 * answering in the format of the surface that `render` belongs to.
 */
export function throttleUnauthorized(render: ErrorRenderer, throttleKey?: ThrottleKey) {
	return throttleAuthFailures((status) => status === 401, render, throttleKey);
}
