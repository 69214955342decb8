#!/usr/bin/env bash
# Worker memory per store touched (issue 16 "worker RSS with 1,000 stores touched", issue 17's
# 10,000), measured on a private stack with ONE worker, so that this worker serves every store.
#
#   bench/worker_rss.sh rss   grow the stack to RSS_STORES small stores (rss-1 .. rss-N, one
#                             category and one product each; kept between runs), start ecom-fcgi
#                             afresh, then RSS_PASSES times touch every store through nginx:
#                             product list, categories, one product's detail. Prints the worker's
#                             VmRSS (from /proc; the worker's pid from the master's /status) every
#                             RSS_STEP stores, and KiB per store over each pass. Then RSS_RANDOM
#                             requests (list or detail) to stores drawn at random, as the many-
#                             stores row of bench/run.sh does, and the worker's VmRSS and VmHWM.
#   bench/worker_rss.sh rps   single-store hot path: product list and detail of rss-1 with wrk
#                             (RPS_SECONDS each, 16 connections, default workers), RPS_ROUNDS
#                             times; with several binary directories in RPS_BINS (space-separated)
#                             the stack is restarted with each in turn every round (interleaved).
#
# Env: RSS_STORES (default 250), RSS_PASSES (default 2), RSS_STEP (default 50), RSS_RANDOM
# (default 3 x RSS_STORES), RPS_SECONDS
# (default 5), RPS_ROUNDS (default 3), RPS_BINS (default ECOM_BIN_DIR), ECOM_VAR_DIR (default
# <repo>/var/rss-stack), ECOM_HTTP_PORT (default 18370), ECOM_BIN_DIR (default <repo>/bin).
# Creating stores takes about 1 s each; 1,000 take ~15 min, so measure a few hundred and
# multiply the KiB per store.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-rss}"
stores="${RSS_STORES:-250}"
passes="${RSS_PASSES:-2}"
step="${RSS_STEP:-50}"
. "$repo/bench/lib.sh"
positive_numbers worker_rss stores passes step
private_stack rss-stack 18370
base="http://127.0.0.1:$ECOM_HTTP_PORT"

cleanup() { "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

start_stack() {  # fresh ecom-fcgi (and everything else) each time
  "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true
  "$repo/scripts/stack.sh" start >/dev/null
}

sql() {
  . "$ECOM_VAR_DIR/secrets.env"
  mariadb --socket="$ECOM_VAR_DIR/mysql/mysqld.sock" -uecom_admin -p"$ECOM_DB_ADMIN_PASSWORD" -N -B "$@"
}

ensure_stores() {
  local P=("$ECOM_BIN_DIR/ecom-provision" --config "$ECOM_VAR_DIR/ecom.conf") have i
  have=$(sql ecom_control -e "SELECT COUNT(*) FROM tenants WHERE slug LIKE 'rss-%' AND status = 'Ready'")
  ((have >= stores)) && return
  echo "creating $((stores - have)) stores (rss-1 .. rss-$stores)" >&2
  for i in $(seq 1 "$stores"); do
    "${P[@]}" status "rss-$i" >/dev/null 2>&1 && continue
    "${P[@]}" create "rss-$i" "RSS $i" BASIC >/dev/null
    # One category and one product (with an image), unless the store was seeded with some.
    sql "ecom_tenant_rss_$i" <<'SQL'
INSERT INTO categories (id, name, description) SELECT UUID(), 'Things', 'Things to buy' FROM DUAL
  WHERE NOT EXISTS (SELECT 1 FROM categories);
INSERT INTO products (id, name, description, price, stock) SELECT UUID(), 'Thing', 'A thing', 9.99, 100 FROM DUAL
  WHERE NOT EXISTS (SELECT 1 FROM products);
INSERT IGNORE INTO product_images (product_id, position, url) SELECT id, 0, 'https://img.example/1.jpg' FROM products;
INSERT IGNORE INTO product_categories (product_id, category_id)
  SELECT p.id, c.id FROM products p JOIN categories c LIMIT 1;
SQL
  done
}

case "$mode" in
  rss)
    export ECOM_WORKERS=1
    start_stack
    ensure_stores
    start_stack  # a fresh worker that has served nothing
    python3 - "$base" "$stores" "$passes" "$step" "${RSS_RANDOM:-$((3 * stores))}" <<'PY'
