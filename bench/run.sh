#!/usr/bin/env bash
# make bench: measures ecom against the machine's own limits, in one run.
#   baseline A  nginx answering a fixed JSON body itself
#   baseline B  nginx → FastCGI → a trivial libfcgi responder (bench/trivial_responder.c), same workers
#   then the API's endpoints through the same nginx, on its own stack (var/bench-stack, port 18200)
#
# Method (bench/report.py turns the measurements into the tables):
#   - B is measured before every row and once more at the end of a pass, so each row sits between
#     two B measurements; the row's ratio is its rps ÷ the mean of those two (the machine's speed
#     drifts during a run, the pair follows it).
#   - Every row is measured BENCH_PASSES times (default 3, the rows in the same order each pass);
#     the report gives the median and the range over the passes.
#   - The product list and detail are measured with MariaDB's query cache off and on, switched at
#     run time with SET GLOBAL query_cache_type (root over the socket); every row records the mode
#     it ran in and how far Qcache_hits moved, so the off rows are verifiably uncached. In each
#     pass the on rows come first (statements prepared while the cache is off are never cached).
#   - The goals of issue 16 are checked against the medians: met / not met.
# Writes every number to var/bench/<time>.json and prints the summary tables.
# Env: BENCH_SECONDS (per measurement, default 5), BENCH_PASSES (default 3), BENCH_CONNECTIONS
# (default 64), BENCH_STORES (small stores for the many-stores case, default 1000),
# ECOM_CATALOG_CACHE_TTL_MS (the workers' catalog answer cache: 0 turns it off; default as configured).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${BENCH_SECONDS:-5}"
passes="${BENCH_PASSES:-3}"
conns="${BENCH_CONNECTIONS:-64}"
nstores="${BENCH_STORES:-1000}"
. "$repo/bench/lib.sh"
positive_numbers bench seconds passes conns nstores
private_stack bench-stack 18200
bench_dir="$repo/var/bench/run"
port=$((ECOM_HTTP_PORT + 1))
cache_port=$((ECOM_HTTP_PORT + 2))  # the same nginx with the optional micro-cache
mkdir -p "$bench_dir/tmp" "$repo/var/bench"
P=("$ECOM_BIN_DIR/ecom-provision" --config "$ECOM_VAR_DIR/ecom.conf")
run_started=$EPOCHREALTIME

"$repo/scripts/stack.sh" start >/dev/null
cleanup() {
  [[ -f $bench_dir/nginx.pid ]] && kill "$(cat "$bench_dir/nginx.pid")" 2>/dev/null || true
  [[ -n ${trivial_pid:-} ]] && kill -- "-$trivial_pid" 2>/dev/null || true
  "$repo/scripts/stack.sh" stop >/dev/null
}
trap cleanup EXIT
. "$ECOM_VAR_DIR/secrets.env"
db_sock="$ECOM_VAR_DIR/mysql/mysqld.sock"
sql() { mariadb --socket="$db_sock" -uecom_admin -p"$ECOM_DB_ADMIN_PASSWORD" -N -B "$@"; }
# The catalog answer cache as the workers run it (ECOM_CATALOG_CACHE_TTL_MS=0 make bench: off).
answer_ttl="${ECOM_CATALOG_CACHE_TTL_MS:-$(awk -F= '/^cache_ttl_ms=/{print $2}' "$ECOM_VAR_DIR/ecom.conf")}"
answer_ttl="${answer_ttl:-2000}"  # not in the file: the default ([catalog] cache_ttl_ms)
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
hundred_products=$(sql ecom_tenant_bench_big -e "SELECT GROUP_CONCAT(id SEPARATOR '|') FROM (SELECT id FROM products ORDER BY name LIMIT 100) p")

# --- MariaDB's query cache, switched at run time. SET GLOBAL needs a global privilege the
# application's accounts do not have: root over the socket (what scripts/stack.sh creates), else
# the OS user through unix_socket. Setting query_cache_type to OFF disables the cache for every
# connection, the workers' open ones included; ON enables it again (emptied) as long as the
# server started with query_cache_size > 0 (conf/dev/my.cnf.template: 64M).
db_root=()
for user in root "$(id -un)"; do
  if mariadb --no-defaults --socket="$db_sock" -u "$user" -N -B -e 'SELECT 1' >/dev/null 2>&1 </dev/null; then
    db_root=(mariadb --no-defaults --socket="$db_sock" -u "$user" -N -B)
    break
  fi
