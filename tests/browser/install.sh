#!/usr/bin/env bash
# Installs the browser tests' npm packages (playwright-core, axe-core) into tests/browser/node_modules
# exactly as package-lock.json pins them. Quiet and instant when they are already there (npm
# keeps a copy of the lock file in node_modules/.package-lock.json); otherwise `npm ci`, which
# needs the registry once (or npm's cache: --prefer-offline). Installs Debian's npm when the
# command is missing.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$dir"
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
