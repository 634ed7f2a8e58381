#!/usr/bin/env bash
# The whole test suite, the same on a laptop and in CI: types, lint, then every mocha suite.
# Persistence suites run over the wire against MONGODB_URI when it is set, else against a local
# MongoDB stand-in that mocha starts and stops itself (the packages it needs are installed here).
# The browser suite (test/browser) drives Debian's Chromium, installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d node_modules ]]; then
  echo "node_modules is missing: run npm ci first" >&2
  exit 1
fi

bash scripts/ensure-mongo-standin.sh
bash scripts/ensure-chromium.sh
echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
echo "== lint"
npx eslint .
echo "== tests"
# A hung test would otherwise hold CI until its limit: 20 minutes is ten times a normal run.
timeout --kill-after=30s 20m npx mocha 'test/**/*.test.ts' "$@"