done
# Prints "<mode> <Qcache_hits> <Qcache_inserts>", mode in lower case (on / off / demand); kept in
# qc_now, read again after every row (not after the baselines, which send nothing to MariaDB)
# and after every switch.
qc_state() {
  sql -e "SELECT LOWER(@@global.query_cache_type),
            (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'QCACHE_HITS'),
            (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'QCACHE_INSERTS')" | tr '\t' ' '
}
qc_wanted=on
qc_set() {  # ON | OFF; a failure is reported and leaves the mode as it is (every row records its mode)
  qc_wanted=${1,,}
  if ((${#db_root[@]} == 0)); then
    echo "  (cannot switch the query cache: no root access to MariaDB over $db_sock)"
  elif ! "${db_root[@]}" -e "SET GLOBAL query_cache_type = $1" </dev/null; then
    echo "  (SET GLOBAL query_cache_type = $1 failed)"
  fi
  qc_now=$(qc_state)
}
qc_size=$(sql -e "SELECT @@global.query_cache_size")
qc_now=$(qc_state)

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
cbase="http://127.0.0.1:$cache_port"

# A session with a cart, for the quote.
quote_session="bench-quote-session"
for _ in 1 2 3 4 5 6 7 8 9 10; do
  curl -sf -o /dev/null -X POST "$base/api/cart/items" -H "X-Tenant-Slug: bench-big" -H "X-Session-Id: $quote_session" \
       -H 'Content-Type: application/json' -d "{\"productId\":\"$product\",\"quantity\":1}" && break
  sleep 0.5
done
curl -sf -o /dev/null "$base/baseline-b" || { echo "baseline B does not answer"; exit 1; }

# --- measuring. One line per measurement in $results (read by bench/report.py):
#   pass seq id label query_cache_wanted query_cache rps p50 p99 non2xx socket_errors qcache_hits_delta
#   qcache_inserts_delta seconds (all of it, warm-up included) warmup_seconds
# For the place-order rows rps is orders/s.
results="$bench_dir/results.tsv"
meta="$bench_dir/meta.tsv"
: >"$results"
: >"$meta"
pass=0 seq=0
tsv() { local IFS=$'\t'; echo "$*"; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }  # seconds since $1 (an $EPOCHREALTIME)
measure() {  # id, label, wrk args...   (env WARMUP: seconds of warm-up, default 2; THREADS: default 2)
  local id=$1 label=$2; shift 2
  local started=$EPOCHREALTIME before after out rps p50 p99 non2xx sockerr
  before=$qc_now
  ((${WARMUP:-2} > 0)) && { wrk -t"${THREADS:-2}" -c"$conns" -d"${WARMUP:-2}s" "$@" >/dev/null 2>&1 || true; }
  out=$(wrk -t"${THREADS:-2}" -c"$conns" -d"${seconds}s" --latency "$@" 2>&1) || true
  # The baselines send nothing to MariaDB: their counters are not read (it takes half a second
  # on a loaded machine); the next row's delta covers them.
  [[ $id == baseline_* ]] || qc_now=$(qc_state)
  after=$qc_now
  if [[ $id == place_order* ]]; then  # bench/place_order.lua prints the orders per second
    rps=$(awk '/orders\/s/{print $3}' <<<"$out" | head -1)
  else
    rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  fi
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")
  sockerr=$(awk '/Socket errors/{gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  seq=$((seq + 1))
  read -r mode hits0 inserts0 <<<"$before"
  read -r _ hits1 inserts1 <<<"$after"
  tsv "$pass" "$seq" "$id" "$label" "$qc_wanted" "$mode" "${rps:-}" "${p50:-}" "${p99:-}" "${non2xx:-0}" "${sockerr:-0}" \
    $((hits1 - hits0)) $((inserts1 - inserts0)) "$(elapsed "$started")" "${WARMUP:-2}" >>"$results"
  printf '  %-36s %-3s %10s %-8s p50 %8s  p99 %8s  non-2xx %s  Qcache hits %s\n' "$label" "$mode" "${rps:-?}" \
    "$([[ $id == place_order* ]] && echo orders/s || echo rps)" "${p50:-?}" "${p99:-?}" "${non2xx:-0}" $((hits1 - hits0))
}
baseline_b() { WARMUP=1 THREADS=2 measure baseline_b "baseline B (trivial FastCGI)" "$base/baseline-b"; }
row() { baseline_b; measure "$@"; }  # every row right after a B of its own
T=(-H "X-Tenant-Slug: bench-big")
echo "measuring: $passes passes, ${seconds}s per measurement, $conns connections, $workers workers, $nstores small stores"
while ((pass < passes)); do
  pass=$((pass + 1))
  pass_started=$EPOCHREALTIME
  echo "pass $pass of $passes"
  # Over many stores every worker must first have seen every store once (its connection's
  # prepared statements, the server's open tables and query cache), hence the longer warm-up in
  # the first pass; later passes refill only the query cache (emptied when it is switched on).
  many_warmup=4; ((pass == 1)) && many_warmup=10
  qc_set ON
  row baseline_a "baseline A (nginx return 200)" "$base/baseline-a"
  row health "GET /health" "$base/health"
  # The query cache on first, then off: MariaDB never caches the results of a statement that
  # was prepared while the cache was off, so the workers must prepare theirs with it on.
  row list "products (20)" "${T[@]}" "$base/api/catalog/products"
  row detail "product detail" "${T[@]}" "$base/api/catalog/products/$product"
  qc_set OFF
  row list "products (20)" "${T[@]}" "$base/api/catalog/products"
  row detail "product detail" "${T[@]}" "$base/api/catalog/products/$product"
  qc_set ON
  row list_search "products search" "${T[@]}" "$base/api/catalog/products?search=duct%2005"
  row list_category_price "products category+price" "${T[@]}" "$base/api/catalog/products?categoryId=$category&minPrice=10&maxPrice=300"
  row categories "categories" "${T[@]}" "$base/api/catalog/categories"
  # The small stores hold the demo catalog (longer texts than bench-big's): one of them alone is
  # the like-for-like reference for the list spread over all of them.
  row list_small_store "products (20), one small store" -H "X-Tenant-Slug: tiny-1" "$base/api/catalog/products"
  WARMUP=$many_warmup BENCH_SLUG_PREFIX=tiny BENCH_SLUG_COUNT=$nstores \
    row list_many_stores "products over $nstores stores" -s "$repo/bench/random_store.lua" "$base"
  BENCH_STORE=bench-big BENCH_PRODUCT=$product row add_to_cart "add to cart" -s "$repo/bench/add_to_cart.lua" "$base"
  BENCH_STORE=bench-big BENCH_SESSION=$quote_session row quote "checkout quote" -s "$repo/bench/quote.lua" "$base/api/checkout/quote"
  # place-order: add + place per order, one connection per thread (see place_order.lua). Orders
  # spread over 100 products, as a store's orders are; then all on one product (a hot row: every
  # order waits for the one before it to commit, whatever the machine).
  THREADS=$conns BENCH_STORES=bench-big BENCH_PRODUCTS="bench-big=$hundred_products" \
    row place_order "place-order (orders/s)" -s "$repo/bench/place_order.lua" "$base"
  THREADS=$conns BENCH_STORES=bench-big BENCH_PRODUCTS="bench-big=$product" \
    row place_order_one_product "place-order, one product (orders/s)" -s "$repo/bench/place_order.lua" "$base"
  # The optional nginx micro-cache (conf/nginx/ecom-site.conf), measured apart: it changes what
  # clients see (answers up to 1 s old), so it is not part of the goals.
  row micro_list "micro-cache: products (20)" "${T[@]}" "$cbase/api/catalog/products"
  row micro_detail "micro-cache: product detail" "${T[@]}" "$cbase/api/catalog/products/$product"
  BENCH_SLUG_PREFIX=tiny BENCH_SLUG_COUNT=$nstores \
    row micro_many_stores "micro-cache: over $nstores stores" -s "$repo/bench/random_store.lua" "$cbase"
  baseline_b  # the B after the last row
  # Peak RSS (VmHWM) of each worker so far, after all stores were touched.
  master=$(cat "$ECOM_VAR_DIR/run/ecom-fcgi.pid")
  for w in $(pgrep -P "$master" -x "ecom: worker"); do
    printf 'worker_rss\t%s\t%s\t%s\n' "$pass" "$w" "$(awk '/VmHWM/{print $2}' "/proc/$w/status")" >>"$meta"
  done
  printf 'pass_seconds\t%s\t%s\n' "$pass" "$(elapsed "$pass_started")" >>"$meta"
done
qc_set ON

{
  printf 'setting\tseconds\t%s\n' "$seconds"
  printf 'setting\tpasses\t%s\n' "$passes"
  printf 'setting\tconnections\t%s\n' "$conns"
  printf 'setting\tworkers\t%s\n' "$workers"
  printf 'setting\tstores\t%s\n' "$nstores"
  printf 'setting\tquery_cache_size\t%s\n' "$qc_size"
  printf 'setting\tanswer_cache_ttl_ms\t%s\n' "$answer_ttl"
  printf 'setting\trun_seconds\t%s\n' "$(elapsed "$run_started")"
} >>"$meta"
python3 "$repo/bench/report.py" "$results" "$meta" "$repo/var/bench"