import http.client, json, random, sys, urllib.parse
base, stores, passes, step, randoms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

def get(path, slug=None, want=200):
    conn.request("GET", path, headers={"X-Tenant-Slug": slug} if slug else {})
    r = conn.getresponse()
    body = r.read()
    if r.status != want:
        sys.exit(f"GET {path} ({slug}): {r.status} {body[:200]!r}")
    return json.loads(body) if body else None

status = get("/status")
pids = [w["pid"] for w in status["workers"]]
if len(pids) != 1:
    sys.exit(f"expected one worker, /status lists {pids}")
pid = pids[0]

def rss():
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.split()[0] if v.split() else ""
    return int(fields["VmRSS"]), int(fields["VmHWM"])

get("/health")
start = rss()[0]
print(f"worker {pid}: {start} KiB after /health")

def product_id(answer):
    items = answer.get("items") if isinstance(answer, dict) else answer
    return items[0]["id"]

for p in range(1, passes + 1):
    before = rss()[0]
    for i in range(1, stores + 1):
        slug = f"rss-{i}"
        listing = get("/api/catalog/products", slug)
        get("/api/catalog/categories", slug)
        get(f"/api/catalog/products/{product_id(listing)}", slug)
        if i % step == 0 or i == stores:
            r, hwm = rss()
            print(f"pass {p} stores {i:5d}: VmRSS {r} KiB ({r / 1024:.1f} MiB), VmHWM {hwm} KiB")
    r, hwm = rss()
    print(f"pass {p}: +{(r - before) / stores:.1f} KiB per store over this pass; "
          f"{(r - start) / stores:.1f} KiB per store since /health; "
          f"extrapolated to 1,000 stores: {(start + (r - start) / stores * 1000) / 1024:.1f} MiB")

products = {}
rng = random.Random(16)
for _ in range(randoms):
    slug = f"rss-{rng.randint(1, stores)}"
    if slug not in products or rng.random() < 0.5:
        products[slug] = product_id(get("/api/catalog/products", slug))
    else:
        get(f"/api/catalog/products/{products[slug]}", slug)
r, hwm = rss()
print(f"after {randoms} requests to random stores: VmRSS {r} KiB ({r / 1024:.1f} MiB), VmHWM {hwm} KiB ({hwm / 1024:.1f} MiB)")
PY
    ;;
  rps)
    seconds="${RPS_SECONDS:-5}"
    rounds="${RPS_ROUNDS:-3}"
    read -r -a bins <<<"${RPS_BINS:-$ECOM_BIN_DIR}"
    export ECOM_BIN_DIR="${bins[0]}"
    start_stack
    ensure_stores
    product=$(sql ecom_tenant_rss_1 -e "SELECT id FROM products ORDER BY name LIMIT 1")
    for round in $(seq 1 "$rounds"); do
      for bin in "${bins[@]}"; do
        export ECOM_BIN_DIR="$bin"
        start_stack
        for what in list detail; do
          url="$base/api/catalog/products"
          [[ $what == detail ]] && url="$url/$product"
          wrk -t2 -c16 -d2s -H "X-Tenant-Slug: rss-1" "$url" >/dev/null 2>&1 || true
          rps=$(wrk -t2 -c16 -d"${seconds}s" -H "X-Tenant-Slug: rss-1" "$url" 2>&1 | awk '/Requests\/sec/{print $2}')
          printf 'round %s\t%s\t%s\t%s rps\n' "$round" "$bin" "$what" "$rps"
        done
      done
    done
    ;;
  *) echo "usage: $0 rss|rps" >&2; exit 2 ;;
esac
