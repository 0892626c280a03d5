CREATE TABLE `delivery_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activity_id` text,
	`activity_type` text,
	`inbox_url` text NOT NULL,
	`reason` text NOT NULL,
	`error` text,
	`failed_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `followers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`followee` text NOT NULL,
	`actor_uri` text NOT NULL,
	`inbox_url` text NOT NULL,
	`shared_inbox_url` text,
	`follow_activity_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `followers_followee_actor_idx` ON `followers` (`followee`,`actor_uri`);--> statement-breakpoint
CREATE TABLE `following` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_uri` text NOT NULL,
	`inbox_url` text NOT NULL,
	`shared_inbox_url` text,
	`handle` text,
	`name` text,
	`follow_activity_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `following_actor_uri_unique` ON `following` (`actor_uri`);--> statement-breakpoint
CREATE TABLE `inbox_log` (
	`activity_id` text PRIMARY KEY NOT NULL,
	`actor_uri` text NOT NULL,
	`activity_type` text NOT NULL,
	`received_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activity_id` text NOT NULL,
	`sender` text NOT NULL,
	`activity_type` text NOT NULL,
	`activity_json` text NOT NULL,
	`audience_json` text NOT NULL,
	`listed` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`dispatched_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_activity_id_unique` ON `outbox` (`activity_id`);--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`dispatched_at`,`seq`);--> statement-breakpoint
CREATE INDEX `outbox_sender_idx` ON `outbox` (`sender`,`listed`,`seq`);--> statement-breakpoint
CREATE TABLE `actor_keys` (
	`actor` text NOT NULL,
	`algorithm` text NOT NULL,
	`private_jwk` text NOT NULL,
	`public_jwk` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`actor`, `algorithm`)
);
--> statement-breakpoint
CREATE TABLE `admin_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`label` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_tokens_token_hash_unique` ON `admin_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `node_identity` (
	`id` integer PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	CONSTRAINT "node_identity_single_row" CHECK("node_identity"."id" = 1)
);
