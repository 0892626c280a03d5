ALTER TABLE `transport_routes` ADD `capacity_kg` real;--> statement-breakpoint
ALTER TABLE `transport_routes` ADD `capacity_m3` real;