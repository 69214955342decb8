#!/usr/bin/env bash
# make bench: measures ecom against the machine's own limits, in one run.
#   baseline A  nginx answering a fixed JSON body itself
#   baseline B  nginx → FastCGI → a trivial libfcgi responder (bench/trivial_responder.c), same workers
#   then the API's endpoints through the same nginx, on its own stack (var/bench-stack, port 18200)
# Prints endpoint, rps, p50, p99, ratio to baseline B, and peak RSS per worker; writes the same
# as JSON to var/bench/<time>.json. Env: BENCH_SECONDS (per endpoint, default 8), BENCH_CONNECTIONS
# (default 64), BENCH_STORES (small stores for the many-stores case, default 1000).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${BENCH_SECONDS:-8}"
conns="${BENCH_CONNECTIONS:-64}"
nstores="${BENCH_STORES:-1000}"
export ECOM_VAR_DIR="${ECOM_VAR_DIR:-$repo/var/bench-stack}" ECOM_HTTP_PORT="${ECOM_HTTP_PORT:-18200}"
export ECOM_BIN_DIR="${ECOM_BIN_DIR:-$repo/bin}"
bench_dir="$repo/var/bench/run"
port=$((ECOM_HTTP_PORT + 1))
cache_port=$((ECOM_HTTP_PORT + 2))  # the same nginx with the optional micro-cache
mkdir -p "$bench_dir/tmp" "$repo/var/bench"
P=("$ECOM_BIN_DIR/ecom-provision" --config "$ECOM_VAR_DIR/ecom.conf")

"$repo/scripts/stack.sh" start >/dev/null
cleanup() {
  [[ -f $bench_dir/nginx.pid ]] && kill "$(cat "$bench_dir/nginx.pid")" 2>/dev/null || true
  [[ -n ${trivial_pid:-} ]] && kill -- "-$trivial_pid" 2>/dev/null || true
  "$repo/scripts/stack.sh" stop >/dev/null
}
trap cleanup EXIT
. "$ECOM_VAR_DIR/secrets.env"
sql() { mariadb --socket="$ECOM_VAR_DIR/mysql/mysqld.sock" -uecom_admin -p"$ECOM_DB_ADMIN_PASSWORD" -N -B "$@"; }
workers=$(awk -F= '/^workers=/{print $2}' "$ECOM_VAR_DIR/ecom.conf"); ((workers > 0)) || workers=$((2 * $(nproc)))  # as ecom-fcgi: 0 = two per CPU (kWorkersPerCpu, src/common/config.h)

# --- data: one store with 1,000 products in 20 categories, and many small stores (kept between runs)
if ! "${P[@]}" status bench-big >/dev/null 2>&1; then
  echo "creating bench-big (1,000 products in 20 categories)"
  "${P[@]}" create bench-big "Bench Big" ENTERPRISE >/dev/null
  sql ecom_tenant_bench_big <<'SQL'
DELETE FROM product_categories; DELETE FROM product_images; DELETE FROM products; DELETE FROM categories;
INSERT INTO categories (id, name, description) SELECT UUID(), CONCAT('Category ', seq), 'Bench category' FROM seq_1_to_20;
INSERT INTO products (id, name, description, price, discount, stock, attributes)
  SELECT UUID(), CONCAT('Product ', LPAD(seq, 4, '0')), CONCAT('Description of product ', seq),
         1 + (seq * 37 % 500) + 0.99, IF(seq % 4 = 0, 0.10, 0), 1000000, CONCAT('{"brand":"B', seq % 13, '","size":', seq % 5, '}')
  FROM seq_1_to_1000;
INSERT INTO product_images (product_id, position, url) SELECT id, 0, CONCAT('https://img.example/', id, '-1.jpg') FROM products;
INSERT INTO product_images (product_id, position, url) SELECT id, 1, CONCAT('https://img.example/', id, '-2.jpg') FROM products;
INSERT INTO product_categories (product_id, category_id)
  SELECT p.id, c.id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY name) AS n FROM products) p
  JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY name) AS n FROM categories) c ON c.n = 1 + p.n % 20;
