#!/usr/bin/env bash
# Runs every test suite and prints, as its last line, "N passed, N failed".
#   1. unit tests (Boost.Test, no database)
#   2. integration tests (ecom-provision against a real, throwaway MariaDB)
#   3. API tests (HTTP through real nginx into the real ecom-fcgi)
#   4. a part of them again through Apache httpd (conf/apache/, scripts/apache.sh), with
#      tests/apache and a set of the browser scenarios (tests/browser)
#   5. the upgrade from the previous release (tests/upgrade, a stack of its own)
#   6. the storefront in headless Chromium (tests/browser), through the same stack's nginx
#   7. the control database on a three-node Galera cluster (tests/galera, scripts/galera.sh)
#   (and the source rules of docs/architecture.md, tests/source, and the bench report, tests/bench:
#   no stack needed)
# Suites 2 and 3 share one private stack under a temporary ECOM_VAR_DIR on free
# ports, stopped and removed at the end (kept, with its logs, when a test failed).
# Env: ECOM_BIN_DIR (binaries to test), TEST_FILTER (substring of test names).
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${ECOM_BIN_DIR:-$repo/bin}"
passed=0
failed=0

add_counts() {  # "N passed, N failed" line → totals
  local line="$1" p f
  p=$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p' <<<"$line")
  f=$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p' <<<"$line")
  if [[ -z "$p" ]]; then failed=$((failed + 1)); return; fi
  passed=$((passed + p)); failed=$((failed + f))
}

free_port() {  # a port P with P and P+10000 both free (the test library's rule, tests/lib/processes.py)
  python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import processes; print(processes.free_port_pair())' \
    "$repo/tests/lib"
}

echo "== unit tests"
unit_out=$("$bin/unit-tests" --report_level=short --log_level=error 2>&1)
unit_rc=$?
echo "$unit_out" | tail -n 30
up=$(grep -oE '[0-9]+ test cases? out of [0-9]+ passed' <<<"$unit_out" | head -1 | grep -oE '^[0-9]+')
uf=$(grep -oE '[0-9]+ test cases? out of [0-9]+ (failed|aborted)' <<<"$unit_out" | awk '{s += $1} END {print s + 0}')
if [[ -z "$up" && $unit_rc -ne 0 ]]; then uf=1; fi
add_counts "${up:-0} passed, ${uf:-0} failed"

export ECOM_VAR_DIR
ECOM_VAR_DIR="$(mktemp -d /tmp/ecom-test.XXXXXX)"
export ECOM_HTTP_PORT="${ECOM_HTTP_PORT:-$(free_port)}"
export ECOM_DB_PORT=$((ECOM_HTTP_PORT + 10000))
export ECOM_BIN_DIR="$bin" ECOM_WORKERS="${ECOM_WORKERS:-2}" ECOM_REPO_DIR="$repo"
export ECOM_BASE_URL="http://127.0.0.1:$ECOM_HTTP_PORT" ECOM_CONFIG="$ECOM_VAR_DIR/ecom.conf"
# tests/lib/http_client.py appends every response to this file (checked after the API tests).
export ECOM_RECORD_RESPONSES="$ECOM_VAR_DIR/responses.jsonl"

# The same stack behind a private Apache httpd (conf/apache/ecom-site.conf): its own tests and
# the API tests that do not depend on nginx (auth, super admin, cart, checkout, hostile input,
# global rules). nginx's rate limits and micro-cache are nginx's alone.
APACHE_TESTS=(tests/apache tests/api/test_accounts.py tests/api/test_superadmin.py tests/api/test_cart.py
  tests/api/test_checkout_quote.py tests/api/test_hostile_input.py tests/api/test_global.py)
run_through_apache() {
  local port out rc t
  port=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import processes; print(processes.free_port())' \
    "$repo/tests/lib")
  echo "== the same stack through Apache httpd on port $port"
  if ! ECOM_APACHE_PORT=$port "$repo/scripts/apache.sh" start; then
    echo "Apache did not start"
    failed=$((failed + 1))
    return
  fi
  out="$ECOM_VAR_DIR/pytest-apache.out"
  local -a files=()
  for t in "${APACHE_TESTS[@]}"; do files+=("$repo/$t"); done
  ECOM_BASE_URL="http://127.0.0.1:$port" python3 "$repo/tests/lib/runner.py" "$@" "${files[@]}" 2>&1 | tee "$out"
  add_counts "$(tail -n 1 "$out")"
  run_browser_through_apache "$port"
  "$repo/scripts/apache.sh" stop || failed=$((failed + 1))
}

# One set of browser scenarios again through Apache (browse, cart and guest checkout; the
# console's sign-in and an order moved): the pages and the API as Apache's site serves them.
# axe-core is left to the nginx run (same pages); screenshots go to build/browser-screenshots/apache/.
APACHE_BROWSER_TESTS=test_browse_filter_paginate_back_forward,test_product_cart_and_guest_checkout_retried_once,test_console_admin_moves_an_order
run_browser_through_apache() {
  local port=$1 out="$ECOM_VAR_DIR/browser-apache.out"
  if [[ -n ${TEST_FILTER:-} && tests/browser/apache != *"$TEST_FILTER"* ]] &&
     ! grep -qF -- "$TEST_FILTER" <<<"$APACHE_BROWSER_TESTS"; then
    return
  fi
  echo "== browser scenarios through Apache httpd"
  local started=$SECONDS
  { "$repo/tests/browser/install.sh" &&
    ECOM_BASE_URL="http://127.0.0.1:$port" ECOM_EXPECT_SERVER=Apache ECOM_AXE=off ECOM_BROWSER_LABEL="[apache]" \
      ECOM_BROWSER_TESTS="$APACHE_BROWSER_TESTS" ECOM_SCREENSHOT_DIR="$repo/build/browser-screenshots/apache" \
      node "$repo/tests/browser/run.mjs"; } 2>&1 | tee "$out"
  add_counts "$(tail -n 1 "$out")"
  echo "== browser stage through Apache: $((SECONDS - started)) s"
}

