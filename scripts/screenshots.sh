#!/usr/bin/env bash
# Regenerates the README's pictures (docs/images/storefront-*.png, console-*.png): starts a throwaway
# stack (its demo store) on free ports, drives Debian's headless Chromium through it
# (tests/browser/screenshots.mjs), stops the stack. `make screenshots` runs it after building.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ECOM_VAR_DIR
ECOM_VAR_DIR="$(mktemp -d /tmp/ecom-screenshots.XXXXXX)"
export ECOM_HTTP_PORT
ECOM_HTTP_PORT=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import processes; print(processes.free_port_pair())' \
  "$repo/tests/lib")
export ECOM_DB_PORT=$((ECOM_HTTP_PORT + 10000)) ECOM_BIN_DIR="${ECOM_BIN_DIR:-$repo/bin}" ECOM_WORKERS=2
export ECOM_BASE_URL="http://127.0.0.1:$ECOM_HTTP_PORT" ECOM_CONFIG="$ECOM_VAR_DIR/ecom.conf"
cleanup() {
  "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true
  rm -rf "$ECOM_VAR_DIR"
}
trap cleanup EXIT
"$repo/tests/browser/install.sh"
"$repo/scripts/stack.sh" start
mkdir -p "$repo/docs/images"
ECOM_SCREENSHOT_DIR="$repo/docs/images" node "$repo/tests/browser/screenshots.mjs"
