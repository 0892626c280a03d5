CREATE TABLE `transport_haul_chains` (
	`uri` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`window_end` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `transport_haul_refusals` (
	`haul_uri` text NOT NULL,
	`driver_uri` text NOT NULL,
	`kind` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`haul_uri`, `driver_uri`)
);
