import {
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * The single source of truth for storage. `drizzle-kit generate` turns it into migrations/.
 * Times are ISO-8601 UTC strings of one fixed format, so they sort and compare as text.
 * Booleans are 0/1 integers.
 */

const createdAt = () => text("created_at").notNull();
const updatedAt = () => text("updated_at").notNull();

export const teams = sqliteTable("teams", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	scimEnabled: integer("scim_enabled", { mode: "boolean" }).notNull().default(false),
	/**
	 * How many SCIM Users and Groups the team has, for an unfiltered list's totalResults without
	 * counting: kept by triggers on scim_users and scim_groups (migrations/0008), so every batch
	 * that inserts or deletes one keeps it exact, whoever wrote the batch.
	 */
	scimUserCount: integer("scim_user_count").notNull().default(0),
	scimGroupCount: integer("scim_group_count").notNull().default(0),
	createdAt: createdAt(),
	updatedAt: updatedAt(),
});

/** The team's configured SSO methods (saml, oidc, ...); SCIM needs exactly one. */
export const teamSsoMethods = sqliteTable(
	"team_sso_methods",
	{
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		method: text("method").notNull(),
	},
	(t) => [primaryKey({ columns: [t.teamId, t.method] })],
);

/** Global product accounts; one per email, compared case-insensitively. */
export const accounts = sqliteTable(
	"accounts",
	{
		id: text("id").primaryKey(),
		email: text("email").notNull(),
		/** foldCase(email) (src/scim/fold.ts): emails are unique and looked up by it. */
		emailKey: text("email_key").notNull(),
		givenName: text("given_name"),
		familyName: text("family_name"),
		/**
		 * The team whose SCIM created this account. It manages the account while the account
		 * belongs to no other team and no other team has verified its domain (src/db/authority.ts).
		 */
		createdByTeamId: text("created_by_team_id"),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
	},
	(t) => [uniqueIndex("accounts_email_key_unique").on(t.emailKey)],
);

/**
 * How far a team's block on an account reaches (docs/architecture.md "Accounts and team
 * authority"): `team` blocks sign-in to that team only; `everywhere` also blocks every other
 * team, but only while the blocking team manages the account (src/db/authority.ts).
 */
export type BlockScope = "team" | "everywhere";

/** A team's block on an account's sign-in, set when the team deactivates the person. */
export const accountBlocks = sqliteTable(
	"account_blocks",
	{
		accountId: text("account_id")
			.notNull()
			.references(() => accounts.id),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		scope: text("scope").$type<BlockScope>().notNull().default("team"),
		createdAt: createdAt(),
	},
	(t) => [primaryKey({ columns: [t.accountId, t.teamId] })],
);

/**
 * Email domains a team has verified (the product proves ownership, e.g. by DNS, and tells the
 * service). A domain belongs to at most one team, which manages every account in it.
 */
export const teamDomains = sqliteTable(
	"team_domains",
	{
		/** foldCase(domain): what an account's email domain is compared with. */
		domain: text("domain").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		createdAt: createdAt(),
	},
	(t) => [index("team_domains_team").on(t.teamId)],
);

export type MemberRole = "admin" | "developer";

/** Active team membership. Deactivated people have no row here. */
export const memberships = sqliteTable(
	"memberships",
	{
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		accountId: text("account_id")
			.notNull()
			.references(() => accounts.id),
		role: text("role").$type<MemberRole>().notNull().default("developer"),
		createdAt: createdAt(),
	},
	(t) => [
		primaryKey({ columns: [t.teamId, t.accountId] }),
		index("memberships_account").on(t.accountId),
	],
);

/**
 * unlinked: the IdP has sent no email yet, so there is no account, membership or sign-in;
 * invited: the account exists outside the team and an invite is pending; active: a member who
 * may sign in; deactivated: not a member, sign-in to the team blocked.
 */
export type ScimUserState = "unlinked" | "invited" | "active" | "deactivated";

