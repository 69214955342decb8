-- Counts the storefront shows on every page, kept up to date on write instead of counted on read.
--   catalog_stats.active_products    the totalCount of the unfiltered product list
--   category_counts.product_count    a category's productCount (its active products)
-- Counting 1,000 products costs MariaDB about as much as the rest of a list request; reading a
-- maintained counter costs nothing. Triggers keep both exact on every path that writes: the API,
-- the demo seed, and operators' own SQL. (Foreign-key cascades fire no triggers: a product's
-- links are accounted for before the product is deleted; a deleted category takes its count along.)
-- The triggers write only these two tables, which nothing else writes or joins while changing
-- the catalog: MariaDB refuses a trigger that writes a table its own statement reads (error
-- 1442), so counts kept on `categories` itself would break statements such as
-- INSERT INTO product_categories ... SELECT ... FROM categories.
-- "Active" is is_active = 1, as in every catalog query. Each trigger is a single statement, so
-- that the migration runner's statement splitter applies.

CREATE TABLE IF NOT EXISTS catalog_stats (
  id              TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  active_products INT NOT NULL DEFAULT 0,
  CONSTRAINT ck_catalog_stats_single CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO catalog_stats (id) VALUES (1);

-- One row per category that has (or had) a link; a category without a row counts 0.
CREATE TABLE IF NOT EXISTS category_counts (
  category_id   CHAR(36) NOT NULL PRIMARY KEY,
  product_count INT NOT NULL DEFAULT 0,
  CONSTRAINT fk_category_counts_category FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE OR REPLACE TRIGGER trg_products_ai_stats AFTER INSERT ON products FOR EACH ROW
  UPDATE catalog_stats SET active_products = active_products + 1 WHERE id = 1 AND NEW.is_active = 1;

CREATE OR REPLACE TRIGGER trg_products_au_stats AFTER UPDATE ON products FOR EACH ROW
  UPDATE catalog_stats SET active_products = active_products + IF(NEW.is_active = 1, 1, -1)
  WHERE id = 1 AND (NEW.is_active = 1) <> (OLD.is_active = 1);

-- (Every linked category has its row: the link's own trigger creates it.)
CREATE OR REPLACE TRIGGER trg_products_au_categories AFTER UPDATE ON products FOR EACH ROW
  UPDATE category_counts cc JOIN product_categories pc ON pc.category_id = cc.category_id AND pc.product_id = NEW.id
  SET cc.product_count = cc.product_count + IF(NEW.is_active = 1, 1, -1)
  WHERE (NEW.is_active = 1) <> (OLD.is_active = 1);

CREATE OR REPLACE TRIGGER trg_products_bd_categories BEFORE DELETE ON products FOR EACH ROW
  UPDATE category_counts cc JOIN product_categories pc ON pc.category_id = cc.category_id AND pc.product_id = OLD.id
  SET cc.product_count = cc.product_count - 1
  WHERE OLD.is_active = 1;

CREATE OR REPLACE TRIGGER trg_products_ad_stats AFTER DELETE ON products FOR EACH ROW
  UPDATE catalog_stats SET active_products = active_products - 1 WHERE id = 1 AND OLD.is_active = 1;

CREATE OR REPLACE TRIGGER trg_product_categories_ai AFTER INSERT ON product_categories FOR EACH ROW
  INSERT INTO category_counts (category_id, product_count)
    SELECT NEW.category_id, COUNT(*) FROM products p WHERE p.id = NEW.product_id AND p.is_active = 1
  ON DUPLICATE KEY UPDATE product_count = product_count + VALUES(product_count);

CREATE OR REPLACE TRIGGER trg_product_categories_ad AFTER DELETE ON product_categories FOR EACH ROW
  UPDATE category_counts cc SET cc.product_count = cc.product_count - 1
  WHERE cc.category_id = OLD.category_id
    AND EXISTS (SELECT 1 FROM products p WHERE p.id = OLD.product_id AND p.is_active = 1);

-- A link moved by UPDATE: both categories are counted again from the rows rather than adjusted,
-- because MariaDB runs this trigger even for a row that UPDATE IGNORE skipped as a duplicate.
CREATE OR REPLACE TRIGGER trg_product_categories_au AFTER UPDATE ON product_categories FOR EACH ROW
  INSERT INTO category_counts (category_id, product_count)
    SELECT c.id, (SELECT COUNT(*) FROM product_categories pc JOIN products p ON p.id = pc.product_id AND p.is_active = 1
                  WHERE pc.category_id = c.id)
    FROM categories c WHERE c.id IN (OLD.category_id, NEW.category_id)
  ON DUPLICATE KEY UPDATE product_count = VALUES(product_count);

-- Counted once from the rows, after the triggers exist, so that no write in between is missed.
UPDATE catalog_stats SET active_products = (SELECT COUNT(*) FROM products WHERE is_active = 1) WHERE id = 1;

INSERT INTO category_counts (category_id, product_count)
  SELECT c.id, (SELECT COUNT(*) FROM product_categories pc JOIN products p ON p.id = pc.product_id AND p.is_active = 1
                WHERE pc.category_id = c.id)
  FROM categories c
ON DUPLICATE KEY UPDATE product_count = VALUES(product_count);
