-- Control database: plans, database servers, tenants and their provisioning.
-- Applied by `ecom-provision setup` (the stack runs it on every start).

CREATE TABLE IF NOT EXISTS db_servers (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name        VARCHAR(64)  NOT NULL UNIQUE,
  url         VARCHAR(255) NOT NULL COMMENT 'unix:///path/to.sock or tcp://host:port',
  is_default  TINYINT(1)   NOT NULL DEFAULT 0,
  created_at  DATETIME     NOT NULL DEFAULT UTC_TIMESTAMP()
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS plans (
  code        VARCHAR(32)  NOT NULL PRIMARY KEY,
  name        VARCHAR(64)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS plan_features (
  plan_code   VARCHAR(32)  NOT NULL,
  feature     VARCHAR(64)  NOT NULL,
  PRIMARY KEY (plan_code, feature),
  CONSTRAINT fk_plan_features_plan FOREIGN KEY (plan_code) REFERENCES plans (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS plan_limits (
  plan_code   VARCHAR(32)  NOT NULL,
  limit_code  VARCHAR(64)  NOT NULL,
  value       INT          NOT NULL,
  PRIMARY KEY (plan_code, limit_code),
  CONSTRAINT fk_plan_limits_plan FOREIGN KEY (plan_code) REFERENCES plans (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tenants (
  id            CHAR(36)     NOT NULL PRIMARY KEY,
  slug          VARCHAR(63)  NOT NULL,
  name          VARCHAR(200) NOT NULL,
  plan_code     VARCHAR(32)  NOT NULL,
  status        VARCHAR(32)  NOT NULL COMMENT 'PendingConfirmation|Queued|Provisioning|Ready|Failed|Suspended',
  db_server_id  INT UNSIGNED NOT NULL,
  schema_name   VARCHAR(64)  NOT NULL,
  admin_email   VARCHAR(254) NULL,
  confirm_expires_at DATETIME NULL,
  created_at    DATETIME     NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at    DATETIME     NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY uq_tenants_slug (slug),
  UNIQUE KEY uq_tenants_schema (db_server_id, schema_name),
  KEY ix_tenants_status (status),
  CONSTRAINT fk_tenants_plan FOREIGN KEY (plan_code) REFERENCES plans (code),
  CONSTRAINT fk_tenants_server FOREIGN KEY (db_server_id) REFERENCES db_servers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tenant_feature_overrides (
  tenant_id   CHAR(36)     NOT NULL,
  feature     VARCHAR(64)  NOT NULL,
  enabled     TINYINT(1)   NOT NULL,
  PRIMARY KEY (tenant_id, feature),
  CONSTRAINT fk_tfo_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tenant_limit_overrides (
  tenant_id   CHAR(36)     NOT NULL,
  limit_code  VARCHAR(64)  NOT NULL,
  value       INT          NOT NULL,
  PRIMARY KEY (tenant_id, limit_code),
  CONSTRAINT fk_tlo_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One job per provisioning request; claimed with SELECT ... FOR UPDATE SKIP LOCKED.
CREATE TABLE IF NOT EXISTS provisioning_jobs (
  id            CHAR(36)     NOT NULL PRIMARY KEY,
  tenant_id     CHAR(36)     NOT NULL,
  status        VARCHAR(16)  NOT NULL COMMENT 'Queued|Running|Done|Failed',
  attempts      INT          NOT NULL DEFAULT 0,
  lease_owner   VARCHAR(64)  NULL,
  lease_until   DATETIME     NULL,
  created_at    DATETIME     NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at    DATETIME     NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY ix_jobs_status (status, lease_until),
  CONSTRAINT fk_jobs_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The three recorded steps of a tenant: CreateDatabase, ApplyMigrations, SeedData.
CREATE TABLE IF NOT EXISTS provisioning_steps (
  tenant_id     CHAR(36)     NOT NULL,
  step          VARCHAR(32)  NOT NULL,
  position      TINYINT      NOT NULL,
  status        VARCHAR(16)  NOT NULL DEFAULT 'Pending' COMMENT 'Pending|InProgress|Success|Failed',
  started_at    DATETIME     NULL,
  completed_at  DATETIME     NULL,
  log           TEXT         NULL,
  error_message TEXT         NULL,
  PRIMARY KEY (tenant_id, step),
  CONSTRAINT fk_steps_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO plans (code, name) VALUES
  ('BASIC', 'Basic'), ('PREMIUM', 'Premium'), ('ENTERPRISE', 'Enterprise');

INSERT IGNORE INTO plan_features (plan_code, feature) VALUES
  ('BASIC', 'catalog'), ('BASIC', 'cart'), ('BASIC', 'checkout'),
  ('BASIC', 'guest_checkout'), ('BASIC', 'categories'),
  ('PREMIUM', 'catalog'), ('PREMIUM', 'cart'), ('PREMIUM', 'checkout'),
  ('PREMIUM', 'guest_checkout'), ('PREMIUM', 'categories'),
  ('ENTERPRISE', 'catalog'), ('ENTERPRISE', 'cart'), ('ENTERPRISE', 'checkout'),
  ('ENTERPRISE', 'guest_checkout'), ('ENTERPRISE', 'categories'), ('ENTERPRISE', 'push');

INSERT IGNORE INTO plan_limits (plan_code, limit_code, value) VALUES
  ('BASIC', 'maxCartItems', 20), ('BASIC', 'maxProductsPerOrder', 10),
  ('PREMIUM', 'maxCartItems', 100), ('PREMIUM', 'maxProductsPerOrder', 50),
  ('ENTERPRISE', 'maxCartItems', 500), ('ENTERPRISE', 'maxProductsPerOrder', 200);
