#!/usr/bin/env bash
# Makes sure the browser suite (test/browser) has a Chromium to drive, before mocha starts.
#
# The suite drives Debian's Chromium through playwright-core (`npx playwright install` cannot
# download browsers on our machines). With CHROMIUM_PATH set, that binary is used and nothing is
# installed here. Otherwise /usr/bin/chromium must exist; as root it is installed with apt-get.
# Idempotent and quiet: prints one line naming the browser, or one line saying what failed.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
PACKAGES=(chromium)
# Recommends are desktop extras a headless run does not use; a font still comes in through
# fontconfig's dependencies, so screenshots show real glyphs.
INSTALL=(apt-get install -y --no-install-recommends "${PACKAGES[@]}")

browser_present() {
  [[ -x "$CHROMIUM" ]] && "$CHROMIUM" --version >/dev/null 2>&1
}

if ! browser_present; then
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    echo "browser tests: CHROMIUM_PATH=$CHROMIUM is not a Chromium that runs ('$CHROMIUM --version' failed)" >&2
    exit 1
  fi
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "browser tests: $CHROMIUM missing; as root run: apt-get update && ${INSTALL[*]} (or set CHROMIUM_PATH to a Chromium binary)" >&2
    exit 1
  fi

  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  # Refreshing the package lists is slow, so only when installing from the current ones fails.
  if ! "${INSTALL[@]}" >"$log" 2>&1; then
    if ! { apt-get update -qq && "${INSTALL[@]}"; } >>"$log" 2>&1; then
      cat "$log" >&2
      echo "browser tests: '${INSTALL[*]}' failed (output above)" >&2
      exit 1
    fi
  fi

  if ! browser_present; then
    echo "browser tests: installed ${PACKAGES[*]}, but '$CHROMIUM --version' still fails" >&2
    exit 1
  fi
fi

echo "browser: $("$CHROMIUM" --version 2>/dev/null | head -n 1) ($CHROMIUM)"
