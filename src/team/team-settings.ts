import { and, eq, sql } from "drizzle-orm";
import { domainsVerifiedElsewhere, listTeamDomains } from "../db/authority";
import { chunkRows, runBatch, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent } from "../db/events";
import { type Team, teamDomains, teamSsoMethods, teams } from "../db/schema";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../db/teams";
import { scimErrors } from "../scim/errors";
import { foldCase } from "../scim/fold";
import { err, ok, type Result } from "../scim/result";
import { settingsEvent as event, type SettingsContext, teamNotFound } from "./settings-context";

/**
 * A team's own settings (docs/architecture.md "Product rules"): the team itself, its SSO methods,
 * the SCIM switch (which needs exactly one SSO method) and its verified domains. They run inside
 * the team's Durable Object like every other write of the team.
 */

/** Creates a team. */
export async function createTeam(
	db: Db,
	ctx: SettingsContext,
	name: string,
): Promise<Result<Team>> {
	const team: Team = {
		id: ctx.teamId,
		name,
		scimEnabled: false,
		scimUserCount: 0,
		scimGroupCount: 0,
		createdAt: ctx.now,
		updatedAt: ctx.now,
	};
	await runBatch(db, [
		db.insert(teams).values(team),
		insertEvent(db, event(ctx, "team.create", { detail: `Team "${name}" created` })),
	]);
	return ok(team);
}

/** Replaces the team's SSO methods. */
export async function setSsoMethods(
	db: Db,
	ctx: SettingsContext,
	methods: string[],
): Promise<Result<{ methods: string[] }>> {
	const team = await getTeam(db, ctx.teamId);
	if (!team) {
		return err(teamNotFound());
	}
	const unique = [...new Set(methods)].sort();
	const statements: Statement[] = [
		db.delete(teamSsoMethods).where(eq(teamSsoMethods.teamId, ctx.teamId)),
	];
	if (unique.length > 0) {
		statements.push(
			db.insert(teamSsoMethods).values(unique.map((method) => ({ teamId: ctx.teamId, method }))),
		);
	}
	statements.push(
		insertEvent(
			db,
			event(ctx, "team.sso", { detail: `SSO methods: ${unique.join(", ") || "none"}` }),
		),
	);
	await runBatch(db, statements);
	return ok({ methods: unique });
}

/** Turns SCIM on (only while exactly one SSO method is configured) or off. */
export async function setScimEnabled(
	db: Db,
	ctx: SettingsContext,
	enabled: boolean,
): Promise<Result<Team>> {
	const team = await getTeam(db, ctx.teamId);
	if (!team) {
		return err(teamNotFound());
	}
	if (enabled) {
		const problem = ssoPreconditionProblem(await listSsoMethods(db, ctx.teamId));
		if (problem) {
			return err(scimErrors.conflict(`SCIM cannot be turned on. ${problem}`).toData());
		}
	}
	await runBatch(db, [
		db
			.update(teams)
			.set({ scimEnabled: enabled, updatedAt: ctx.now })
			.where(eq(teams.id, ctx.teamId)),
		insertEvent(db, event(ctx, enabled ? "scim.enable" : "scim.disable", {})),
	]);
	return ok({ ...team, scimEnabled: enabled, updatedAt: ctx.now });
}

/**
 * Replaces the team's verified email domains. The product verifies ownership (e.g. by DNS) and
 * then tells the service; a domain another team has verified is refused, naming no team.
 */
export async function setDomains(
	db: Db,
	ctx: SettingsContext,
	domains: string[],
): Promise<Result<{ domains: string[] }>> {
	const team = await getTeam(db, ctx.teamId);
	if (!team) {
		return err(teamNotFound());
	}
	const wanted = [...new Set(domains.map(foldCase))].sort();
	const taken = await domainsVerifiedElsewhere(db, ctx.teamId, wanted);
	if (taken.length > 0) {
		return err(domainTaken(taken));
	}
	const statements: Statement[] = [
		db
			.delete(teamDomains)
			.where(
				and(
					eq(teamDomains.teamId, ctx.teamId),
					sql`${teamDomains.domain} not in (select value from json_each(${JSON.stringify(wanted)}))`,
				),
			),
		...chunkRows(wanted, 3).map((chunk) =>
			db
				.insert(teamDomains)
				.values(chunk.map((domain) => ({ domain, teamId: ctx.teamId, createdAt: ctx.now })))
				.onConflictDoNothing({ target: teamDomains.domain }),
		),
		insertEvent(
			db,
			event(ctx, "team.domains", { detail: `Verified domains: ${wanted.join(", ") || "none"}` }),
		),
	];
	await runBatch(db, statements);
	// Another team's object may have claimed a domain between the check and the batch; the insert
	// then did nothing for it, and reading back shows exactly what this team holds.
	const held = await listTeamDomains(db, ctx.teamId);
	const lost = wanted.filter((d) => !held.includes(d));
	return lost.length > 0 ? err(domainTaken(lost)) : ok({ domains: held });
}

function domainTaken(domains: string[]) {
	return scimErrors
		.conflict(
			`Already verified by another team: ${domains.join(", ")}. A domain belongs to at most one team.`,
		)
		.toData();
}
