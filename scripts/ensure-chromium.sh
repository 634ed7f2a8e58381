#!/usr/bin/env bash
# Makes sure the browser suite (test/browser) has a Chromium to drive, before mocha starts.
#
# The suite drives Debian's Chromium through playwright-core (`npx playwright install` cannot
# download browsers on our machines). With CHROMIUM_PATH set, that binary is used and nothing is
# installed here. Otherwise /usr/bin/chromium must exist; as root it is installed with apt-get.
# Idempotent and quiet: prints one line naming the browser, or one line saying what failed.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
# Recommends are desktop extras a headless run does not use (the shared installer leaves them
# out); a font still comes in through fontconfig's dependencies, so screenshots show real glyphs.
# shellcheck source=lib/debian-packages.sh
source "$(dirname "$0")/lib/debian-packages.sh"

browser_present() {
  [[ -x "$CHROMIUM" ]] && "$CHROMIUM" --version >/dev/null 2>&1
}

if ! browser_present && [[ -n "${CHROMIUM_PATH:-}" ]]; then
  echo "browser tests: CHROMIUM_PATH=$CHROMIUM is not a Chromium that runs ('$CHROMIUM --version' failed)" >&2
  exit 1
fi
ensure_debian_packages "browser tests" "or set CHROMIUM_PATH to a Chromium binary" browser_present chromium

echo "browser: $("$CHROMIUM" --version 2>/dev/null | head -n 1) ($CHROMIUM)"
