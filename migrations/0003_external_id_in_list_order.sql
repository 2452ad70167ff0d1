DROP INDEX `scim_groups_team_external_id`;--> statement-breakpoint
CREATE INDEX `scim_groups_team_external_id` ON `scim_groups` (`team_id`,`external_id`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `scim_users_team_external_id`;--> statement-breakpoint
CREATE INDEX `scim_users_team_external_id` ON `scim_users` (`team_id`,`external_id`,`created_at`,`id`);