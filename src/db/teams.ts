import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { type Team, teamSsoMethods, teams } from "./schema";

/** A team, or null. */
export async function getTeam(db: Db, teamId: string): Promise<Team | null> {
	return (await db.select().from(teams).where(eq(teams.id, teamId)).get()) ?? null;
}

/** The team's SSO methods, sorted. */
export async function listSsoMethods(db: Db, teamId: string): Promise<string[]> {
	const rows = await db
		.select({ method: teamSsoMethods.method })
		.from(teamSsoMethods)
		.where(eq(teamSsoMethods.teamId, teamId))
		.orderBy(teamSsoMethods.method);
	return rows.map((r) => r.method);
}

/** Why SCIM cannot be used for this team yet, or null when the SSO precondition holds. */
export function ssoPreconditionProblem(methods: string[]): string | null {
	if (methods.length === 0) {
		return "This team has no SSO method; SCIM needs exactly one SSO method. Configure one first.";
	}
	if (methods.length > 1) {
		return `This team has ${methods.length} SSO methods (${methods.join(", ")}); SCIM needs exactly one SSO method. Remove all but one first.`;
	}
	return null;
}

/**
 * What an admin must know when SCIM is on but the SSO precondition no longer holds (the SSO
 * setup changed afterwards), or null. Existing keys keep working on purpose: deprovisioning must
 * never stop silently; only new keys are refused.
 */
export function scimDriftWarning(scimEnabled: boolean, methods: string[]): string | null {
	const problem = ssoPreconditionProblem(methods);
	return scimEnabled && problem !== null
		? `SCIM is on, but the team's SSO setup has changed: ${problem} Existing SCIM keys keep working, so your identity provider can still update and deprovision people; no new key can be generated until the team has exactly one SSO method again.`
		: null;
}
