#!/usr/bin/env bash
# Installs the browser tests' npm packages (playwright-core, axe-core) into tests/browser/node_modules, as
# package-lock.json pins them (tests/tools/npm-install.sh).
exec "$(dirname "${BASH_SOURCE[0]}")/../tools/npm-install.sh" "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
