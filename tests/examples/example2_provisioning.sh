#!/usr/bin/env bash
# "Example 2: Tenant Provisioning" of the API document, as a shell script (bash + curl + python3).
#
#   1. POST /provision/tenants/init      {slug, name, plan: "Premium"}
#   2. POST /provision/tenants/confirm   Authorization: Bearer <confirmToken>
#   3. GET  <statusEndpoint>             every second until Ready (exit 0) or Failed (exit 1),
#                                        at most 60 s (then exit 1)
#
# Usage: example2_provisioning.sh [SLUG]   (default: a fresh new-store-<random> slug per run)
# Env:   ECOM_BASE_URL (default http://127.0.0.1:8080)
# Exit:  0 the store is Ready; 1 an HTTP step failed, provisioning Failed or timed out; 2 usage.
set -euo pipefail

BASE=${ECOM_BASE_URL:-http://127.0.0.1:8080}
BASE=${BASE%/}
POLL_SECONDS=1
TIMEOUT_SECONDS=60

(($# <= 1)) || { echo "usage: $0 [SLUG]" >&2; exit 2; }
SLUG=${1:-new-store-$(date +%s)-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')}

TMP=$(mktemp -d)
trap 'rm -rf -- "$TMP"' EXIT

# json_field FILE KEY: prints a top-level string field of a JSON file (empty when absent).
json_field() {
  python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as fh:
    value = json.load(fh).get(sys.argv[2])
print("" if value is None else value)
PY
}

# request METHOD PATH OUTFILE [curl args...]: prints the HTTP status code.
request() {
  local method=$1 path=$2 out=$3
  shift 3
  curl -sS --max-time 10 -X "$method" -o "$out" -w '%{http_code}' "$@" "$BASE$path"
}

fail() {
  echo "example2: $1" >&2
  [[ -n ${2:-} && -s $2 ]] && { cat -- "$2" >&2; echo >&2; }
  exit 1
}

# 1. Initialize provisioning
body=$(python3 -c 'import json, sys; print(json.dumps({"slug": sys.argv[1], "name": "New Store", "plan": "Premium"}))' "$SLUG")
code=$(request POST /provision/tenants/init "$TMP/init.json" \
  -H 'Content-Type: application/json' --data-binary "$body") || fail "init: request failed"
[[ $code == 200 ]] || fail "init answered $code" "$TMP/init.json"
provisioning_id=$(json_field "$TMP/init.json" provisioningId)
confirm_token=$(json_field "$TMP/init.json" confirmToken)
[[ -n $provisioning_id && -n $confirm_token ]] || fail "init: no provisioningId/confirmToken" "$TMP/init.json"
echo "Initialized $SLUG (provisioningId $provisioning_id)"

# 2. Confirm provisioning (no body, like the document's fetch)
code=$(request POST /provision/tenants/confirm "$TMP/confirm.json" \
  -H "Authorization: Bearer $confirm_token" -H 'Content-Type: application/json' --data-binary '') ||
  fail "confirm: request failed"
[[ $code == 200 ]] || fail "confirm answered $code" "$TMP/confirm.json"
status_endpoint=$(json_field "$TMP/confirm.json" statusEndpoint)
[[ $status_endpoint == /* ]] || fail "confirm: no statusEndpoint" "$TMP/confirm.json"
echo "Confirmed: $(json_field "$TMP/confirm.json" status)"

# 3. Poll status (every second, at most 60 s)
deadline=$((SECONDS + TIMEOUT_SECONDS))
while :; do
  code=$(request GET "$status_endpoint" "$TMP/status.json") || fail "status: request failed"
  [[ $code == 200 ]] || fail "status answered $code" "$TMP/status.json"
  status=$(json_field "$TMP/status.json" status)
  case $status in
    Ready)
      echo "Tenant ready! $(json_field "$TMP/status.json" tenantSlug)"
      exit 0
      ;;
    Failed)
      echo "Provisioning failed:" >&2
      python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["steps"], indent=2))' \
        "$TMP/status.json" >&2
      exit 1
      ;;
    *)
      echo "Status: $status"
      ;;
  esac
  ((SECONDS < deadline)) || fail "not Ready within ${TIMEOUT_SECONDS}s (last status: $status)"
  sleep "$POLL_SECONDS"
done
