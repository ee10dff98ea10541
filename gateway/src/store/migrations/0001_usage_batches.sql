CREATE TABLE `usage_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
