import { ScimError } from "../scim/errors";
import type { Result } from "../scim/result";

/** The value of a Durable Object result, or its error rebuilt and thrown for the error mapper. */
export function unwrap<T>(result: Result<T>): T {
	if (!result.ok) {
		throw ScimError.from(result.error);
	}
	return result.value;
}
