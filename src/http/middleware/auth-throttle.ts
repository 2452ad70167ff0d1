import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import {
	type Bucket,
	type ErrorRenderer,
	positive,
	takeToken,
	tooManyRequests,
} from "./rate-limit";

/**
 * Throttles failed authentication per client address (CF-Connecting-IP), before the credential
 * costs a D1 read: SCIM keys, the service token and admin login links. Two layers, as for the
 * per-key limit (rate-limit.ts):
 *
 * 1. In this isolate: a token bucket of failures per address (AUTH_FAILURE_BURST, refilled at
 *    AUTH_FAILURE_PER_MINUTE). An address whose bucket is empty, or that the binding refused, is
 *    answered 429 before the route looks anything up, whatever credential it sends.
 * 2. The Workers rate-limiting binding AUTH_FAILURE_LIMITER counts each failure in the location,
 *    across isolates; once it refuses, this isolate blocks the address for the binding's period.
 *    An isolate that has not seen the address yet pays one lookup to learn of the block.
 *
 * Only failures count, so an IdP's many good requests from a shared egress address spend
 * nothing; a misconfigured one that retries a wrong key is slowed, not locked out for long.
 */

export const DEFAULT_AUTH_FAILURE_BURST = 20;
export const DEFAULT_AUTH_FAILURE_PER_MINUTE = 30;
/** The binding's window (wrangler.toml), and how long a refused address stays blocked here. */
const BINDING_PERIOD_SECONDS = 60;
const MAX_ADDRESSES = 10_000;

interface AddressState {
	bucket: Bucket;
	/** Epoch ms until which the binding refused this address. */
	blockedUntil: number;
}

const addresses = new Map<string, AddressState>();

/**
 * A middleware that counts the responses `isFailure` picks as failed authentication of the
 * client address, and answers 429 with Retry-After (rendered by the surface's `render`), before
 * the route runs, to an address that failed too often.
 */
export function throttleAuthFailures(
	isFailure: (status: number) => boolean,
	render: ErrorRenderer,
) {
	return createMiddleware<AppEnv>(async (c, next) => {
		const address = c.req.header("CF-Connecting-IP") ?? "unknown";
		const config = {
			ratePerSecond: positive(c.env.AUTH_FAILURE_PER_MINUTE, DEFAULT_AUTH_FAILURE_PER_MINUTE) / 60,
			burst: positive(c.env.AUTH_FAILURE_BURST, DEFAULT_AUTH_FAILURE_BURST),
		};
		const now = Date.now();
		const state = addresses.get(address);
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
		const current = state ?? newState(address, config.burst, now);
		takeToken(current.bucket, now, config);
		const { success } = await c.env.AUTH_FAILURE_LIMITER.limit({ key: address });
		if (!success) {
			current.blockedUntil = now + BINDING_PERIOD_SECONDS * 1000;
			c.res = await tooManyRequests(c, BINDING_PERIOD_SECONDS, TOO_MANY_FAILURES, {}, render);
		}
	});
}

function newState(address: string, burst: number, now: number): AddressState {
	if (addresses.size >= MAX_ADDRESSES) {
		addresses.clear();
	}
	const state = { bucket: { tokens: burst, updatedAt: now }, blockedUntil: 0 };
	addresses.set(address, state);
	return state;
}

const TOO_MANY_FAILURES = "Too many failed sign-in attempts from this address";

/**
 * Throttles 401s (an unknown, wrong, revoked or expired SCIM key, service token or login link),
 * answering in the format of the surface that `render` belongs to.
 */
export function throttleUnauthorized(render: ErrorRenderer) {
	return throttleAuthFailures((status) => status === 401, render);
}
