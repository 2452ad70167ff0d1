CREATE TABLE `account_blocks` (
	`account_id` text NOT NULL,
	`team_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`account_id`, `team_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`given_name` text,
	`family_name` text,
	`created_by_team_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_unique` ON `accounts` (lower("email"));--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`invite_id` text,
	`to_email` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`delivered_at` text,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invite_id`) REFERENCES `invites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `email_outbox_team_status` ON `email_outbox` (`team_id`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `invites` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`account_id` text NOT NULL,
	`scim_user_id` text,
	`email` text NOT NULL,
	`token_hash` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`accepted_at` text,
	`revoked_at` text,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_token_hash` ON `invites` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invites_team_status` ON `invites` (`team_id`,`status`);--> statement-breakpoint
CREATE INDEX `invites_scim_user` ON `invites` (`scim_user_id`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`team_id` text NOT NULL,
	`account_id` text NOT NULL,
	`role` text DEFAULT 'developer' NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`team_id`, `account_id`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `memberships_account` ON `memberships` (`account_id`);--> statement-breakpoint
CREATE TABLE `provisioning_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text NOT NULL,
	`at` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`target_label` text,
	`outcome` text NOT NULL,
	`status` integer NOT NULL,
	`detail` text,
	`changes` text
);
--> statement-breakpoint
CREATE INDEX `provisioning_events_team` ON `provisioning_events` (`team_id`,`id`);--> statement-breakpoint
CREATE TABLE `scim_group_members` (
	`group_id` text NOT NULL,
	`scim_user_id` text NOT NULL,
	`team_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`group_id`, `scim_user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `scim_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`scim_user_id`) REFERENCES `scim_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scim_group_members_user` ON `scim_group_members` (`scim_user_id`);--> statement-breakpoint
CREATE TABLE `scim_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`display_name` text NOT NULL,
	`external_id` text,
	`resource` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_groups_team_display_name` ON `scim_groups` (`team_id`,lower("display_name"));--> statement-breakpoint
CREATE INDEX `scim_groups_team_external_id` ON `scim_groups` (`team_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `scim_groups_team_created` ON `scim_groups` (`team_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `scim_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`last_user_agent` text,
	`expires_at` text,
	`revoked_at` text,
	`replaced_by_key_id` text,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scim_keys_team` ON `scim_keys` (`team_id`);--> statement-breakpoint
CREATE TABLE `scim_user_emails` (
	`scim_user_id` text NOT NULL,
	`team_id` text NOT NULL,
	`position` integer NOT NULL,
	`value` text NOT NULL,
	`type` text,
	`primary` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`scim_user_id`, `position`),
	FOREIGN KEY (`scim_user_id`) REFERENCES `scim_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scim_user_emails_team_value` ON `scim_user_emails` (`team_id`,lower("value"));--> statement-breakpoint
CREATE TABLE `scim_users` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`user_name` text NOT NULL,
	`external_id` text,
	`display_name` text,
	`given_name` text,
	`family_name` text,
	`email` text,
	`active` integer NOT NULL,
	`state` text NOT NULL,
	`account_id` text NOT NULL,
	`joined_at` text,
	`resource` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`create_request_hash` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_team_user_name` ON `scim_users` (`team_id`,lower("user_name"));--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_team_account` ON `scim_users` (`team_id`,`account_id`);--> statement-breakpoint
CREATE INDEX `scim_users_team_external_id` ON `scim_users` (`team_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `scim_users_team_created` ON `scim_users` (`team_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `team_sso_methods` (
	`team_id` text NOT NULL,
	`method` text NOT NULL,
	PRIMARY KEY(`team_id`, `method`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scim_enabled` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
