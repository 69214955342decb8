-- A database server's capacity is either the operator's (capacity, set by `ecom-provision server
-- add --capacity` or `server capacity NAME N`) or, when capacity is NULL, derived from the
-- server's own limits (src/provisioning/server_limits.h): derived_capacity, with what it was
-- derived from (limits) and when they were last read or tried (limits_read_at, UTC), refreshed
-- by ecom-provision.
-- 5000 was 0005's default, never chosen by an operator: such servers are derived from now on
-- (docs/upgrading.md).
ALTER TABLE db_servers MODIFY COLUMN capacity INT UNSIGNED NULL DEFAULT NULL
  COMMENT 'stores it may hold; NULL: derived_capacity';
ALTER TABLE db_servers ADD COLUMN IF NOT EXISTS derived_capacity INT UNSIGNED NULL AFTER capacity;
ALTER TABLE db_servers ADD COLUMN IF NOT EXISTS limits VARCHAR(255) NULL AFTER derived_capacity;
ALTER TABLE db_servers ADD COLUMN IF NOT EXISTS limits_read_at DATETIME NULL AFTER limits;
UPDATE db_servers SET capacity = NULL WHERE capacity = 5000;
