#!/usr/bin/env bash
# The one command that runs every test. Installs what the tests need (nothing by hand).
set -euo pipefail
cd "$(dirname "$0")"

# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q chromium
  else
    echo "test.sh: /usr/bin/chromium is missing; run as root or: sudo apt-get install -y chromium" >&2
  fi
fi

# PostgreSQL and Redis for the many-instance tests: the fixtures start throwaway servers on loopback.
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
command -v redis-server > /dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"
    # Debian's package starts its own servers; the tests start their own on free ports.
    (service redis-server stop; service postgresql stop) > /dev/null 2>&1 || true
  else
    echo "test.sh: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
  fi
fi

status=0
dotnet test Gateway.sln --configuration Release --logger "console;verbosity=minimal" "$@" || status=$?

# The end-to-end suite again on PostgreSQL (SPEC §10): each gateway gets a database of its own on a throwaway
# cluster. Tests about SQLite itself carry Store=SqliteOnly; those always on PostgreSQL (Store=Postgres) ran above.
# Only for a full run: arguments (a filter) mean the caller chose what to run.
if [ $# -eq 0 ]; then
  GATEWAY_TEST_STORE=postgres dotnet test Gateway.sln --configuration Release --no-build --logger "console;verbosity=minimal" \
    --filter "FullyQualifiedName~Gateway.Tests.EndToEnd&Store!=SqliteOnly&Store!=Postgres" || status=$?
fi
exit $status
