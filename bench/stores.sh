#!/usr/bin/env bash
# make bench-stores: how many stores one MariaDB server holds, and what it costs.
# Grows a private stack (var/bench-stores, port 18300; kept between runs, so a second run only
# measures) to STORES stores on its one database server, timing the creation per thousand, then
# measures:
#   - creating one store at STORES (the last stores are created one at a time and timed each);
#   - `ecom-provision migrate` with nothing pending;
#   - one new tenant migration over every store, interrupted once and run again (resumable);
#   - the product list spread over every store vs one store (64 connections, rps and p99), with
#     the catalog answer cache off (every request reaches MariaDB) and with the default cache;
#   - mariadbd's RSS and the largest worker RSS after every store was touched;
#   - the list's statement at the database reading 5, 4, 3 or 1 of a store's tables (mariadb-slap,
#     bench/list_tables.sh): what folding tables into the product row is worth.
# Writes var/bench/stores-<time>.json and prints the table with the goals of the README.
# Env: STORES (default 10000), BENCH_CREATORS (stores created at once, default 4),
#      BENCH_SECONDS (per measurement, default 10), BENCH_CONNECTIONS (default 64),
#      ECOM_DB_BUFFER_POOL (default 2G: the pages a storefront read touches in 10,000 stores,
#      about 150 KB each), ECOM_DB_FILE_PER_TABLE (ON or OFF, for a stack created with it).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stores="${STORES:-10000}"
creators="${BENCH_CREATORS:-4}"
seconds="${BENCH_SECONDS:-10}"
conns="${BENCH_CONNECTIONS:-64}"
. "$repo/bench/lib.sh"
positive_numbers bench-stores stores creators seconds conns
private_stack bench-stores 18300
export ECOM_DB_BUFFER_POOL="${ECOM_DB_BUFFER_POOL:-2G}"
work="$repo/var/bench/stores-run"
mkdir -p "$work" "$repo/var/bench"
P=("$ECOM_BIN_DIR/ecom-provision" --config "$ECOM_VAR_DIR/ecom.conf")
base="http://127.0.0.1:$ECOM_HTTP_PORT"
run_started=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

start_stack() { "$repo/scripts/stack.sh" start >/dev/null; }
stop_stack() { "$repo/scripts/stack.sh" stop >/dev/null || true; }
start_stack
trap stop_stack EXIT
. "$ECOM_VAR_DIR/secrets.env"
db_sock="$ECOM_VAR_DIR/mysql/mysqld.sock"
sql() { MYSQL_PWD=$ECOM_DB_ADMIN_PASSWORD mariadb --socket="$db_sock" -uecom_admin -N -B "$@"; }
results="$work/results.tsv"  # key <tab> value ... (read by bench/stores_report.py)
: >"$results"
put() { local IFS=$'\t'; echo "$*" >>"$results"; }
put setting stores "$stores"
put setting creators "$creators"
put setting seconds "$seconds"
put setting connections "$conns"
put setting buffer_pool "$ECOM_DB_BUFFER_POOL"
put setting file_per_table "$(sql -e 'SELECT @@innodb_file_per_table')"
put setting open_files_limit "$(sql -e 'SELECT @@open_files_limit')"
put setting innodb_open_files "$(sql -e 'SELECT @@innodb_open_files')"
put setting table_open_cache "$(sql -e 'SELECT @@table_open_cache')"
put setting table_definition_cache "$(sql -e 'SELECT @@table_definition_cache')"