SQL
fi
have=$(sql ecom_control -e "SELECT COUNT(*) FROM tenants WHERE slug LIKE 'tiny-%' AND status = 'Ready'")
if ((have < nstores)); then
  echo "creating $((nstores - have)) small stores (tiny-1 .. tiny-$nstores)"
  for i in $(seq 1 "$nstores"); do
    "${P[@]}" status "tiny-$i" >/dev/null 2>&1 || "${P[@]}" create "tiny-$i" "Tiny $i" BASIC >/dev/null
  done
fi
category=$(sql ecom_tenant_bench_big -e "SELECT id FROM categories ORDER BY name LIMIT 1")
product=$(sql ecom_tenant_bench_big -e "SELECT id FROM products ORDER BY name LIMIT 1 OFFSET 500")

# --- baseline B responder and the bench nginx
gcc -O2 -o "$bench_dir/trivial_responder" "$repo/bench/trivial_responder.c" -lfcgi
setsid "$bench_dir/trivial_responder" "$bench_dir/trivial.sock" "$workers" &
trivial_pid=$!
user_line=""; ((EUID == 0)) && user_line="user root;"
sed -e "s|@BENCH_DIR@|$bench_dir|g" -e "s|@BENCH_PORT@|$port|g" -e "s|@USER_LINE@|$user_line|g" \
    -e "s|@CACHE_PORT@|$cache_port|g" -e "s|@ECOM_SOCKET@|$ECOM_VAR_DIR/run/ecom-fcgi.sock|g" "$repo/bench/nginx.conf.template" >"$bench_dir/nginx.conf"
nginx -p "$bench_dir" -c "$bench_dir/nginx.conf"
sleep 0.5
base="http://127.0.0.1:$port"

# A session with a cart, for the quote.
quote_session="bench-quote-session"
for _ in 1 2 3 4 5 6 7 8 9 10; do
  curl -sf -o /dev/null -X POST "$base/api/cart/items" -H "X-Tenant-Slug: bench-big" -H "X-Session-Id: $quote_session" \
       -H 'Content-Type: application/json' -d "{\"productId\":\"$product\",\"quantity\":1}" && break
  sleep 0.5
done
curl -sf -o /dev/null "$base/baseline-b" || { echo "baseline B does not answer"; exit 1; }

results="$bench_dir/results.tsv"
: >"$results"
measure() {  # name, wrk args...   (env WARMUP: seconds of warm-up, default 2)
  local name=$1; shift
  wrk -t2 -c"$conns" -d"${WARMUP:-2}s" "$@" >/dev/null 2>&1 || true  # warm-up
  local out; out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "$@" 2>&1)
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out"); non2xx=${non2xx:-0}
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "$non2xx" >>"$results"
  printf '  %-34s %10s rps  p50 %8s  p99 %8s  non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "$non2xx"
}
T=(-H "X-Tenant-Slug: bench-big")
echo "measuring (${seconds}s each, $conns connections, $workers workers)"
measure "baseline A (nginx return 200)" "$base/baseline-a"
measure "baseline B (trivial FastCGI)" "$base/baseline-b"
measure "GET /health" "$base/health"
measure "products (20)" "${T[@]}" "$base/api/catalog/products"
measure "products search" "${T[@]}" "$base/api/catalog/products?search=duct%2005"
measure "products category+price" "${T[@]}" "$base/api/catalog/products?categoryId=$category&minPrice=10&maxPrice=300"
measure "product detail" "${T[@]}" "$base/api/catalog/products/$product"
measure "categories" "${T[@]}" "$base/api/catalog/categories"
# The small stores hold the demo catalog (longer texts than bench-big's): one of them alone is
# the like-for-like reference for the list spread over all of them.
measure "products (20), one small store" -H "X-Tenant-Slug: tiny-1" "$base/api/catalog/products"
# Steady state over many stores: every worker must first have seen every store once (its
# connection's prepared statements, the server's open tables), hence the longer warm-up.
WARMUP=10 BENCH_SLUG_PREFIX=tiny BENCH_SLUG_COUNT=$nstores measure "products over $nstores stores" -s "$repo/bench/random_store.lua" "$base"
BENCH_STORE=bench-big BENCH_PRODUCT=$product measure "add to cart" -s "$repo/bench/add_to_cart.lua" "$base"
BENCH_STORE=bench-big BENCH_SESSION=$quote_session measure "checkout quote" -s "$repo/bench/quote.lua" "$base/api/checkout/quote"
# place-order: add + place per order, one connection per thread (see place_order.lua). Orders
# spread over 100 products, as a store's orders are; then all on one product (a hot row: every
# order waits for the one before it to commit, whatever the machine).
place_orders() {  # name, products ("id|id|...")
  local out orders
  out=$(BENCH_STORES=bench-big BENCH_PRODUCTS="bench-big=$2" wrk -t"$conns" -c"$conns" -d"${seconds}s" --latency \
        -s "$repo/bench/place_order.lua" "$base" 2>&1)
  orders=$(awk '/orders\/s/{print $3}' <<<"$out" | head -1)
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$orders" "$(awk '$1=="50%"{print $2}' <<<"$out")" \
    "$(awk '$1=="99%"{print $2}' <<<"$out")" "$(awk '/non-2xx/{print $2}' <<<"$out" | tr -d ,)" >>"$results"
  printf '  %-34s %10s orders/s\n' "$1" "$orders"
}
place_orders "place-order (orders/s)" "$(sql ecom_tenant_bench_big -e "SELECT GROUP_CONCAT(id SEPARATOR '|') FROM (SELECT id FROM products ORDER BY name LIMIT 100) p")"
place_orders "place-order, one product (orders/s)" "$product"

