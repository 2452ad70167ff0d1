-- SCIM users without an email (unlinked: no account yet), and no create-request hash any more
-- (a repeated create answers 409 like any other duplicate).
--
-- SQLite cannot drop NOT NULL from scim_users.account_id, so the table is rebuilt. Dropping it
-- while scim_user_emails and scim_group_members reference it would run their ON DELETE CASCADE
-- (a DROP TABLE deletes its rows first, and D1 enforces foreign keys), so those two tables are
-- copied aside, dropped first, and rebuilt after the new scim_users is in place.
CREATE TABLE `__new_scim_users` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`user_name` text NOT NULL,
	`user_name_key` text NOT NULL,
	`external_id` text,
	`display_name` text,
	`given_name` text,
	`family_name` text,
	`email` text,
	`active` integer NOT NULL,
	`state` text NOT NULL,
	`account_id` text,
	`joined_at` text,
	`resource` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_scim_users`("id", "team_id", "user_name", "user_name_key", "external_id", "display_name", "given_name", "family_name", "email", "active", "state", "account_id", "joined_at", "resource", "version", "created_at", "updated_at") SELECT "id", "team_id", "user_name", "user_name_key", "external_id", "display_name", "given_name", "family_name", "email", "active", "state", "account_id", "joined_at", "resource", "version", "created_at", "updated_at" FROM `scim_users`;--> statement-breakpoint
CREATE TABLE `__copy_scim_user_emails` AS SELECT * FROM `scim_user_emails`;--> statement-breakpoint
CREATE TABLE `__copy_scim_group_members` AS SELECT * FROM `scim_group_members`;--> statement-breakpoint
DROP TABLE `scim_user_emails`;--> statement-breakpoint
DROP TABLE `scim_group_members`;--> statement-breakpoint
DROP TABLE `scim_users`;--> statement-breakpoint
ALTER TABLE `__new_scim_users` RENAME TO `scim_users`;--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_team_user_name_key` ON `scim_users` (`team_id`,`user_name_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_team_account` ON `scim_users` (`team_id`,`account_id`);--> statement-breakpoint
CREATE INDEX `scim_users_team_external_id` ON `scim_users` (`team_id`,`external_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `scim_users_team_created` ON `scim_users` (`team_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `scim_user_emails` (
	`scim_user_id` text NOT NULL,
	`team_id` text NOT NULL,
	`position` integer NOT NULL,
	`value` text NOT NULL,
	`type` text,
	`primary` integer DEFAULT false NOT NULL,
	`value_key` text NOT NULL DEFAULT '',
	PRIMARY KEY(`scim_user_id`, `position`),
	FOREIGN KEY (`scim_user_id`) REFERENCES `scim_users`(`id`) ON UPDATE no action ON DELETE cascade
);--> statement-breakpoint
CREATE INDEX `scim_user_emails_team_value_key` ON `scim_user_emails` (`team_id`,`value_key`);--> statement-breakpoint
INSERT INTO `scim_user_emails` (`scim_user_id`, `team_id`, `position`, `value`, `type`, `primary`, `value_key`) SELECT `scim_user_id`, `team_id`, `position`, `value`, `type`, `primary`, `value_key` FROM `__copy_scim_user_emails`;--> statement-breakpoint
CREATE TABLE `scim_group_members` (
	`group_id` text NOT NULL,
	`scim_user_id` text NOT NULL,
	`team_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`group_id`, `scim_user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `scim_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`scim_user_id`) REFERENCES `scim_users`(`id`) ON UPDATE no action ON DELETE cascade
);--> statement-breakpoint
CREATE INDEX `scim_group_members_user` ON `scim_group_members` (`scim_user_id`);--> statement-breakpoint
INSERT INTO `scim_group_members` (`group_id`, `scim_user_id`, `team_id`, `created_at`) SELECT `group_id`, `scim_user_id`, `team_id`, `created_at` FROM `__copy_scim_group_members`;--> statement-breakpoint
DROP TABLE `__copy_scim_user_emails`;--> statement-breakpoint
DROP TABLE `__copy_scim_group_members`;
