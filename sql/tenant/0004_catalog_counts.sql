-- Counts the storefront shows on every page, kept up to date on write instead of counted on read.
--   catalog_stats.active_products  the totalCount of the unfiltered product list
--   categories.product_count        a category's productCount (its active products)
-- Counting 1,000 products costs MariaDB about as much as the rest of a list request; reading a
-- maintained counter costs nothing. Triggers keep both exact on every path that writes: the API,
-- the demo seed, and operators' own SQL. (Foreign-key cascades fire no triggers: a product's
-- links are accounted for before the product is deleted; a deleted category takes its count along.)
-- "Active" is is_active = 1, as in every catalog query. Each trigger is a single statement, so
-- that the migration runner's statement splitter applies.

CREATE TABLE IF NOT EXISTS catalog_stats (
  id              TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  active_products INT NOT NULL DEFAULT 0,
  CONSTRAINT ck_catalog_stats_single CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO catalog_stats (id) VALUES (1);

ALTER TABLE categories ADD COLUMN IF NOT EXISTS product_count INT NOT NULL DEFAULT 0;

CREATE OR REPLACE TRIGGER trg_products_ai_stats AFTER INSERT ON products FOR EACH ROW
  UPDATE catalog_stats SET active_products = active_products + 1 WHERE id = 1 AND NEW.is_active = 1;

CREATE OR REPLACE TRIGGER trg_products_au_stats AFTER UPDATE ON products FOR EACH ROW
  UPDATE catalog_stats SET active_products = active_products + IF(NEW.is_active = 1, 1, -1)
  WHERE id = 1 AND (NEW.is_active = 1) <> (OLD.is_active = 1);

CREATE OR REPLACE TRIGGER trg_products_au_categories AFTER UPDATE ON products FOR EACH ROW
  UPDATE categories c JOIN product_categories pc ON pc.category_id = c.id AND pc.product_id = NEW.id
  SET c.product_count = c.product_count + IF(NEW.is_active = 1, 1, -1)
  WHERE (NEW.is_active = 1) <> (OLD.is_active = 1);

CREATE OR REPLACE TRIGGER trg_products_bd_categories BEFORE DELETE ON products FOR EACH ROW
  UPDATE categories c JOIN product_categories pc ON pc.category_id = c.id AND pc.product_id = OLD.id
  SET c.product_count = c.product_count - 1
  WHERE OLD.is_active = 1;

CREATE OR REPLACE TRIGGER trg_products_ad_stats AFTER DELETE ON products FOR EACH ROW
  UPDATE catalog_stats SET active_products = active_products - 1 WHERE id = 1 AND OLD.is_active = 1;

CREATE OR REPLACE TRIGGER trg_product_categories_ai AFTER INSERT ON product_categories FOR EACH ROW
  UPDATE categories c SET c.product_count = c.product_count + 1
  WHERE c.id = NEW.category_id AND EXISTS (SELECT 1 FROM products p WHERE p.id = NEW.product_id AND p.is_active = 1);

CREATE OR REPLACE TRIGGER trg_product_categories_ad AFTER DELETE ON product_categories FOR EACH ROW
  UPDATE categories c SET c.product_count = c.product_count - 1
  WHERE c.id = OLD.category_id AND EXISTS (SELECT 1 FROM products p WHERE p.id = OLD.product_id AND p.is_active = 1);

-- A link moved by UPDATE: both categories are counted again from the rows rather than adjusted,
-- because MariaDB runs this trigger even for a row that UPDATE IGNORE skipped as a duplicate.
CREATE OR REPLACE TRIGGER trg_product_categories_au AFTER UPDATE ON product_categories FOR EACH ROW
  UPDATE categories c SET c.product_count =
    (SELECT COUNT(*) FROM product_categories pc JOIN products p ON p.id = pc.product_id AND p.is_active = 1
     WHERE pc.category_id = c.id)
  WHERE c.id IN (OLD.category_id, NEW.category_id);

-- Counted once from the rows, after the triggers exist, so that no write in between is missed.
UPDATE catalog_stats SET active_products = (SELECT COUNT(*) FROM products WHERE is_active = 1) WHERE id = 1;

UPDATE categories c SET c.product_count =
  (SELECT COUNT(*) FROM product_categories pc JOIN products p ON p.id = pc.product_id AND p.is_active = 1
   WHERE pc.category_id = c.id);
