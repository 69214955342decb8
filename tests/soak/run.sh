#!/usr/bin/env bash
# One command: a private stack (var/soak, port 18300 unless set), the soak, the stack stopped.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ECOM_VAR_DIR="${ECOM_VAR_DIR:-$repo/var/soak}" ECOM_HTTP_PORT="${ECOM_HTTP_PORT:-18300}"
export ECOM_BIN_DIR="${ECOM_BIN_DIR:-$repo/bin}" ECOM_REPO_DIR="$repo" ECOM_CONFIG="$ECOM_VAR_DIR/ecom.conf"
export ECOM_BASE_URL="http://127.0.0.1:$ECOM_HTTP_PORT"
"$repo/scripts/stack.sh" start || exit 1
trap '"$repo/scripts/stack.sh" stop >/dev/null' EXIT
python3 "$repo/tests/soak/soak.py"