/** The team's provisioned identity for one person: the SCIM User resource as the IdP sent it. */
export const scimUsers = sqliteTable(
	"scim_users",
	{
		id: text("id").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		userName: text("user_name").notNull(),
		/** foldCase(userName) (src/scim/fold.ts): unique per team, and what filters and sorting compare. */
		userNameKey: text("user_name_key").notNull(),
		externalId: text("external_id"),
		displayName: text("display_name"),
		givenName: text("given_name"),
		familyName: text("family_name"),
		/** The primary (or first) email, used to link the account. */
		email: text("email"),
		active: integer("active", { mode: "boolean" }).notNull(),
		state: text("state").$type<ScimUserState>().notNull(),
		/** The linked account; null while the user is unlinked (no email yet). */
		accountId: text("account_id").references(() => accounts.id),
		/** Set once the person first became an active member, so reactivation re-adds instead of re-inviting. */
		joinedAt: text("joined_at"),
		/** Every attribute the IdP sent (core + extensions), minus id/meta/password, as JSON. */
		resource: text("resource", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
		version: integer("version").notNull().default(1),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
	},
	(t) => [
		uniqueIndex("scim_users_team_user_name_key").on(t.teamId, t.userNameKey),
		uniqueIndex("scim_users_team_account").on(t.teamId, t.accountId),
		// Who manages an account asks whether another team's user is linked to it (src/db/authority.ts).
		index("scim_users_account").on(t.accountId),
		// externalId eq (Entra's matching filter) is answered in list order straight from this index;
		// with (team_id, external_id) alone SQLite preferred walking the whole team in created order.
		index("scim_users_team_external_id").on(t.teamId, t.externalId, t.createdAt, t.id),
		index("scim_users_team_created").on(t.teamId, t.createdAt, t.id),
	],
);

/** One row per email of a SCIM user, so filters on emails use an index. */
export const scimUserEmails = sqliteTable(
	"scim_user_emails",
	{
		scimUserId: text("scim_user_id")
			.notNull()
			.references(() => scimUsers.id, { onDelete: "cascade" }),
		teamId: text("team_id").notNull(),
		position: integer("position").notNull(),
		value: text("value").notNull(),
		/** foldCase(value) (src/scim/fold.ts), what email filters compare. */
		valueKey: text("value_key").notNull(),
		type: text("type"),
		primary: integer("primary", { mode: "boolean" }).notNull().default(false),
	},
	(t) => [
		primaryKey({ columns: [t.scimUserId, t.position] }),
		index("scim_user_emails_team_value_key").on(t.teamId, t.valueKey),
	],
);

/** Team user groups, managed over SCIM Groups. */
export const scimGroups = sqliteTable(
	"scim_groups",
	{
		id: text("id").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		displayName: text("display_name").notNull(),
		/** foldCase(displayName) (src/scim/fold.ts): unique per team, and what filters and sorting compare. */
		displayNameKey: text("display_name_key").notNull(),
		externalId: text("external_id"),
		/** Attributes other than members, as sent, as JSON. */
		resource: text("resource", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
		version: integer("version").notNull().default(1),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
	},
	(t) => [
		uniqueIndex("scim_groups_team_display_name_key").on(t.teamId, t.displayNameKey),
		index("scim_groups_team_external_id").on(t.teamId, t.externalId, t.createdAt, t.id),
		index("scim_groups_team_created").on(t.teamId, t.createdAt, t.id),
	],
);

export const scimGroupMembers = sqliteTable(
	"scim_group_members",
	{
		groupId: text("group_id")
			.notNull()
			.references(() => scimGroups.id, { onDelete: "cascade" }),
		scimUserId: text("scim_user_id")
			.notNull()
			.references(() => scimUsers.id, { onDelete: "cascade" }),
		teamId: text("team_id").notNull(),
		createdAt: createdAt(),
	},
	(t) => [
		primaryKey({ columns: [t.groupId, t.scimUserId] }),
		index("scim_group_members_user").on(t.scimUserId),
	],
);

export type InviteStatus = "pending" | "accepted" | "revoked" | "expired";

/** An invite to join a team, for an account that already exists outside it. */
export const invites = sqliteTable(
	"invites",
	{
		id: text("id").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		accountId: text("account_id")
			.notNull()
			.references(() => accounts.id),
		scimUserId: text("scim_user_id"),
		email: text("email").notNull(),
		/** SHA-256 of the emailed token; the token itself is never stored. */
		tokenHash: text("token_hash").notNull(),
		status: text("status").$type<InviteStatus>().notNull(),
		createdAt: createdAt(),
		expiresAt: text("expires_at").notNull(),
		acceptedAt: text("accepted_at"),
		revokedAt: text("revoked_at"),
	},
	(t) => [
		uniqueIndex("invites_token_hash").on(t.tokenHash),
		index("invites_team_status").on(t.teamId, t.status),
		index("invites_scim_user").on(t.scimUserId),
	],
);

/**
 * pending: waiting for (another) delivery attempt; delivered: handed to the mail transport;
 * failed: given up (the invite expired first); cancelled: its invite was revoked or used first;
 * throttled: never sent, because the recipient had already been sent as many invite emails in
 * the last day as INVITE_EMAILS_PER_RECIPIENT_PER_DAY allows (across all teams).
 */
export type OutboxStatus = "pending" | "delivered" | "failed" | "cancelled" | "throttled";

/** Emails waiting to go out; written in the same batch as the invite, drained by the team object. */
export const emailOutbox = sqliteTable(
	"email_outbox",
	{
		id: text("id").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		inviteId: text("invite_id").references(() => invites.id),
		toEmail: text("to_email").notNull(),
		/** foldCase(toEmail): the invite throttle counts a recipient's emails by it. */
		toEmailKey: text("to_email_key").notNull().default(""),
		subject: text("subject").notNull(),
		body: text("body").notNull(),
		/** The accept link inside `body`, kept apart for the webhook payload and dev-mode admin pages. */
		inviteUrl: text("invite_url"),
		status: text("status").$type<OutboxStatus>().notNull(),
		attempts: integer("attempts").notNull().default(0),
		nextAttemptAt: text("next_attempt_at").notNull(),
		lastError: text("last_error"),
		createdAt: createdAt(),
		deliveredAt: text("delivered_at"),
	},
	(t) => [
		index("email_outbox_team_status").on(t.teamId, t.status, t.nextAttemptAt),
		index("email_outbox_invite").on(t.inviteId),
		index("email_outbox_recipient").on(t.toEmailKey, t.createdAt),
	],
);

/** Named SCIM API keys. The token is `scim_<id>_<secret>`; only the secret's SHA-256 is stored. */
export const scimKeys = sqliteTable(
	"scim_keys",
	{
		id: text("id").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		name: text("name").notNull(),
		secretHash: text("secret_hash").notNull(),
		createdAt: createdAt(),
		lastUsedAt: text("last_used_at"),
		lastUserAgent: text("last_user_agent"),
		/** Set when the key was regenerated with a grace period: it works until then. */
		expiresAt: text("expires_at"),
		revokedAt: text("revoked_at"),
		replacedByKeyId: text("replaced_by_key_id"),
	},
	(t) => [index("scim_keys_team").on(t.teamId)],
);

export type ActorType = "scim_key" | "admin" | "service" | "invitee";
export type EventOutcome = "success" | "failure";

/**
 * One changed attribute in the log: its name (all older rows), or its name with short display
 * values before and after (null when absent), which `hidden` leaves out for secrets.
 */
export type LoggedChange =
	| string
	| { attribute: string; before: string | null; after: string | null; hidden?: true };

/** The provisioning log: who did what to whom, when, and how it ended. */
export const provisioningEvents = sqliteTable(
	"provisioning_events",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		teamId: text("team_id").notNull(),
		at: text("at").notNull(),
		actorType: text("actor_type").$type<ActorType>().notNull(),
		actorId: text("actor_id"),
		action: text("action").notNull(),
		targetType: text("target_type"),
		targetId: text("target_id"),
		targetLabel: text("target_label"),
		outcome: text("outcome").$type<EventOutcome>().notNull(),
		status: integer("status").notNull(),
		detail: text("detail"),
		/** The attributes the action changed, as a JSON array (see LoggedChange). */
		changes: text("changes", { mode: "json" }).$type<LoggedChange[]>(),
	},
	(t) => [index("provisioning_events_team").on(t.teamId, t.id)],
);

/**
 * Single-use admin login links (docs/architecture.md "Admin auth"). Only the SHA-256 of the token is kept;
 * `used_at` is set when the link starts a session, so it cannot start a second one.
 */
export const adminLoginLinks = sqliteTable(
	"admin_login_links",
	{
		tokenHash: text("token_hash").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		accountId: text("account_id")
			.notNull()
			.references(() => accounts.id),
		createdAt: createdAt(),
		expiresAt: text("expires_at").notNull(),
		usedAt: text("used_at"),
	},
	(t) => [index("admin_login_links_team").on(t.teamId, t.expiresAt)],
);

/**
 * Admin sessions ended by signing out. A session is a signed cookie with no server state, so a
 * copy of the cookie would outlive the sign-out without this list; rows can go once they expire.
 */
export const endedAdminSessions = sqliteTable(
	"ended_admin_sessions",
	{
		sessionId: text("session_id").primaryKey(),
		teamId: text("team_id")
			.notNull()
			.references(() => teams.id),
		accountId: text("account_id").notNull(),
		endedAt: text("ended_at").notNull(),
		/** When the session would have expired anyway. */
		expiresAt: text("expires_at").notNull(),
	},
	(t) => [index("ended_admin_sessions_team").on(t.teamId, t.expiresAt)],
);

export type Team = typeof teams.$inferSelect;
export type Account = typeof accounts.$inferSelect;
export type ScimUserRow = typeof scimUsers.$inferSelect;
export type ScimGroupRow = typeof scimGroups.$inferSelect;
export type ScimKeyRow = typeof scimKeys.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;
export type OutboxRow = typeof emailOutbox.$inferSelect;
export type ProvisioningEventRow = typeof provisioningEvents.$inferSelect;
export type AdminLoginLinkRow = typeof adminLoginLinks.$inferSelect;
