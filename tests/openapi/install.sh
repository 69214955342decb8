#!/usr/bin/env bash
# Installs the OpenAPI check's npm packages (ajv, ajv-formats, yaml) into tests/openapi/node_modules, as
# package-lock.json pins them (tests/tools/npm-install.sh).
exec "$(dirname "${BASH_SOURCE[0]}")/../tools/npm-install.sh" "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