# Baseline B again: the machine's own speed drifts during a run; ratios use the higher of the two.
measure "baseline B, again at the end" "$base/baseline-b"

# The optional nginx micro-cache (conf/nginx/ecom-site.conf), measured apart: it changes what
# clients see (answers up to 1 s old), so it is not part of the goals above.
cbase="http://127.0.0.1:$cache_port"
measure "micro-cache: products (20)" "${T[@]}" "$cbase/api/catalog/products"
measure "micro-cache: product detail" "${T[@]}" "$cbase/api/catalog/products/$product"
BENCH_SLUG_PREFIX=tiny BENCH_SLUG_COUNT=$nstores measure "micro-cache: over $nstores stores" -s "$repo/bench/random_store.lua" "$cbase"

# Peak RSS of each worker (VmHWM).
master=$(cat "$ECOM_VAR_DIR/run/ecom-fcgi.pid")
rss=$(for w in $(pgrep -P "$master" -x "ecom: worker"); do awk '/VmHWM/{print $2}' "/proc/$w/status"; done | sort -n | tail -1)

python3 - "$results" "$repo/var/bench" "$rss" "$workers" "$conns" "$seconds" <<'PY'
import json, sys, time
path, outdir, rss, workers, conns, seconds = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
def num(x):
    try: return float(x)
    except ValueError: return None
bs = [num(r[1]) for r in rows if r[0].startswith("baseline B") and num(r[1])]
b = max(bs)  # the conservative ceiling: every ratio is against the faster of the two B runs
out = []
print()
print(f"{'endpoint':36} {'rps':>10} {'p50':>9} {'p99':>9} {'ratio to B':>10}")
for name, rps, p50, p99, non2xx in rows:
    r = num(rps)
    ratio = (r / b) if (r and b) else None
    print(f"{name:36} {rps:>10} {p50:>9} {p99:>9} {ratio if ratio is None else round(ratio, 2)!s:>10}  non-2xx {non2xx}")
    out.append({"endpoint": name, "rps": r, "p50": p50, "p99": p99, "ratioToB": ratio, "non2xx": non2xx})
many = next((num(r[1]) for r in rows if r[0].startswith("products over")), None)
for ref in ("products (20)", "products (20), one small store"):
    one = next((num(r[1]) for r in rows if r[0] == ref), None)
    if many and one:
        print(f"over many stores / {ref}: {many / one:.2f}")
print(f"baseline B: {', '.join(f'{x:.0f}' for x in bs)} rps in this run; ratios use {b:.0f}")
print(f"peak RSS per worker: {int(rss) / 1024:.1f} MiB" if rss else "peak RSS: n/a")
report = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "workers": int(workers), "connections": int(conns),
          "secondsPerEndpoint": int(seconds), "baselineB": bs, "ratiosAgainst": b,
          "peakWorkerRssKiB": int(rss) if rss else None, "results": out}
name = f"{outdir}/{report['time']}.json"
json.dump(report, open(name, "w"), indent=1)
print("written", name)
PY
