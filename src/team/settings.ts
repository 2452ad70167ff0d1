import { and, eq, sql } from "drizzle-orm";
import { findAccountByEmail, getMembershipRole } from "../db/accounts";
import { domainsVerifiedElsewhere, isMemberOfScimTeam, listTeamDomains } from "../db/authority";
import { chunkRows, runBatch, type Statement, uniqueViolation } from "../db/batch";
import type { Db } from "../db/client";
import { insertEvent, successEvent } from "../db/events";
import { keyStatus, publicKey } from "../db/keys";
import {
	accounts,
	memberships,
	type ScimKeyRow,
	scimKeys,
	type Team,
	teamDomains,
	teamSsoMethods,
	teams,
} from "../db/schema";
import { getTeam, listSsoMethods, ssoPreconditionProblem } from "../db/teams";
import { hashSecret, newKeyToken } from "../keys/token";
import type { Actor } from "../provisioning/actor";
import { scimErrors } from "../scim/errors";
import { foldCase } from "../scim/fold";
import { err, ok, type Result } from "../scim/result";

/**
 * Team settings and membership operations (docs/architecture.md "Product rules"): the SSO precondition, the
 * SCIM switch, SCIM keys, admins and the self-service actions SCIM locks. They run inside the
 * team's Durable Object like every other write of the team.
 */

export interface SettingsContext {
	teamId: string;
	actor: Actor;
	now: string;
}

export const MAX_GRACE_SECONDS = 86_400;

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

export type PublicKey = ReturnType<typeof publicKey>;

/**
 * Generates a named SCIM key; the token is returned this once and only its hash is kept. A key
 * given an expiry (an ISO time in the future) stops working then, like a grace period's end.
 */
export async function createKey(
	db: Db,
	ctx: SettingsContext,
	name: string,
	expiresAt: string | null = null,
): Promise<Result<PublicKey & { token: string }>> {
	if (expiresAt !== null && expiresAt <= ctx.now) {
		return err(scimErrors.invalidValue("A key's expiry must be in the future.").toData());
	}
	const problem = await keyPrecondition(db, ctx.teamId);
	if (problem) {
		return err(problem);
	}
	const { key, token, statement } = await newKeyStatement(db, ctx, name, expiresAt);
	await runBatch(db, [
		statement,
		insertEvent(
			db,
			event(ctx, "key.create", { targetType: "ScimKey", targetId: key.id, targetLabel: name }),
		),
	]);
	return ok({ ...publicKey(key, ctx.now), token });
}

/**
 * Replaces a key with a new one of the same name. The old key keeps working for `graceSeconds`
 * (0 to 86400) while the IdP is switched over, and not a second longer.
 */
export async function regenerateKey(
	db: Db,
	ctx: SettingsContext,
	keyId: string,
	graceSeconds: number,
): Promise<Result<PublicKey & { token: string }>> {
	const old = await getKey(db, ctx.teamId, keyId);
	if (!old) {
		return err(scimErrors.notFound(`SCIM key ${keyId} not found.`).toData());
	}
	const status = keyStatus(old, ctx.now);
	if (status === "revoked" || status === "expired") {
		return err(
			scimErrors.conflict(`SCIM key ${keyId} is ${status}; generate a new key instead.`).toData(),
		);
	}
	const problem = await keyPrecondition(db, ctx.teamId);
	if (problem) {
		return err(problem);
	}
	const { key, token, statement } = await newKeyStatement(db, ctx, old.name);
	const graceEnd = new Date(Date.parse(ctx.now) + graceSeconds * 1000).toISOString();
	// An old key already inside a grace period never gets a longer one.
	const expiresAt = old.expiresAt !== null && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
	await runBatch(db, [
		statement,
		db
			.update(scimKeys)
			.set(
				graceSeconds === 0
					? { revokedAt: ctx.now, replacedByKeyId: key.id }
					: { expiresAt, replacedByKeyId: key.id },
			)
			.where(eq(scimKeys.id, old.id)),
		insertEvent(
			db,
			event(ctx, "key.regenerate", {
				targetType: "ScimKey",
				targetId: key.id,
				targetLabel: old.name,
				detail: `Replaces key ${old.id}, which works for ${graceSeconds} more seconds`,
			}),
		),
	]);
	return ok({ ...publicKey(key, ctx.now), token });
}

/** Revokes a key: it stops working at once. */
export async function revokeKey(
	db: Db,
	ctx: SettingsContext,
	keyId: string,
): Promise<Result<null>> {
	const key = await getKey(db, ctx.teamId, keyId);
	if (!key) {
		return err(scimErrors.notFound(`SCIM key ${keyId} not found.`).toData());
	}
	if (key.revokedAt !== null) {
		return ok(null);
	}
	await runBatch(db, [
		db.update(scimKeys).set({ revokedAt: ctx.now }).where(eq(scimKeys.id, keyId)),
		insertEvent(
			db,
			event(ctx, "key.revoke", { targetType: "ScimKey", targetId: keyId, targetLabel: key.name }),
		),
	]);
	return ok(null);
}

/** Records when a key was last used, and by which client. */
export async function touchKey(
	db: Db,
	ctx: SettingsContext,
	keyId: string,
	userAgent: string | null,
): Promise<Result<null>> {
	await db
		.update(scimKeys)
		.set({ lastUsedAt: ctx.now, lastUserAgent: userAgent })
		.where(and(eq(scimKeys.teamId, ctx.teamId), eq(scimKeys.id, keyId)));
	return ok(null);
}