# --- growing: st-1 .. st-STORES, BENCH_CREATORS at once, the last ones one at a time
count_stores() { sql ecom_control -e "SELECT COUNT(*) FROM tenants WHERE slug LIKE 'st-%' AND status = 'Ready'"; }
failed=0
: >"$work/create-errors.log"
create_numbers() {  # parallel; the store numbers on stdin
  local errs="$work/create-errors.log"
  : >"$errs.failed"
  # A store left half-made by an interrupted run is finished with repair; one that does not exist
  # (--json prints the error on stdout) is created.
  xargs -P "$1" -I{} sh -c 'case $("$0" --config "$1" --json status "st-{}" 2>/dev/null) in
      *\"status\":\"Ready\"*) ;;
      "" | *\"error\":*) "$0" --config "$1" create "st-{}" "Store {}" BASIC >/dev/null 2>>"$2" || echo "st-{}" >>"$2.failed" ;;
      *) "$0" --config "$1" repair "st-{}" >/dev/null 2>>"$2" || echo "st-{}" >>"$2.failed" ;;
    esac' "${P[0]}" "$ECOM_VAR_DIR/ecom.conf" "$errs"
  failed=$((failed + $(wc -l <"$errs.failed")))
}
create_range() { seq "$1" "$2" | create_numbers "$3"; }  # first last parallel
# The numbers up to $1 that are not a Ready store: the gaps an interrupted or failed create left.
gaps() {
  sql ecom_control -e "SELECT SUBSTRING(slug, 4) FROM tenants WHERE slug LIKE 'st-%' AND status = 'Ready'" |
    awk -v n="$1" '{ ready[$1] = 1 } END { for (i = 1; i <= n; i++) if (!(i in ready)) print i }'
}
# The capacity guard would stop the growth at the server's derived capacity (10,000 stores in all,
# this stack's demo store and any failed one included): the bench asks how many the server holds,
# so its own server may take STORES and a margin.
"${P[@]}" server capacity default $((stores + 100)) >/dev/null
have=$(count_stores)
single=$((stores < 20 ? stores : 20))  # created one at a time at the end, each timed
if ((have < stores - single)); then
  echo "creating stores $((have + 1)) .. $((stores - single)), $creators at once"
  step=1000
  for ((first = have + 1; first <= stores - single; first += step)); do
    last=$((first + step - 1 - (first - 1) % step))  # chunks end at whole thousands
    ((last > stores - single)) && last=$((stores - single))
    t0=$EPOCHREALTIME
    create_range "$first" "$last" "$creators"
    s=$(elapsed "$t0")
    put create_chunk "$first" "$last" "$s"
    printf '  stores %6d .. %6d: %7.1f s, %.3f s per store (%d at once), %d failed so far\n' "$first" "$last" "$s" \
      "$(awk -v s="$s" -v n=$((last - first + 1)) 'BEGIN { print s / n }')" "$creators" "$failed"
    first=$((last + 1 - step))
    ((failed == 0)) || break
  done
fi
missing=$(gaps $((stores - single)))
if ((failed == 0)) && [[ -n $missing ]]; then
  echo "creating $(wc -l <<<"$missing") stores missing below $((stores - single + 1)), $creators at once"
  create_numbers "$creators" <<<"$missing"
fi
if ((failed == 0)); then
  echo "creating the last $single stores one at a time"
  for ((i = stores - single + 1; i <= stores; i++)); do
    case $("${P[@]}" --json status "st-$i" 2>/dev/null) in
      *'"status":"Ready"'*) continue ;;
      "" | *'"error":'*) ;;  # no such store (--json prints the error on stdout)
      *) "${P[@]}" repair "st-$i" >/dev/null 2>>"$work/create-errors.log" || failed=$((failed + 1)); continue ;;
    esac
    t0=$EPOCHREALTIME
    if "${P[@]}" create "st-$i" "Store $i" BASIC >/dev/null 2>>"$work/create-errors.log"; then
      put create_one "$i" "$(elapsed "$t0")"
    else
      failed=$((failed + 1))
    fi
  done
fi
total=$(count_stores)
# The stores the reads go to: the Ready ones (a failed create leaves a gap in st-1 .. st-N).
sql ecom_control -e "SELECT slug FROM tenants WHERE slug LIKE 'st-%' AND status = 'Ready' ORDER BY id" >"$work/slugs"
put stores_ready "$total"
put create_failed "$failed"
echo "stores ready: $total (failed: $failed; errors in $work/create-errors.log)"
((total > 0)) || exit 1

# --- migrate with nothing pending
t0=$EPOCHREALTIME
"${P[@]}" migrate --json >"$work/migrate-nothing.json"
put migrate_nothing "$(elapsed "$t0")"
echo "migrate, nothing pending: $(elapsed "$t0") s"

