CREATE TABLE `exchange_events` (
	`id` text PRIMARY KEY NOT NULL,
	`exchange_uri` text NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`event_json` text NOT NULL,
	`received_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `exchange_events_exchange_idx` ON `exchange_events` (`exchange_uri`);--> statement-breakpoint
CREATE TABLE `exchanges` (
	`uri` text PRIMARY KEY NOT NULL,
	`round_uri` text NOT NULL,
	`proposer` text NOT NULL,
	`supplier` text NOT NULL,
	`receiver` text NOT NULL,
	`offer_uri` text NOT NULL,
	`need_uri` text NOT NULL,
	`unit` text NOT NULL,
	`kg_per_unit` real NOT NULL,
	`parties_json` text NOT NULL,
	`hauls_requested` integer DEFAULT false NOT NULL,
	`offer_applied` integer DEFAULT false NOT NULL,
	`need_applied` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reservations` (
	`exchange_uri` text PRIMARY KEY NOT NULL,
	`offer_id` text NOT NULL,
	`quantity` real NOT NULL,
	`status` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reservations_offer_idx` ON `reservations` (`offer_id`,`status`);--> statement-breakpoint
CREATE TABLE `rounds` (
	`id` text PRIMARY KEY NOT NULL,
	`uri` text NOT NULL,
	`inputs_json` text NOT NULL,
	`problem_json` text NOT NULL,
	`plan_json` text NOT NULL,
	`digest` text NOT NULL,
	`planner_version` text NOT NULL,
	`deadline` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rounds_uri_unique` ON `rounds` (`uri`);