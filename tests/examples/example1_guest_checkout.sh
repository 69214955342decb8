#!/usr/bin/env bash
# "Example 1: Complete Guest Checkout Flow" of the API document, as a shell script (bash + curl + python3).
#
#   1. GET  /public/tenant-config                        X-Tenant-Slug            -> 200
#   2. a session id generated on the client (a UUID)
#   3. GET  /api/catalog/products?page=1&pageSize=20     X-Tenant-Slug            -> 200
#      (a real product: the first active one with stock >= 2; later pages if page 1 has none)
#   4. POST /api/cart/items {productId, quantity: 2}     + X-Session-Id           -> 200
#   5. POST /api/checkout/quote {}                       + X-Session-Id           -> 200
#   6. POST /api/checkout/place-order                    + X-Session-Id, Idempotency-Key -> 200
#      prints "Order created: ORD-YYYYMMDD-XXXXXX"
#
# Usage: example1_guest_checkout.sh
# Env:   ECOM_BASE_URL (default http://127.0.0.1:8080), ECOM_STORE (default demo-store)
# Exit:  0 every step got its expected status; 1 a step failed; 2 usage.
set -euo pipefail

BASE=${ECOM_BASE_URL:-http://127.0.0.1:8080}
BASE=${BASE%/}
STORE=${ECOM_STORE:-demo-store}
QUANTITY=2

(($# == 0)) || { echo "usage: $0   (env: ECOM_BASE_URL, ECOM_STORE)" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf -- "$TMP"' EXIT

# json_field FILE KEY: prints a top-level field of a JSON object (empty when absent or not JSON).
json_field() {
  python3 - "$1" "$2" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as fh:
        value = json.load(fh).get(sys.argv[2])
except (ValueError, AttributeError, OSError):
    value = None
print("" if value is None else value)
PY
}

# request METHOD PATH OUTFILE [curl args...]: prints the HTTP status code.
request() {
  local method=$1 path=$2 out=$3
  shift 3
  curl -sS --max-time 15 -X "$method" -o "$out" -w '%{http_code}' -H "X-Tenant-Slug: $STORE" "$@" "$BASE$path"
}

fail() {
  echo "example1: $1" >&2
  [[ -n ${2:-} && -s $2 ]] && { cat -- "$2" >&2; echo >&2; }
  exit 1
}

new_uuid() { python3 -c 'import uuid; print(uuid.uuid4())'; }

# 1. Get tenant configuration
code=$(request GET /public/tenant-config "$TMP/config.json") || fail "tenant-config: request failed"
[[ $code == 200 ]] || fail "tenant-config answered $code" "$TMP/config.json"
echo "Store: $(json_field "$TMP/config.json" name) ($STORE)"

# 2. Generate session ID (on client)
session_id=$(new_uuid)
echo "Session: $session_id"

# 3. Browse products (page 1 as in the document; further pages only if it has nothing in stock)
product_id=""
page=1
while :; do
  code=$(request GET "/api/catalog/products?page=$page&pageSize=20" "$TMP/products.json") ||
    fail "products: request failed"
  [[ $code == 200 ]] || fail "products (page $page) answered $code" "$TMP/products.json"
  read -r product_id total_pages < <(python3 - "$TMP/products.json" "$QUANTITY" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as fh:
    body = json.load(fh)
want = int(sys.argv[2])
pick = next((p["id"] for p in body.get("items", [])
             if p.get("isActive", True) and isinstance(p.get("stock"), int) and p["stock"] >= want), "-")
print(pick, body.get("totalPages", 1))
PY
  ) || fail "products: unreadable response" "$TMP/products.json"
  [[ $product_id != "-" ]] && break
  product_id=""
  ((page < total_pages)) || fail "no product with stock >= $QUANTITY in $STORE"
  page=$((page + 1))
done
echo "Product: $product_id"

# 4. Add to cart
body=$(python3 -c 'import json, sys; print(json.dumps({"productId": sys.argv[1], "quantity": int(sys.argv[2])}))' \
  "$product_id" "$QUANTITY")
code=$(request POST /api/cart/items "$TMP/cart.json" -H "X-Session-Id: $session_id" \
  -H 'Content-Type: application/json' --data-binary "$body") || fail "add to cart: request failed"
[[ $code == 200 ]] || fail "add to cart answered $code" "$TMP/cart.json"
echo "Cart: $(json_field "$TMP/cart.json" itemCount) item(s), subtotal $(json_field "$TMP/cart.json" subtotal)"

# 5. Get checkout quote
code=$(request POST /api/checkout/quote "$TMP/quote.json" -H "X-Session-Id: $session_id" \
  -H 'Content-Type: application/json' --data-binary '{}') || fail "quote: request failed"
[[ $code == 200 ]] || fail "quote answered $code" "$TMP/quote.json"
echo "Quote: subtotal $(json_field "$TMP/quote.json" subtotal), tax $(json_field "$TMP/quote.json" tax)," \
  "shipping $(json_field "$TMP/quote.json" shipping), total $(json_field "$TMP/quote.json" total)"

# 6. Place order
idempotency_key=$(new_uuid)
body=$(python3 -c 'import json, sys; print(json.dumps({
    "idempotencyKey": sys.argv[1],
    "email": "customer@example.com",
    "phone": "+1234567890",
    "shippingAddress": "123 Main St, City, State 12345",
    "paymentMethod": "CreditCard"}))' "$idempotency_key")
code=$(request POST /api/checkout/place-order "$TMP/order.json" -H "X-Session-Id: $session_id" \
  -H "Idempotency-Key: $idempotency_key" -H 'Content-Type: application/json' --data-binary "$body") ||
  fail "place-order: request failed"
[[ $code == 200 ]] || fail "place-order answered $code" "$TMP/order.json"
order_number=$(json_field "$TMP/order.json" orderNumber)
[[ -n $order_number ]] || fail "place-order: no orderNumber" "$TMP/order.json"
echo "Order created: $order_number"