# --- one new migration over every store: the tree's migrations plus one that adds a column (an
# instant ADD COLUMN, what most real migrations are); interrupted after 5 s, then run to the end.
n=$(sql ecom_tenant_st_1 -e "SELECT COUNT(*) FROM schema_migrations WHERE name LIKE '%bench_probe%'")
mig="$work/migrations"
rm -rf "$mig" && mkdir -p "$mig" && cp "$repo"/sql/tenant/*.sql "$mig/"
probe=$(printf '%04d_bench_probe_%d.sql' $((9000 + n)) $((n + 1)))
echo "ALTER TABLE settings ADD COLUMN IF NOT EXISTS bench_probe_$((n + 1)) INT NULL;" >"$mig/$probe"
t0=$EPOCHREALTIME
ECOM_PATHS_TENANT_MIGRATIONS=$mig timeout -s INT 5 "${P[@]}" migrate >/dev/null 2>&1 || true
first_part=$(elapsed "$t0")
done_first=$(sql -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_NAME = 'settings' AND COLUMN_NAME = 'bench_probe_$((n + 1))'")
t1=$EPOCHREALTIME
ECOM_PATHS_TENANT_MIGRATIONS=$mig "${P[@]}" migrate --json >"$work/migrate-new.json" || true
second_part=$(elapsed "$t1")
done_all=$(sql -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_NAME = 'settings' AND COLUMN_NAME = 'bench_probe_$((n + 1))'")
all_stores=$(sql ecom_control -e "SELECT COUNT(*) FROM tenants WHERE status IN ('Ready', 'Suspended')")
put migrate_new "$(awk -v a="$first_part" -v b="$second_part" 'BEGIN { print a + b }')" "$first_part" "$done_first" "$done_all" "$all_stores"
echo "new migration: $done_first stores in the first ${first_part} s (interrupted), the rest in ${second_part} s; $done_all of $all_stores have it"

# --- reads: the product list of one store, then spread over every store; cache off, then on
wrk_row() {  # id, wrk args...
  local id=$1 out rps p99 non2xx; shift
  wrk -t2 -c"$conns" -d3s "$@" >/dev/null 2>&1 || true
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "$@" 2>&1) || true
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")
  put read "$id" "${rps:-0}" "${p99:-?}" "${non2xx:-0}"
  printf '  %-28s %10s rps  p99 %8s  non-2xx %s\n' "$id" "${rps:-?}" "${p99:-?}" "${non2xx:-0}"
}
# Every store touched once by every worker first (a worker's first request to a store prepares
# its statements), then the RSS is read.
touch_all() {
  python3 - "$ECOM_HTTP_PORT" "$work/slugs" <<'PY'
import http.client, sys
port, slugs = int(sys.argv[1]), open(sys.argv[2]).read().split()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
bad = 0
for slug in slugs:
    for path in ("/api/catalog/products", "/api/catalog/categories", "/public/tenant-config"):
        c.request("GET", path, headers={"X-Tenant-Slug": slug})
        r = c.getresponse(); r.read()
        bad += r.status != 200
print(bad)
PY
}
for cache in off on; do
  stop_stack
  if [[ $cache == off ]]; then export ECOM_CATALOG_CACHE_TTL_MS=0; else unset ECOM_CATALOG_CACHE_TTL_MS; fi
  start_stack
  echo "reads, catalog answer cache $cache:"
  t0=$EPOCHREALTIME
  bad=$(touch_all)
  put touch_all "$cache" "$(elapsed "$t0")" "$bad"
  echo "  every store touched in $(elapsed "$t0") s ($bad answers not 200)"
  wrk_row "one_store_$cache" -H "X-Tenant-Slug: st-1" "$base/api/catalog/products"
  BENCH_SLUGS_FILE="$work/slugs" wrk_row "spread_$cache" -s "$repo/bench/random_store.lua" "$base"
  master=$(cat "$ECOM_VAR_DIR/run/ecom-fcgi.pid")
  worker_max=0
  for w in $(pgrep -P "$master" -x "ecom: worker"); do
    r=$(awk '/VmRSS/{print $2}' "/proc/$w/status")
    ((r > worker_max)) && worker_max=$r
  done
  put rss "$cache" "$(awk '/VmRSS/{print $2}' "/proc/$(cat "$ECOM_VAR_DIR/run/mariadbd.pid")/status")" "$worker_max"
done
unset ECOM_CATALOG_CACHE_TTL_MS

# --- the lever of fewer tables a list reads, measured at the database: the list's statement
# (bench/list_tables.sh) over random Ready stores from 64 clients of mariadb-slap, the query cache
# bypassed: as the application sent it before the product row carried its images (5 tables), as
# it sends it (4), without the counter too (3) and with products alone (1); each twice,
# interleaved. Table_open_cache_misses per statement tells what each variant reopens.
echo "the tables a list reads (statements/s from $conns clients, the query cache bypassed):"
slap_n=$((conns * 200))
open_misses() { sql -e "SHOW GLOBAL STATUS LIKE 'Table_open_cache_misses'" | cut -f2; }
for round in 1 2; do
  for tables in 5 4 3 1; do
    "$repo/bench/list_tables.sh" "$tables" "$slap_n" <"$work/slugs" >"$work/slap-$tables.sql"
    misses0=$(open_misses)
    t0=$EPOCHREALTIME
    MYSQL_PWD=$ECOM_DB_ADMIN_PASSWORD mariadb-slap --socket="$db_sock" -uecom_admin --create-schema=ecom_control \
      --concurrency="$conns" --iterations=1 --number-of-queries="$slap_n" --delimiter=";" \
      --query="$work/slap-$tables.sql" >/dev/null
    s=$(elapsed "$t0")
    misses=$(($(open_misses) - misses0))
    put list_tables "$tables" "$round" "$slap_n" "$s" "$misses"
    printf '  %d tables, round %d: %8.0f statements/s, %.2f table cache misses a statement\n' "$tables" "$round" \
      "$(awk -v n="$slap_n" -v s="$s" 'BEGIN { print n / s }')" "$(awk -v m="$misses" -v n="$slap_n" 'BEGIN { print m / n }')"
  done
done
put disk_kib "$(du -sk "$ECOM_VAR_DIR/mysql/data" | cut -f1)"
put run_seconds "$(elapsed "$run_started")"
python3 "$repo/bench/stores_report.py" "$results" "$repo/var/bench"
