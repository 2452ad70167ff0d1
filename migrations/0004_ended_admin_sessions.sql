CREATE TABLE `ended_admin_sessions` (
	`session_id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`account_id` text NOT NULL,
	`ended_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ended_admin_sessions_team` ON `ended_admin_sessions` (`team_id`,`expires_at`);