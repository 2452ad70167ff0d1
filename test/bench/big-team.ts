import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { foldCase } from "../../src/scim/fold.ts";
import { oktaUser } from "./workload.ts";

/**
 * Seeds a team of many users straight into scim-edge's local D1 with generated SQL, in the shape
 * the service writes (accounts, scim_users, scim_user_emails, memberships, plus the team, its SSO
 * method and a SCIM key): provisioning 100,000 users over HTTP would take longer than the whole
 * benchmark.
 */

// Local D1 refuses statements over 100 KB; 100 users with their resource JSON stay well under.
const ROWS_PER_INSERT = 100;
/** The first user's created_at; each next user is one second later, so paging order is known. */
const EPOCH = Date.parse("2026-01-01T00:00:00.000Z");

export interface BigTeam {
	teamId: string;
	token: string;
	/** The SQL files to run, in order, with `wrangler d1 execute --local --file`. */
	files: string[];
}

export function bigTeamUserName(i: number): string {
	return oktaUser(i, "big").userName;
}

export function writeBigTeamSql(dir: string, users: number, usersPerFile: number): BigTeam {
	const teamId = `bench-big-${randomBytes(6).toString("hex")}`;
	const keyId = randomBytes(12).toString("hex");
	const secret = randomBytes(32).toString("base64url");
	const now = new Date(EPOCH).toISOString();
	const files: string[] = [];
	const header = [
		`INSERT INTO teams (id, name, scim_enabled, created_at, updated_at) VALUES (${q(teamId)}, 'Big bench team', 1, ${q(now)}, ${q(now)});`,
		`INSERT INTO team_sso_methods (team_id, method) VALUES (${q(teamId)}, 'saml');`,
		`INSERT INTO scim_keys (id, team_id, name, secret_hash, created_at) VALUES (${q(keyId)}, ${q(teamId)}, 'bench', ${q(sha256Hex(secret))}, ${q(now)});`,
	];
	for (let from = 0; from < users; from += usersPerFile) {
		const to = Math.min(users, from + usersPerFile);
		const statements = from === 0 ? [...header] : [];
		for (let start = from; start < to; start += ROWS_PER_INSERT) {
			statements.push(...insertUsers(teamId, start, Math.min(to, start + ROWS_PER_INSERT)));
		}
		const file = join(dir, `big-team-${String(files.length).padStart(3, "0")}.sql`);
		writeFileSync(file, `${statements.join("\n")}\n`);
		files.push(file);
	}
	return { teamId, token: `scim_${keyId}_${secret}`, files };
}

function insertUsers(teamId: string, from: number, to: number): string[] {
	const accounts: string[] = [];
	const users: string[] = [];
	const emails: string[] = [];
	const members: string[] = [];
	for (let i = from; i < to; i++) {
		const user = oktaUser(i, "big");
		const { schemas: _schemas, ...resource } = user;
		const id = uuid(i, "5c1e");
		const accountId = uuid(i, "acc0");
		const at = q(new Date(EPOCH + i * 1000).toISOString());
		const email = q(user.userName);
		// The stored case-fold keys (src/scim/fold.ts), as the application writes them.
		const key = q(foldCase(user.userName));
		const given = q(user.name.givenName);
		const family = q(user.name.familyName);
		accounts.push(
			`(${q(accountId)}, ${email}, ${key}, ${given}, ${family}, ${q(teamId)}, ${at}, ${at})`,
		);
		users.push(
			`(${q(id)}, ${q(teamId)}, ${email}, ${key}, ${q(user.externalId)}, ${q(user.displayName)}, ${given}, ${family}, ${email}, 1, 'active', ${q(accountId)}, ${at}, ${q(JSON.stringify(resource))}, 1, ${at}, ${at})`,
		);
		emails.push(`(${q(id)}, ${q(teamId)}, 0, ${email}, ${key}, 'work', 1)`);
		members.push(`(${q(teamId)}, ${q(accountId)}, 'developer', ${at})`);
	}
	return [
		`INSERT INTO accounts (id, email, email_key, given_name, family_name, created_by_team_id, created_at, updated_at) VALUES ${accounts.join(",")};`,
		`INSERT INTO scim_users (id, team_id, user_name, user_name_key, external_id, display_name, given_name, family_name, email, active, state, account_id, joined_at, resource, version, created_at, updated_at) VALUES ${users.join(",")};`,
		`INSERT INTO scim_user_emails (scim_user_id, team_id, position, value, value_key, type, "primary") VALUES ${emails.join(",")};`,
		`INSERT INTO memberships (team_id, account_id, role, created_at) VALUES ${members.join(",")};`,
	];
}

/** A deterministic UUID-shaped id per user, so reruns of the SQL are easy to compare. */
function uuid(i: number, tag: string): string {
	const n = i.toString(16).padStart(12, "0");
	return `${tag}0000-0000-4000-8000-${n}`;
}

function q(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

function sha256Hex(text: string): string {
	return createHash("sha256").update(text).digest("hex");
}
