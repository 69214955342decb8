#!/usr/bin/env bash
# Installs a test tool's npm packages into DIR/node_modules exactly as DIR/package-lock.json pins
# them (tests/openapi, tests/browser): quiet and instant when they are already there (npm keeps a
# copy of the lock file in node_modules/.package-lock.json); otherwise `npm ci`, which needs the
# registry once (or npm's cache: --prefer-offline). Installs Debian's npm when the command is
# missing.   Usage: tests/tools/npm-install.sh DIR
set -euo pipefail
[[ $# -eq 1 && -f $1/package-lock.json ]] || { echo "usage: $0 DIR (with a package-lock.json)" >&2; exit 2; }
cd "$1"
if [[ -f node_modules/.package-lock.json ]] &&
   node -e 'const a=require("./package-lock.json").packages,b=require("./node_modules/.package-lock.json").packages;
            for (const k of Object.keys(a)) if (k && (!b[k] || b[k].version !== a[k].version)) process.exit(1);' 2>/dev/null; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  SUDO=(); ((EUID == 0)) || SUDO=(sudo)
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
fi
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
