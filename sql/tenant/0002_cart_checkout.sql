-- Carts, orders and what checkout needs to stay correct under concurrency:
-- idempotency keys live on the order itself (unique), and every place-order
-- attempt is recorded for the per-session rate limit.

-- A cart belongs to a guest session or (later) to a customer; never both.
CREATE TABLE IF NOT EXISTS carts (
  id           CHAR(36)      NOT NULL PRIMARY KEY,
  session_id   VARCHAR(128)  NULL,
  customer_id  CHAR(36)      NULL,
  created_at   DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at   DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY uq_carts_session (session_id),
  UNIQUE KEY uq_carts_customer (customer_id),
  KEY ix_carts_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- unit_price: the product's finalPrice when the line was first added.
CREATE TABLE IF NOT EXISTS cart_items (
  id           CHAR(36)      NOT NULL PRIMARY KEY,
  cart_id      CHAR(36)      NOT NULL,
  product_id   CHAR(36)      NOT NULL,
  unit_price   DECIMAL(12,2) NOT NULL,
  quantity     INT           NOT NULL CHECK (quantity > 0),
  created_at   DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY uq_cart_items_product (cart_id, product_id),
  KEY ix_cart_items_product (product_id),
  CONSTRAINT fk_cart_items_cart FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE,
  CONSTRAINT fk_cart_items_product FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An order keeps a snapshot of everything it was placed with. The idempotency key
-- is unique per store; request_hash and owner tell a replay from a conflict.
CREATE TABLE IF NOT EXISTS orders (
  id               CHAR(36)      NOT NULL PRIMARY KEY,
  order_number     VARCHAR(32)   NOT NULL,
  idempotency_key  CHAR(36)      NOT NULL,
  request_hash     CHAR(64)      NOT NULL,
  owner            VARCHAR(160)  NOT NULL COMMENT 'session:<id> or customer:<id>',
  session_id       VARCHAR(128)  NULL,
  customer_id      CHAR(36)      NULL,
  status           VARCHAR(16)   NOT NULL DEFAULT 'PENDING',
  email            VARCHAR(254)  NOT NULL,
  phone            VARCHAR(20)   NOT NULL,
  shipping_address VARCHAR(500)  NOT NULL,
  payment_method   VARCHAR(32)   NOT NULL,
  subtotal         DECIMAL(12,2) NOT NULL,
  tax              DECIMAL(12,2) NOT NULL,
  shipping         DECIMAL(12,2) NOT NULL,
  total            DECIMAL(12,2) NOT NULL,
  created_at       DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at       DATETIME      NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY uq_orders_number (order_number),
  UNIQUE KEY uq_orders_idempotency (idempotency_key),
  KEY ix_orders_session (session_id, created_at),
  KEY ix_orders_customer (customer_id, created_at),
  KEY ix_orders_status (status, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS order_items (
  order_id     CHAR(36)      NOT NULL,
  line_no      SMALLINT      NOT NULL,
  product_id   CHAR(36)      NOT NULL,
  product_name VARCHAR(200)  NOT NULL,
  unit_price   DECIMAL(12,2) NOT NULL,
  quantity     INT           NOT NULL CHECK (quantity > 0),
  subtotal     DECIMAL(12,2) NOT NULL,
  PRIMARY KEY (order_id, line_no),
  KEY ix_order_items_product (product_id),
  CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per place-order request, whatever its outcome (the per-session limit).
CREATE TABLE IF NOT EXISTS checkout_attempts (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  owner        VARCHAR(160)  NOT NULL,
  attempted_at DATETIME(3)   NOT NULL DEFAULT UTC_TIMESTAMP(3),
  KEY ix_attempts_owner (owner, attempted_at),
  KEY ix_attempts_time (attempted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
