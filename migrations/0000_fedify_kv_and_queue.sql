CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `kv_expires_at_idx` ON `kv` (`expires_at`);--> statement-breakpoint
CREATE TABLE `queue` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payload` text NOT NULL,
	`ordering_key` text,
	`available_at` integer NOT NULL,
	`locked_until` integer,
	`locked_by` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`failed_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `queue_available_idx` ON `queue` (`available_at`,`id`);--> statement-breakpoint
CREATE INDEX `queue_ordering_idx` ON `queue` (`ordering_key`,`id`);