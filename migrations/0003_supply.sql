CREATE TABLE `network_items` (
	`object_uri` text PRIMARY KEY NOT NULL,
	`actor_uri` text NOT NULL,
	`kind` text NOT NULL,
	`resource_uri` text NOT NULL,
	`resource_name` text NOT NULL,
	`category` text NOT NULL,
	`unit` text NOT NULL,
	`quantity` real NOT NULL,
	`window_start` integer,
	`window_end` integer NOT NULL,
	`priority` text,
	`lat` real,
	`lon` real,
	`location_name` text,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`activity_id` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `network_items_actor_idx` ON `network_items` (`actor_uri`);--> statement-breakpoint
CREATE INDEX `network_items_resource_idx` ON `network_items` (`kind`,`resource_uri`);--> statement-breakpoint
CREATE TABLE `network_rejections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activity_id` text,
	`actor_uri` text,
	`object_uri` text,
	`reason` text NOT NULL,
	`at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `resource_kinds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uri` text NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`unit` text NOT NULL,
	`kg_per_unit` real NOT NULL,
	`category` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`unit`) REFERENCES `units`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resource_kinds_uri_unique` ON `resource_kinds` (`uri`);--> statement-breakpoint
CREATE UNIQUE INDEX `resource_kinds_slug_unique` ON `resource_kinds` (`slug`);--> statement-breakpoint
CREATE TABLE `supply_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` text NOT NULL,
	`change` text NOT NULL,
	`actor` text NOT NULL,
	`old_quantity` real,
	`new_quantity` real,
	`reason` text,
	`diff_json` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `supply_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `supply_history_item_idx` ON `supply_history` (`item_id`,`id`);--> statement-breakpoint
CREATE TABLE `supply_items` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`resource_id` integer NOT NULL,
	`quantity` real NOT NULL,
	`window_start` integer,
	`window_end` integer NOT NULL,
	`priority` text,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`location_name` text NOT NULL,
	`notes` text NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`resource_id`) REFERENCES `resource_kinds`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `supply_items_kind_status_idx` ON `supply_items` (`kind`,`status`);--> statement-breakpoint
CREATE TABLE `units` (
	`code` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
