-- Case-insensitive keys computed in JS by foldCase (src/scim/fold.ts: NFC, then toLowerCase), so
-- uniqueness and look-ups fold all of Unicode, not just ASCII as SQLite's lower() does.
--
-- SQLite cannot add a NOT NULL column without a default, so the columns get DEFAULT ''; the
-- application always writes them (the Drizzle schema has no default, so every insert must set
-- them). Existing rows are backfilled with lower(), which folds ASCII only: that is the best SQL
-- can do here. Rows written before this migration keep an ASCII-only key until they are next
-- written; the unique indexes are created after the backfill, and hold because the old indexes
-- enforced exactly lower() uniqueness.
DROP INDEX `accounts_email_unique`;--> statement-breakpoint
ALTER TABLE `accounts` ADD `email_key` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `accounts` SET `email_key` = lower(`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_key_unique` ON `accounts` (`email_key`);--> statement-breakpoint
DROP INDEX `scim_groups_team_display_name`;--> statement-breakpoint
ALTER TABLE `scim_groups` ADD `display_name_key` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `scim_groups` SET `display_name_key` = lower(`display_name`);--> statement-breakpoint
CREATE UNIQUE INDEX `scim_groups_team_display_name_key` ON `scim_groups` (`team_id`,`display_name_key`);--> statement-breakpoint
DROP INDEX `scim_user_emails_team_value`;--> statement-breakpoint
ALTER TABLE `scim_user_emails` ADD `value_key` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `scim_user_emails` SET `value_key` = lower(`value`);--> statement-breakpoint
CREATE INDEX `scim_user_emails_team_value_key` ON `scim_user_emails` (`team_id`,`value_key`);--> statement-breakpoint
DROP INDEX `scim_users_team_user_name`;--> statement-breakpoint
ALTER TABLE `scim_users` ADD `user_name_key` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `scim_users` SET `user_name_key` = lower(`user_name`);--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_team_user_name_key` ON `scim_users` (`team_id`,`user_name_key`);
