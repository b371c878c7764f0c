#!/usr/bin/env bash
# Runs the whole suite: on SQLite always, and on a throwaway PostgreSQL 15 cluster when the server
# binaries are present (always under CI, where their absence is a failure). Browser tests use
# Debian's Chromium; under CI it is installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export LIVINGWELL_ENV=test

if [[ "${CI:-}" == "true" ]] && [[ ! -x /usr/bin/chromium ]]; then
  echo "Installing Debian's Chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

run_pytest() {
  local label=$1; shift
  echo "=== pytest on $label ==="
  set +e
  "$BIN/pytest" "$@"
  local rc=$?
  set -e
  if [[ $rc -eq 5 ]]; then
    echo "pytest collected no tests on $label: that is a failure" >&2
    return 1
  fi
  return $rc
}

"$BIN/ruff" check src tests
run_pytest sqlite -q

PG_BINDIR=""
if command -v pg_config >/dev/null 2>&1; then
  PG_BINDIR=$(pg_config --bindir)
fi
if [[ -n "$PG_BINDIR" && -x "$PG_BINDIR/initdb" ]]; then
  source scripts/pg-throwaway.sh
  pg_throwaway_start
  trap pg_throwaway_stop EXIT
  DATABASE_URL="$PG_URL" run_pytest postgresql -q
elif [[ "${CI:-}" == "true" ]]; then
  echo "PostgreSQL 15 server binaries are missing; CI must test on PostgreSQL" >&2
  exit 1
else
  echo "(PostgreSQL binaries not found: skipped the PostgreSQL run)"
fi
