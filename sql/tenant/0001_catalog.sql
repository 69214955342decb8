-- A store's catalog and settings. Every store has its own schema with these tables.

CREATE TABLE IF NOT EXISTS settings (
  id                      TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  tax_rate                DECIMAL(6,4)  NOT NULL DEFAULT 0.1500,
  shipping_flat           DECIMAL(12,2) NOT NULL DEFAULT 10.00,
  free_shipping_threshold DECIMAL(12,2) NOT NULL DEFAULT 100.00,
  theme                   LONGTEXT      NOT NULL DEFAULT '{}' CHECK (JSON_VALID(theme)),
  seo                     LONGTEXT      NOT NULL DEFAULT '{}' CHECK (JSON_VALID(seo)),
  updated_at              DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  CONSTRAINT ck_settings_single CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO settings (id) VALUES (1);

CREATE TABLE IF NOT EXISTS categories (
  id          CHAR(36)      NOT NULL PRIMARY KEY,
  name        VARCHAR(200)  NOT NULL,
  description TEXT          NOT NULL,
  is_active   TINYINT(1)    NOT NULL DEFAULT 1,
  created_at  DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY ix_categories_active_name (is_active, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- final_price is derived once, on write: ROUND on DECIMAL rounds half away from zero.
CREATE TABLE IF NOT EXISTS products (
  id          CHAR(36)      NOT NULL PRIMARY KEY,
  name        VARCHAR(200)  NOT NULL,
  description TEXT          NOT NULL,
  price       DECIMAL(12,2) NOT NULL CHECK (price >= 0),
  discount    DECIMAL(3,2)  NOT NULL DEFAULT 0.00 CHECK (discount >= 0 AND discount <= 1),
  final_price DECIMAL(12,2) AS (ROUND(price * (1 - discount), 2)) PERSISTENT,
  stock       INT           NOT NULL DEFAULT 0 CHECK (stock >= 0),
  is_active   TINYINT(1)    NOT NULL DEFAULT 1,
  attributes  LONGTEXT      NOT NULL DEFAULT '{}' CHECK (JSON_VALID(attributes)),
  created_at  DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at  DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY ix_products_active_name (is_active, name, id),
  KEY ix_products_active_price (is_active, final_price, id),
  KEY ix_products_active_created (is_active, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS product_images (
  product_id  CHAR(36)      NOT NULL,
  position    SMALLINT      NOT NULL,
  url         VARCHAR(2048) NOT NULL,
  PRIMARY KEY (product_id, position),
  CONSTRAINT fk_images_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS product_categories (
  product_id  CHAR(36)      NOT NULL,
  category_id CHAR(36)      NOT NULL,
  PRIMARY KEY (product_id, category_id),
  KEY ix_pc_category (category_id, product_id),
  CONSTRAINT fk_pc_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
  CONSTRAINT fk_pc_category FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Marks one-time steps (the demo seed) so that a repair never seeds twice.
CREATE TABLE IF NOT EXISTS provisioning_marks (
  name        VARCHAR(64)   NOT NULL PRIMARY KEY,
  done_at     DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP()
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
