-- Limits on self-service sign-up (POST /provision/tenants/init and /confirm), kept here so that
-- every worker of every application host counts the same hour.

-- One row per init or confirm that went through; an attempt refused by a limit, or that created
-- nothing, leaves no row (so refused attempts never fill the window for everyone else).
-- `client` is the limit key of the client address (IPv6: its /64). `ecom-provision gc`
-- deletes rows older than the hour.
CREATE TABLE IF NOT EXISTS signup_events (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind        VARCHAR(8)   NOT NULL COMMENT 'init|confirm',
  client      VARCHAR(64)  NOT NULL,
  created_at  DATETIME(3)  NOT NULL DEFAULT UTC_TIMESTAMP(3),
  KEY ix_signup_events_client (kind, client, created_at),
  KEY ix_signup_events_time (kind, created_at),
  KEY ix_signup_events_age (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which stores came from sign-up (and from what address), so that operators can find the ones
-- nobody ever took over (`ecom-provision gc` lists them). Stores created before this migration
-- count as created by an operator.
ALTER TABLE tenants
  ADD COLUMN IF NOT EXISTS created_by VARCHAR(16) NOT NULL DEFAULT 'operator' COMMENT 'operator|signup' AFTER confirm_expires_at,
  ADD COLUMN IF NOT EXISTS signup_client VARCHAR(64) NULL AFTER created_by;
