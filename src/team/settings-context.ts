import { successEvent } from "../db/events";
import type { Actor } from "../provisioning/actor";
import { scimErrors } from "../scim/errors";

/** What every team-settings operation knows: the team, who acts, and when. */
export interface SettingsContext {
	teamId: string;
	actor: Actor;
	now: string;
}

/** A log event of a settings operation, with its target and detail. */
export function settingsEvent(
	ctx: SettingsContext,
	action: string,
	extra: { targetType?: string; targetId?: string; targetLabel?: string; detail?: string },
) {
	return { ...successEvent(ctx, action), ...extra };
}

export function teamNotFound() {
	return scimErrors.notFound("Team not found.").toData();
}
