ALTER TABLE `transport_hauls` ADD `chain_uri` text;--> statement-breakpoint
ALTER TABLE `transport_hauls` ADD `chain_index` integer;--> statement-breakpoint
ALTER TABLE `transport_hauls` ADD `chain_length` integer;--> statement-breakpoint
CREATE INDEX `transport_hauls_chain_idx` ON `transport_hauls` (`chain_uri`,`chain_index`);--> statement-breakpoint
ALTER TABLE `transport_routes` ADD `capacity_kg` real;--> statement-breakpoint
ALTER TABLE `transport_routes` ADD `capacity_m3` real;