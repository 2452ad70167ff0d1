import { keyStatus } from "../db/keys";
import type { ScimKeyRow } from "../db/schema";
import { type ScimError, scimErrors } from "../scim/errors";

/**
 * The one rule for whether a SCIM key may be used now (docs/architecture.md "One round trip per
 * request"). The Worker applies it to the key row it reads in the same D1 batch as a request's
 * data, and the team object to the row it reads in the same batch as a write's reads.
 */

/** What a request presents: the key id and the SHA-256 of its secret. */
export interface KeyCredential {
	keyId: string;
	secretHash: string;
}

/** The key row and its team's SCIM switch, as `keyForAuthQuery` reads them. */
export interface KeyForAuth {
	key: ScimKeyRow;
	scimEnabled: boolean;
}

/**
 * Why `found` does not let `credential` in at `now`, or null when it does: 401 for an unknown,
 * wrong, revoked or expired key, 403 when the team has SCIM switched off.
 */
export function keyRefusal(
	found: KeyForAuth | null | undefined,
	credential: KeyCredential,
	now: string,
): ScimError | null {
	if (!found || !hashesMatch(credential.secretHash, found.key.secretHash)) {
		return scimErrors.unauthorized("Invalid SCIM API key.");
	}
	const status = keyStatus(found.key, now);
	if (status === "revoked" || status === "expired") {
		const why =
			status === "revoked"
				? "was revoked"
				: found.key.replacedByKeyId
					? "was replaced and its grace period has ended"
					: "has expired";
		return scimErrors.unauthorized(`This SCIM API key ${why}.`);
	}
	if (!found.scimEnabled) {
		return scimErrors.forbidden(
			"SCIM provisioning is switched off for this team; a team admin can turn it on.",
		);
	}
	return null;
}

/** Compares two hex hashes in constant time. */
export function hashesMatch(presented: string, stored: string): boolean {
	const a = new TextEncoder().encode(presented);
	const b = new TextEncoder().encode(stored);
	return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
