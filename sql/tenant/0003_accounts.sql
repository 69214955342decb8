-- Customer and store-admin accounts of one store, and failed logins for throttling.

-- Emails are stored lowercased; the collation makes the unique key case-insensitive too.
-- password_hash holds the KDF's parameters with the hash ("pbkdf2-sha256$<iterations>$<salt>$<hash>"),
-- so the cost can be raised later. An admin invited by activation token has no password until it
-- activates; the token is kept only as its SHA-256.
CREATE TABLE IF NOT EXISTS accounts (
  id                     CHAR(36)      NOT NULL PRIMARY KEY,
  email                  VARCHAR(254)  NOT NULL,
  name                   VARCHAR(200)  NULL,
  role                   VARCHAR(16)   NOT NULL DEFAULT 'customer' COMMENT 'customer|admin',
  password_hash          VARCHAR(255)  NULL,
  activation_token_hash  CHAR(64)      NULL,
  activation_expires_at  DATETIME      NULL,
  activated_at           DATETIME      NULL,
  created_at             DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at             DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY uq_accounts_email (email),
  UNIQUE KEY uq_accounts_activation (activation_token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS login_failures (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email      VARCHAR(254)    NOT NULL,
  failed_at  DATETIME(3)     NOT NULL DEFAULT UTC_TIMESTAMP(3),
  KEY ix_login_failures_email (email, failed_at),
  KEY ix_login_failures_time (failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