/** Makes the account with this email a team admin, creating the account if there is none. */
export async function addAdmin(
	db: Db,
	ctx: SettingsContext,
	email: string,
): Promise<Result<{ accountId: string; email: string; role: "admin" }>> {
	const team = await getTeam(db, ctx.teamId);
	if (!team) {
		return err(teamNotFound());
	}
	const existing = await findAccountByEmail(db, email);
	const accountId = existing?.id ?? crypto.randomUUID();
	const statements: Statement[] = [];
	if (!existing) {
		statements.push(
			db.insert(accounts).values({
				id: accountId,
				email,
				emailKey: foldCase(email),
				createdAt: ctx.now,
				updatedAt: ctx.now,
			}),
		);
	}
	statements.push(
		db
			.insert(memberships)
			.values({ teamId: ctx.teamId, accountId, role: "admin", createdAt: ctx.now })
			.onConflictDoUpdate({
				target: [memberships.teamId, memberships.accountId],
				set: { role: "admin" },
			}),
		insertEvent(
			db,
			event(ctx, "member.admin", {
				targetType: "Account",
				targetId: accountId,
				targetLabel: email,
			}),
		),
	);
	await runBatch(db, statements);
	return ok({ accountId, email: existing?.email ?? email, role: "admin" });
}

/**
 * Whether a member may leave the team on their own: not while this team is SCIM-managed (the
 * removal itself is src/provisioning/members.ts).
 */
export async function leavePrecondition(
	db: Db,
	teamId: string,
	accountId: string,
): Promise<Result<null>> {
	const team = await getTeam(db, teamId);
	if (!team) {
		return err(teamNotFound());
	}
	if ((await getMembershipRole(db, teamId, accountId)) === null) {
		return err(scimErrors.notFound("That account is not a member of this team.").toData());
	}
	if (team.scimEnabled) {
		return err(
			scimErrors
				.forbidden(
					"This team is managed by SCIM: members cannot leave on their own. Ask a team admin or your identity provider.",
				)
				.toData(),
		);
	}
	return ok(null);
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

/** A member changes their account email: refused while the team is SCIM-managed. */
export async function changeEmail(
	db: Db,
	ctx: SettingsContext,
	accountId: string,
	email: string,
): Promise<Result<{ accountId: string; email: string }>> {
	const locked = await selfServiceLock(db, ctx.teamId, accountId, "change their email");
	if (!locked.ok) {
		return locked;
	}
	try {
		await runBatch(db, [
			db
				.update(accounts)
				.set({ email, emailKey: foldCase(email), updatedAt: ctx.now })
				.where(eq(accounts.id, accountId)),
			insertEvent(
				db,
				event(ctx, "account.email", {
					targetType: "Account",
					targetId: accountId,
					targetLabel: email,
				}),
			),
		]);
	} catch (error) {
		if (uniqueViolation(error) !== null) {
			return err(
				scimErrors.conflict(`The email "${email}" already belongs to another account.`).toData(),
			);
		}
		throw error;
	}
	return ok({ accountId, email });
}

/** Whether a member may change their password now (the product stores passwords, not us). */
export async function checkPasswordChange(
	db: Db,
	ctx: SettingsContext,
	accountId: string,
): Promise<Result<null>> {
	return selfServiceLock(db, ctx.teamId, accountId, "change their password");
}

/**
 * Email and password belong to the account, not to one team: while the account is a member of
 * any team with SCIM on, its identity is managed by that team's IdP, whichever team the request
 * names.
 */
async function selfServiceLock(
	db: Db,
	teamId: string,
	accountId: string,
	what: string,
): Promise<Result<null>> {
	const team = await getTeam(db, teamId);
	if (!team) {
		return err(teamNotFound());
	}
	if ((await getMembershipRole(db, teamId, accountId)) === null) {
		return err(scimErrors.notFound("That account is not a member of this team.").toData());
	}
	if (await isMemberOfScimTeam(db, accountId)) {
		return err(
			scimErrors
				.forbidden(
					`This account is managed by SCIM: members cannot ${what}. It is managed in your identity provider.`,
				)
				.toData(),
		);
	}
	return ok(null);
}

async function getKey(db: Db, teamId: string, keyId: string): Promise<ScimKeyRow | null> {
	return (
		(await db
			.select()
			.from(scimKeys)
			.where(and(eq(scimKeys.teamId, teamId), eq(scimKeys.id, keyId)))
			.get()) ?? null
	);
}

async function keyPrecondition(db: Db, teamId: string) {
	const team = await getTeam(db, teamId);
	if (!team) {
		return teamNotFound();
	}
	const problem = ssoPreconditionProblem(await listSsoMethods(db, teamId));
	if (problem) {
		return scimErrors.conflict(`No SCIM key can be generated. ${problem}`).toData();
	}
	if (!team.scimEnabled) {
		return scimErrors
			.conflict("No SCIM key can be generated while SCIM is off: turn SCIM on first.")
			.toData();
	}
	return null;
}

async function newKeyStatement(
	db: Db,
	ctx: SettingsContext,
	name: string,
	expiresAt: string | null = null,
) {
	const { keyId, secret, token } = newKeyToken();
	const key: ScimKeyRow = {
		id: keyId,
		teamId: ctx.teamId,
		name,
		secretHash: await hashSecret(secret),
		createdAt: ctx.now,
		lastUsedAt: null,
		lastUserAgent: null,
		expiresAt,
		revokedAt: null,
		replacedByKeyId: null,
	};
	return { key, token, statement: db.insert(scimKeys).values(key) };
}

function teamNotFound() {
	return scimErrors.notFound("Team not found.").toData();
}

function event(
	ctx: SettingsContext,
	action: string,
	extra: { targetType?: string; targetId?: string; targetLabel?: string; detail?: string },
) {
	return { ...successEvent(ctx, action), ...extra };
}
