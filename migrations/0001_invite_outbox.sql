ALTER TABLE `email_outbox` ADD `invite_url` text;--> statement-breakpoint
CREATE INDEX `email_outbox_invite` ON `email_outbox` (`invite_id`);