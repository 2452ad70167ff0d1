import type { SignInFacts } from "../db/authority";
import type { MemberRole } from "../db/schema";

/**
 * The team-authority rule in one place (docs/architecture.md "Accounts and team authority"):
 * what a team may do to a global account, and whether a person may sign in to a team. Pure, so
 * the rule is tested without storage; the facts come from src/db/authority.ts.
 */

/** Why sign-in to a team is allowed or refused. */
export type SignInReason =
	| "no_account"
	| "blocked_by_team"
	| "not_a_member"
	| "blocked_by_managing_team"
	| "member";

export interface SignInDecision {
	allowed: boolean;
	reason: SignInReason;
	role?: MemberRole;
}

/**
 * May the account sign in to `teamId`: a member of that team, not blocked by it, and not
 * blocked everywhere by the team that manages the account (if any). No other team's action
 * counts, so a team can never lock another team's people out.
 */
export function signInDecision(teamId: string, facts: SignInFacts | null): SignInDecision {
	if (facts === null) {
		return { allowed: false, reason: "no_account" };
	}
	if (facts.blockedByTeam) {
		return { allowed: false, reason: "blocked_by_team" };
	}
	if (facts.role === null) {
		return { allowed: false, reason: "not_a_member" };
	}
	if (facts.managingTeamId !== teamId && facts.blockedEverywhereByManager) {
		return { allowed: false, reason: "blocked_by_managing_team" };
	}
	return { allowed: true, reason: "member", role: facts.role };
}
