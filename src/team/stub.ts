/** The Durable Object that is the single writer of this team's changes. */
export function teamStub(env: Env, teamId: string) {
	return env.TEAM.get(env.TEAM.idFromName(teamId));
}
