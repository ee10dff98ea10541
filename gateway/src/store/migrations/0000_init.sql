CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_kind` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`data` text DEFAULT '{}' NOT NULL,
	CONSTRAINT "audit_log_actor_kind_check" CHECK("audit_log"."actor_kind" in ('user', 'admin', 'system', 'cli'))
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`,`id`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`added_at` integer NOT NULL,
	`added_by` text,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_user_idx` ON `group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `one_time_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`user_id` text,
	`email` text,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "one_time_tokens_kind_check" CHECK("one_time_tokens"."kind" in ('verify', 'reset', 'invite', 'email-change', 'oidc-state'))
);
--> statement-breakpoint
CREATE INDEX `one_time_tokens_user_idx` ON `one_time_tokens` (`kind`,`user_id`);--> statement-breakpoint
CREATE INDEX `one_time_tokens_email_idx` ON `one_time_tokens` (`kind`,`email`);--> statement-breakpoint
CREATE INDEX `one_time_tokens_expires_idx` ON `one_time_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`product_id` text NOT NULL,
	`name` text NOT NULL,
	`state` text NOT NULL,
	`state_comment` text,
	`terms_accepted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`activated_at` integer,
	`cancelled_at` integer,
	`expires_at` integer,
	`primary_key_hash` text NOT NULL,
	`primary_key_enc` text NOT NULL,
	`primary_key_start` text NOT NULL,
	`secondary_key_hash` text NOT NULL,
	`secondary_key_enc` text NOT NULL,
	`secondary_key_start` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "subscriptions_state_check" CHECK("subscriptions"."state" in ('submitted', 'active', 'rejected', 'suspended', 'cancelled', 'expired'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_primary_key_hash_unique` ON `subscriptions` (`primary_key_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_secondary_key_hash_unique` ON `subscriptions` (`secondary_key_hash`);--> statement-breakpoint
CREATE INDEX `subscriptions_user_product_idx` ON `subscriptions` (`user_id`,`product_id`,`state`);--> statement-breakpoint
CREATE INDEX `subscriptions_product_state_idx` ON `subscriptions` (`product_id`,`state`);--> statement-breakpoint
CREATE INDEX `subscriptions_state_idx` ON `subscriptions` (`state`,`created_at`);--> statement-breakpoint
CREATE TABLE `usage_minutes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`minute` integer NOT NULL,
	`subscription_id` text DEFAULT '' NOT NULL,
	`user_id` text DEFAULT '' NOT NULL,
	`product_id` text DEFAULT '' NOT NULL,
	`api_id` text NOT NULL,
	`operation_id` text DEFAULT '' NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	`success` integer DEFAULT 0 NOT NULL,
	`blocked` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`client_errors` integer DEFAULT 0 NOT NULL,
	`bytes_in` integer DEFAULT 0 NOT NULL,
	`bytes_out` integer DEFAULT 0 NOT NULL,
	`latency_total_ms` real DEFAULT 0 NOT NULL,
	`latency_max_ms` real DEFAULT 0 NOT NULL,
	`backend_latency_total_ms` real DEFAULT 0 NOT NULL,
	`h_le_1` integer DEFAULT 0 NOT NULL,
	`h_le_2` integer DEFAULT 0 NOT NULL,
	`h_le_5` integer DEFAULT 0 NOT NULL,
	`h_le_10` integer DEFAULT 0 NOT NULL,
	`h_le_25` integer DEFAULT 0 NOT NULL,
	`h_le_50` integer DEFAULT 0 NOT NULL,
	`h_le_100` integer DEFAULT 0 NOT NULL,
	`h_le_250` integer DEFAULT 0 NOT NULL,
	`h_le_500` integer DEFAULT 0 NOT NULL,
	`h_le_1000` integer DEFAULT 0 NOT NULL,
	`h_le_2500` integer DEFAULT 0 NOT NULL,
	`h_le_5000` integer DEFAULT 0 NOT NULL,
	`h_inf` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_minutes_key_unique` ON `usage_minutes` (`minute`,`subscription_id`,`api_id`,`operation_id`);--> statement-breakpoint
CREATE INDEX `usage_minutes_subscription_idx` ON `usage_minutes` (`subscription_id`,`minute`);--> statement-breakpoint
CREATE INDEX `usage_minutes_user_idx` ON `usage_minutes` (`user_id`,`minute`);--> statement-breakpoint
CREATE INDEX `usage_minutes_product_idx` ON `usage_minutes` (`product_id`,`minute`);--> statement-breakpoint
CREATE INDEX `usage_minutes_api_idx` ON `usage_minutes` (`api_id`,`operation_id`,`minute`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`password_hash` text,
	`email_verified_at` integer,
	`state` text DEFAULT 'active' NOT NULL,
	`custom_fields` text DEFAULT '{}' NOT NULL,
	`oidc_issuer` text,
	`oidc_subject` text,
	`last_sign_in_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	CONSTRAINT "users_email_lower" CHECK("users"."email" = lower("users"."email")),
	CONSTRAINT "users_state_check" CHECK("users"."state" in ('active', 'blocked', 'invited'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_oidc_unique` ON `users` (`oidc_issuer`,`oidc_subject`);--> statement-breakpoint
CREATE INDEX `users_state_idx` ON `users` (`state`);--> statement-breakpoint
CREATE INDEX `users_created_idx` ON `users` (`created_at`);