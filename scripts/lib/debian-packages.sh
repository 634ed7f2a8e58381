# Sourced by the ensure-*.sh scripts: installs Debian packages a test suite needs, or says how to.
#
# ensure_debian_packages LABEL HINT CHECK PACKAGE...
#   CHECK is a command that succeeds once what the suite needs is there. When it fails, PACKAGE...
#   are installed with apt-get (as root only; otherwise the line says what to run, with HINT as
#   the alternative), and CHECK must then succeed. Every failure is one line on stderr, prefixed by
#   LABEL, and a non-zero return.
ensure_debian_packages() {
  local label=$1 hint=$2 check=$3
  shift 3
  local install=(apt-get install -y --no-install-recommends "$@")
  "$check" && return 0
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$label: $* missing; as root run: apt-get update && ${install[*]} ($hint)" >&2
    return 1
  fi

  local log
  log="$(mktemp)"
  export DEBIAN_FRONTEND=noninteractive
  # Refreshing the package lists is slow, so only when installing from the current ones fails.
  if ! "${install[@]}" >"$log" 2>&1; then
    if ! { apt-get update -qq && "${install[@]}"; } >>"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "$label: '${install[*]}' failed (output above)" >&2
      return 1
    fi
  fi
  rm -f "$log"

  if ! "$check"; then
    echo "$label: installed $*, but the check that needed them ('$check') still fails" >&2
    return 1
  fi
}
