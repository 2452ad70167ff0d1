ALTER TABLE `teams` ADD `scim_user_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `teams` ADD `scim_group_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The counts follow every insert and delete in the same statement's transaction, so an
-- unfiltered list reads its totalResults from the team row instead of counting the team.
-- A SCIM resource never moves between teams, so updates need no trigger.
UPDATE `teams` SET
	`scim_user_count` = (SELECT count(*) FROM `scim_users` WHERE `scim_users`.`team_id` = `teams`.`id`),
	`scim_group_count` = (SELECT count(*) FROM `scim_groups` WHERE `scim_groups`.`team_id` = `teams`.`id`);--> statement-breakpoint
CREATE TRIGGER `scim_users_count_insert` AFTER INSERT ON `scim_users` BEGIN
	UPDATE `teams` SET `scim_user_count` = `scim_user_count` + 1 WHERE `id` = NEW.`team_id`;
END;--> statement-breakpoint
CREATE TRIGGER `scim_users_count_delete` AFTER DELETE ON `scim_users` BEGIN
	UPDATE `teams` SET `scim_user_count` = `scim_user_count` - 1 WHERE `id` = OLD.`team_id`;
END;--> statement-breakpoint
CREATE TRIGGER `scim_groups_count_insert` AFTER INSERT ON `scim_groups` BEGIN
	UPDATE `teams` SET `scim_group_count` = `scim_group_count` + 1 WHERE `id` = NEW.`team_id`;
END;--> statement-breakpoint
CREATE TRIGGER `scim_groups_count_delete` AFTER DELETE ON `scim_groups` BEGIN
	UPDATE `teams` SET `scim_group_count` = `scim_group_count` - 1 WHERE `id` = OLD.`team_id`;
END;
