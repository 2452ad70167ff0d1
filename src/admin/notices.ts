import type { Context } from "hono";
import type { AdminEnv } from "./session";

const NOTICES: Record<string, string> = {
	"scim-on": "SCIM is on. Generate a key on the SCIM keys page for your identity provider.",
	"scim-off": "SCIM is off. Your identity provider's requests are refused until it is on again.",
	"key-revoked": "The key was revoked: it no longer works.",
	"member-removed": "The member was removed from the team.",
	"invite-resent": "The invite was sent again with a new link; the old link no longer works.",
	"invite-revoked": "The invite was revoked.",
};

/** The confirmation named by `?notice=` after a redirect, if it is one of ours. */
export function notice(c: Context<AdminEnv>): string | undefined {
	return NOTICES[c.req.query("notice") ?? ""];
}
