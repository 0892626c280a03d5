CREATE TABLE `ballots` (
	`vote_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`choice` text NOT NULL,
	`cast_at` integer NOT NULL,
	PRIMARY KEY(`vote_id`, `member_id`),
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `cycles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`time_zone` text NOT NULL,
	`expired_at` integer,
	CONSTRAINT "cycles_span" CHECK("cycles"."ends_at" > "cycles"."starts_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cycles_starts_at_unique` ON `cycles` (`starts_at`);--> statement-breakpoint
CREATE TABLE `invites` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`created_by` integer,
	`expires_at` integer NOT NULL,
	`used_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`used_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ledger_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_uri` text NOT NULL,
	`seq` integer,
	`reason` text NOT NULL,
	`at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ledger_heads_seen` (
	`actor_uri` text NOT NULL,
	`seq` integer NOT NULL,
	`hash` text NOT NULL,
	`seen_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`actor_uri`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`seq` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`payload_json` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_hash_unique` ON `ledger_entries` (`hash`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handle` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text,
	`status` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`coordinator_until` integer,
	`joined_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`left_at` integer,
	CONSTRAINT "members_coordinator_term" CHECK("members"."role" = 'member' OR "members"."coordinator_until" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_handle_unique` ON `members` (`handle`);--> statement-breakpoint
CREATE TABLE `community_policy` (
	`key` text PRIMARY KEY NOT NULL,
	`value_json` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `refused_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`member_id` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `shift_signups` (
	`shift_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`shift_id`, `member_id`),
	FOREIGN KEY (`shift_id`) REFERENCES `shifts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `shift_work` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shift_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`date` text NOT NULL,
	`worked_at` integer NOT NULL,
	`minutes` integer NOT NULL,
	FOREIGN KEY (`shift_id`) REFERENCES `shifts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shift_work_once_idx` ON `shift_work` (`shift_id`,`member_id`,`date`);--> statement-breakpoint
CREATE TABLE `shifts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`weekday` integer NOT NULL,
	`start_time` text NOT NULL,
	`minutes` integer NOT NULL,
	`size` integer NOT NULL,
	`retired_at` integer,
	CONSTRAINT "shifts_weekday" CHECK("shifts"."weekday" BETWEEN 1 AND 7),
	CONSTRAINT "shifts_size" CHECK("shifts"."size" >= 1),
	CONSTRAINT "shifts_minutes" CHECK("shifts"."minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE `votes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`question` text NOT NULL,
	`options_json` text NOT NULL,
	`subject_json` text NOT NULL,
	`opens_at` integer NOT NULL,
	`closes_at` integer NOT NULL,
	`quorum` real NOT NULL,
	`majority` text NOT NULL,
	`ballots` text NOT NULL,
	`created_by` integer,
	`result_json` text,
	`outcome` text,
	`closed_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "votes_window" CHECK("votes"."closes_at" > "votes"."opens_at"),
	CONSTRAINT "votes_quorum" CHECK("votes"."quorum" >= 0 AND "votes"."quorum" <= 1)
);
--> statement-breakpoint
CREATE INDEX `votes_open_idx` ON `votes` (`closed_at`,`closes_at`);--> statement-breakpoint
CREATE TABLE `voucher_spends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`voucher_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`purpose` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`voucher_id`) REFERENCES `vouchers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `vouchers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`cycle_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`spent` integer DEFAULT 0 NOT NULL,
	`voided_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "vouchers_amount" CHECK("vouchers"."amount" >= 0),
	CONSTRAINT "vouchers_spent" CHECK("vouchers"."spent" >= 0 AND "vouchers"."spent" <= "vouchers"."amount")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_member_cycle_idx` ON `vouchers` (`member_id`,`cycle_id`);