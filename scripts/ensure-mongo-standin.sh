#!/usr/bin/env bash
# Makes sure persistence tests have a MongoDB to talk to, before mocha starts.
#
# With MONGODB_URI set, tests use that real server and nothing is needed here. Otherwise
# they start the stand-in (test/support/mongo-standin/server.py), which needs Debian's
# python3-mockupdb and python3-mongomock: no real mongod can be installed on our machines.
# Idempotent and quiet: prints one line naming the target, or one line saying what failed.
set -euo pipefail

PYTHON=/usr/bin/python3 # Debian's interpreter; a python3 earlier on PATH cannot see apt's modules
# shellcheck source=lib/debian-packages.sh
source "$(dirname "$0")/lib/debian-packages.sh"

if [[ -n "${MONGODB_URI:-}" ]]; then
  echo "mongo target: MONGODB_URI (real server)" # never echo the URI: it may hold credentials
  exit 0
fi

modules_present() {
  [[ -x "$PYTHON" ]] && "$PYTHON" -c 'import mockupdb, mongomock' >/dev/null 2>&1
}

ensure_debian_packages "mongo stand-in" "or set MONGODB_URI to a real server" modules_present python3-mockupdb python3-mongomock

echo "mongo target: stand-in (mockupdb+mongomock on $PYTHON)"
