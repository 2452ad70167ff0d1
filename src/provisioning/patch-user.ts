import type { ScimUserRow } from "../db/schema";
import { applyPatch, type PatchOperation } from "../scim/patch";
import type { Result } from "../scim/result";
import { USER_RESOURCE_TYPE } from "../scim/schemas/resource-types";

/** The stored user's resource after a PATCH (RFC 7644 §3.5.2), and whether anything changed. */
export function patchUserResource(
	user: ScimUserRow,
	operations: PatchOperation[],
): Result<{ resource: Record<string, unknown>; changed: boolean }> {
	const patched = applyPatch(user.resource, operations, USER_RESOURCE_TYPE);
	return patched.ok
		? { ok: true, value: { resource: patched.value.resource, changed: patched.value.changed } }
		: patched;
}
