import type { ScimErrorData } from "./errors";

/** The outcome of an operation that can fail with a SCIM error, safe to send over RPC. */
export type Result<T, E = ScimErrorData> = { ok: true; value: T } | { ok: false; error: E };

/** A successful result. */
export function ok<T>(value: T): { ok: true; value: T } {
	return { ok: true, value };
}

/** A failed result. */
export function err<E = ScimErrorData>(error: E): { ok: false; error: E } {
	return { ok: false, error };
}
