CREATE TABLE `exchange_leg_requests` (
	`exchange_uri` text NOT NULL,
	`leg_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`haul_uri` text NOT NULL,
	`departures_json` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`exchange_uri`, `leg_id`, `attempt`)
);
