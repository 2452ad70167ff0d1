-- Tenancy and account authority (docs/architecture.md "Accounts and team authority").
--
-- account_blocks gets a scope. Until now any row blocked the account's sign-in everywhere; from
-- now on a row blocks sign-in to its own team ('team'), and only a team that manages the account
-- may block it everywhere ('everywhere'). Every existing row stays a block of its own team, so
-- nobody who was blocked there is let back in. A row whose team created the account, where the
-- account belongs to no other team, is what a managing team's deactivation now writes, so it
-- becomes 'everywhere'. Blocks that other teams' members suffered from a team that did not manage
-- them stop applying outside that team, which is the point of the change.
--
-- team_domains holds the email domains a team has verified; email_outbox.to_email_key lets the
-- invite throttle count a recipient's emails across teams (backfilled with lower(), ASCII-only,
-- like migration 0005's keys; new rows get foldCase from the application).
CREATE TABLE `team_domains` (
	`domain` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `team_domains_team` ON `team_domains` (`team_id`);--> statement-breakpoint
ALTER TABLE `account_blocks` ADD `scope` text DEFAULT 'team' NOT NULL;--> statement-breakpoint
ALTER TABLE `email_outbox` ADD `to_email_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `email_outbox_recipient` ON `email_outbox` (`to_email_key`,`created_at`);--> statement-breakpoint
UPDATE `account_blocks` SET `scope` = 'everywhere' WHERE EXISTS (
	SELECT 1 FROM `accounts` a WHERE a.`id` = `account_blocks`.`account_id`
		AND a.`created_by_team_id` = `account_blocks`.`team_id`
		AND NOT EXISTS (SELECT 1 FROM `memberships` m WHERE m.`account_id` = a.`id` AND m.`team_id` <> a.`created_by_team_id`)
);--> statement-breakpoint
UPDATE `email_outbox` SET `to_email_key` = lower(`to_email`);
