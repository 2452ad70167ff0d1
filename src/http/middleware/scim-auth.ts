import { createMiddleware } from "hono/factory";
import { findKeyForAuth, keyStatus } from "../../db/keys";
import type { AppEnv } from "../../env";
import { parseKeyToken, secretMatchesHash } from "../../keys/token";
import { scimErrors } from "../../scim/errors";
import { teamStub } from "../../team/stub";

/** How stale a key's last-used time may get before a request refreshes it. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Authenticates a SCIM request by its bearer key: 401 for a missing, unknown, revoked or expired
 * key; 403 when the key's team has SCIM switched off. The key names the team.
 */
export const scimAuth = createMiddleware<AppEnv>(async (c, next) => {
	const header = c.req.header("Authorization") ?? "";
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	if (!match?.[1]) {
		throw scimErrors.unauthorized("Missing SCIM API key: send 'Authorization: Bearer <key>'.");
	}
	const parsed = parseKeyToken(match[1]);
	const found = parsed ? await findKeyForAuth(c.var.db, parsed.keyId) : null;
	if (!parsed || !found || !(await secretMatchesHash(parsed.secret, found.key.secretHash))) {
		throw scimErrors.unauthorized("Invalid SCIM API key.");
	}
	const now = new Date().toISOString();
	const status = keyStatus(found.key, now);
	if (status === "revoked" || status === "expired") {
		const why =
			status === "revoked"
				? "was revoked"
				: found.key.replacedByKeyId
					? "was replaced and its grace period has ended"
					: "has expired";
		throw scimErrors.unauthorized(`This SCIM API key ${why}.`);
	}
	if (!found.scimEnabled) {
		throw scimErrors.forbidden(
			"SCIM provisioning is switched off for this team; a team admin can turn it on.",
		);
	}
	const { teamId } = found.key;
	c.set("scimCaller", { teamId, keyId: found.key.id });
	const lastUsed = found.key.lastUsedAt ? Date.parse(found.key.lastUsedAt) : 0;
	if (Date.now() - lastUsed > TOUCH_INTERVAL_MS) {
		c.executionCtx.waitUntil(
			teamStub(c.env, teamId)
				.touchKey(found.key.id, c.req.header("User-Agent") ?? null)
				.catch((error: unknown) => console.error("touchKey failed", error)),
		);
	}
	await next();
});
