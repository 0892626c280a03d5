CREATE TABLE `transport_departure_legs` (
	`departure_uri` text NOT NULL,
	`leg` integer NOT NULL,
	`capacity_kg` real NOT NULL,
	`capacity_m3` real NOT NULL,
	`remaining_kg` real NOT NULL,
	`remaining_m3` real NOT NULL,
	PRIMARY KEY(`departure_uri`, `leg`),
	FOREIGN KEY (`departure_uri`) REFERENCES `transport_departures`(`uri`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "transport_leg_remaining_kg" CHECK("transport_departure_legs"."remaining_kg" >= 0 AND "transport_departure_legs"."remaining_kg" <= "transport_departure_legs"."capacity_kg"),
	CONSTRAINT "transport_leg_remaining_m3" CHECK("transport_departure_legs"."remaining_m3" >= 0 AND "transport_departure_legs"."remaining_m3" <= "transport_departure_legs"."capacity_m3")
);
--> statement-breakpoint
CREATE TABLE `transport_departures` (
	`uri` text PRIMARY KEY NOT NULL,
	`route_uri` text NOT NULL,
	`departs_at` integer NOT NULL,
	`cancelled` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`route_uri`) REFERENCES `transport_routes`(`uri`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `transport_departures_route_idx` ON `transport_departures` (`route_uri`,`departs_at`);--> statement-breakpoint
CREATE TABLE `transport_drivers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`contact` text NOT NULL,
	`vehicles_json` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transport_drivers_token_hash_unique` ON `transport_drivers` (`token_hash`);--> statement-breakpoint
CREATE TABLE `transport_haul_declines` (
	`haul_uri` text NOT NULL,
	`driver_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`haul_uri`, `driver_id`)
);
--> statement-breakpoint
CREATE TABLE `transport_hauls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uri` text NOT NULL,
	`requester_uri` text NOT NULL,
	`from_uri` text NOT NULL,
	`to_uri` text NOT NULL,
	`resource` text NOT NULL,
	`quantity` real NOT NULL,
	`unit` text NOT NULL,
	`weight_kg` real NOT NULL,
	`volume_m3` real NOT NULL,
	`window_start` integer NOT NULL,
	`window_end` integer NOT NULL,
	`reason` text,
	`status` text NOT NULL,
	`drivers_json` text NOT NULL,
	`parties_json` text NOT NULL,
	`driver_uri` text,
	`departure_uri` text,
	`from_leg` integer,
	`to_leg` integer,
	`picked_up` real,
	`delivered` real,
	`received` real,
	`difference` real,
	`handed_over_json` text DEFAULT '[]' NOT NULL,
	`flag` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transport_hauls_uri_unique` ON `transport_hauls` (`uri`);--> statement-breakpoint
CREATE INDEX `transport_hauls_status_idx` ON `transport_hauls` (`status`);--> statement-breakpoint
CREATE TABLE `transport_routes` (
	`uri` text PRIMARY KEY NOT NULL,
	`driver_id` text,
	`driver_uri` text NOT NULL,
	`driver_inbox` text NOT NULL,
	`name` text NOT NULL,
	`stops_json` text NOT NULL,
	`legs_json` text NOT NULL,
	`schedule_json` text NOT NULL,
	`refrigerated` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transport_routes_driver_idx` ON `transport_routes` (`driver_id`);