# The storefront in Debian's headless Chromium (tests/browser: playwright-core and axe-core from
# npm), through the stack's nginx. Screenshots of every page go to build/browser-screenshots/.
run_browser_tests() {
  if [[ -n ${TEST_FILTER:-} ]] && ! grep -qF -- "$TEST_FILTER" "$repo"/tests/browser/test_*.mjs &&
     [[ tests/browser/ != *"$TEST_FILTER"* ]]; then
    return
  fi
  echo "== browser tests (headless Chromium)"
  local out="$ECOM_VAR_DIR/browser.out" started=$SECONDS
  { "$repo/tests/browser/install.sh" &&
    ECOM_SCREENSHOT_DIR="$repo/build/browser-screenshots" node "$repo/tests/browser/run.mjs"; } 2>&1 | tee "$out"
  add_counts "$(tail -n 1 "$out")"
  echo "== browser stage: $((SECONDS - started)) s"
}

cleanup() {
  "$repo/scripts/apache.sh" stop >/dev/null 2>&1 || true
  "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

args=()
[[ -n "${TEST_FILTER:-}" ]] && args=(-k "$TEST_FILTER")
# The upgrade test (tests/upgrade) runs the previous release, built here from its own commit
# (build/releases/, shared by the release and sanitizer runs) unless TEST_FILTER leaves it out.
previous=$(awk '{print $2}' "$repo/tests/upgrade/PREVIOUS_RELEASE")
if [[ -z ${TEST_FILTER:-} || tests/upgrade/test_upgrade.py == *"$TEST_FILTER"* ]] ||
  grep -qF -- "$TEST_FILTER" "$repo/tests/upgrade/test_upgrade.py"; then
  echo "== the previous release ($(cat "$repo/tests/upgrade/PREVIOUS_RELEASE")), for the upgrade test"
  if ECOM_PREVIOUS_RELEASE_DIR=$("$repo/scripts/build-release.sh" "$previous"); then
    export ECOM_PREVIOUS_RELEASE_DIR
  else
    echo "the previous release did not build: the upgrade test will fail"
  fi
fi

echo "== starting a throwaway stack in $ECOM_VAR_DIR on port $ECOM_HTTP_PORT"
if "$repo/scripts/stack.sh" start; then
  echo "== integration and API tests"
  py_out_file="$ECOM_VAR_DIR/pytest.out"
  python3 "$repo/tests/lib/runner.py" "${args[@]}" "$repo/tests/source" "$repo/tests/bench" "$repo/tests/openapi" "$repo/tests/integration" "$repo/tests/api" \
    "$repo/tests/upgrade" 2>&1 | tee "$py_out_file"
  add_counts "$(tail -n 1 "$py_out_file")"
  # Every response those tests received, against docs/openapi.yaml (one count per endpoint).
  if [[ -s "$ECOM_RECORD_RESPONSES" ]]; then
    echo "== responses against docs/openapi.yaml"
    oa_out_file="$ECOM_VAR_DIR/openapi.out"
    { "$repo/tests/openapi/install.sh" && node "$repo/tests/openapi/validate.mjs" "$ECOM_RECORD_RESPONSES"; } 2>&1 |
      tee "$oa_out_file"
    add_counts "$(tail -n 1 "$oa_out_file")"
  fi
  # Apache answers its own errors in its own words (see README): its run is not recorded.
  ECOM_RECORD_RESPONSES="" run_through_apache "${args[@]}"
  run_browser_tests
else
  echo "the stack did not start"
  failed=$((failed + 1))
fi

cleanup
trap - EXIT

# The control database on a three-node Galera cluster (tests/galera): a stage of its own, whose
# module starts its own cluster (scripts/galera.sh) and ecom-fcgi masters and stops them after.
echo "== the control database on a Galera cluster"
galera_started=$SECONDS
python3 "$repo/tests/lib/runner.py" "${args[@]}" "$repo/tests/galera" 2>&1 | tee "$ECOM_VAR_DIR/galera.out"
add_counts "$(tail -n 1 "$ECOM_VAR_DIR/galera.out")"
echo "== Galera stage: $((SECONDS - galera_started)) s"
# A sanitizer report in any log (a worker's stderr goes to log/ecom-fcgi.log) fails the run,
# even when the request it happened in was retried or not looked at.
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$ECOM_VAR_DIR"/log/*.log 2>/dev/null; then
  echo "sanitizer reports found in the logs above"
  grep -hE -A12 "ERROR: (Address|Leak)Sanitizer|runtime error:" "$ECOM_VAR_DIR"/log/*.log | head -60
  failed=$((failed + 1))
fi
if [[ $failed -eq 0 ]]; then
  rm -rf "$ECOM_VAR_DIR"
else
  echo "logs kept in $ECOM_VAR_DIR/log"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
