import { env } from "cloudflare:workers";

/**
 * Seeds `count` unlinked-style SCIM users of a team straight into D1 (one account each), in two
 * statements, for tests that need thousands of users without thousands of HTTP calls. Returns
 * their ids in creation order. The rows have the shape the provisioning code writes.
 */
export async function seedScimUsers(
	teamId: string,
	count: number,
	prefix = "seed",
): Promise<string[]> {
	const tag = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
	const now = new Date().toISOString();
	const series = `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?1)`;
	await env.DB.batch([
		env.DB.prepare(
			`${series} insert into accounts (id, email, email_key, created_by_team_id, created_at, updated_at)
			 select ?2 || '-a-' || i, ?2 || '.' || i || '@example.com', ?2 || '.' || i || '@example.com', ?3, ?4, ?4 from n`,
		).bind(count, tag, teamId, now),
		env.DB.prepare(
			`${series} insert into scim_users (id, team_id, user_name, user_name_key, active, state, account_id, resource, version, created_at, updated_at)
			 select ?2 || '-u-' || printf('%06d', i), ?3, ?2 || '.' || i || '@example.com', ?2 || '.' || i || '@example.com', 1, 'active', ?2 || '-a-' || i,
			   json_object('userName', ?2 || '.' || i || '@example.com', 'active', json('true'),
			     'emails', json_array(json_object('value', ?2 || '.' || i || '@example.com', 'primary', json('true')))),
			   1, ?4, ?4 from n`,
		).bind(count, tag, teamId, now),
	]);
	return Array.from({ length: count }, (_, i) => `${tag}-u-${String(i + 1).padStart(6, "0")}`);
}

/** Adds these users to a group straight in D1, in one statement. */
export async function seedMembers(
	teamId: string,
	groupId: string,
	userIds: string[],
): Promise<void> {
	await env.DB.prepare(
		`insert into scim_group_members (group_id, scim_user_id, team_id, created_at)
		 select ?1, value, ?2, ?3 from json_each(?4)`,
	)
		.bind(groupId, teamId, new Date().toISOString(), JSON.stringify(userIds))
		.run();
}

/** The member ids of a group, as stored. */
export async function storedMembers(groupId: string): Promise<string[]> {
	const { results } = await env.DB.prepare(
		"select scim_user_id as id from scim_group_members where group_id = ? order by scim_user_id",
	)
		.bind(groupId)
		.all<{ id: string }>();
	return results.map((r) => r.id);
}
