/**
 * When a failed invite email is tried again: 30 s after the first failure, doubling each time,
 * never more than an hour apart, plus up to 20% jitter so a team's failed emails (or many teams
 * after a shared outage) do not all retry at the same instant. Pure: the caller passes the random
 * number.
 */

export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 60 * 60 * 1000;
export const JITTER_RATIO = 0.2;

/**
 * The delay before the next attempt after `attempts` failed ones (1 for the first failure).
 * `random` is in [0, 1), e.g. `Math.random()`.
 */
export function retryDelayMs(attempts: number, random: number): number {
	const exponent = Math.max(0, Math.min(attempts - 1, 30));
	const base = Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
	const jitter = Math.floor(Math.min(Math.max(random, 0), 1) * base * JITTER_RATIO);
	return base + jitter;
}
