-- Moving a store to another database server (`ecom-provision move`).
-- tenants.locked_until: while it lies in the future the store answers 423 with Retry-After (the
--   move's switch). The mover keeps extending it; a mover that dies lets it run out, and the store
--   serves again from the server tenants.db_server_id names — always exactly one.
-- store_moves: the move under way, one per store, so that running the command again finishes it
--   and `move --abort` rolls it back. state: 'copying' (the store still lives on from_server_id;
--   a copy may be building on to_server_id) or 'switched' (it lives on to_server_id; the old copy
--   is left until --drop-source or gc).
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS locked_until DATETIME(3) NULL AFTER suspended;
CREATE TABLE IF NOT EXISTS store_moves (
  tenant_id       CHAR(36)     NOT NULL PRIMARY KEY,
  from_server_id  INT UNSIGNED NOT NULL,
  to_server_id    INT UNSIGNED NOT NULL,
  state           VARCHAR(16)  NOT NULL DEFAULT 'copying',
  started_at      DATETIME     NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at      DATETIME     NOT NULL DEFAULT UTC_TIMESTAMP(),
  CONSTRAINT fk_moves_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT fk_moves_from FOREIGN KEY (from_server_id) REFERENCES db_servers (id),
  CONSTRAINT fk_moves_to FOREIGN KEY (to_server_id) REFERENCES db_servers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
