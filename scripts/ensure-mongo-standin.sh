#!/usr/bin/env bash
# Makes sure persistence tests have a MongoDB to talk to, before mocha starts.
#
# With MONGODB_URI set, tests use that real server and nothing is needed here. Otherwise
# they start the stand-in (test/support/mongo-standin/server.py), which needs Debian's
# python3-mockupdb and python3-mongomock: no real mongod can be installed on our machines.
# Idempotent and quiet: prints one line naming the target, or one line saying what failed.
set -euo pipefail

PYTHON=/usr/bin/python3 # Debian's interpreter; a python3 earlier on PATH cannot see apt's modules
PACKAGES=(python3-mockupdb python3-mongomock)
INSTALL=(apt-get install -y --no-install-recommends "${PACKAGES[@]}")

if [[ -n "${MONGODB_URI:-}" ]]; then
  echo "mongo target: MONGODB_URI (real server)" # never echo the URI: it may hold credentials
  exit 0
fi

modules_present() {
  [[ -x "$PYTHON" ]] && "$PYTHON" -c 'import mockupdb, mongomock' >/dev/null 2>&1
}

if ! modules_present; then
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "mongo stand-in: ${PACKAGES[*]} missing; as root run: apt-get update && ${INSTALL[*]} (or set MONGODB_URI to a real server)" >&2
    exit 1
  fi

  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  # Refreshing the package lists is slow, so only when installing from the current ones fails.
  if ! "${INSTALL[@]}" >"$log" 2>&1; then
    if ! { apt-get update -qq && "${INSTALL[@]}"; } >>"$log" 2>&1; then
      cat "$log" >&2
      echo "mongo stand-in: '${INSTALL[*]}' failed (output above)" >&2
      exit 1
    fi
  fi

  if ! modules_present; then
    echo "mongo stand-in: installed ${PACKAGES[*]}, but $PYTHON still cannot import mockupdb and mongomock" >&2
    exit 1
  fi
fi

echo "mongo target: stand-in (mockupdb+mongomock on $PYTHON)"
