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

dotnet test Gateway.sln --configuration Release --logger "console;verbosity=minimal" "$@"
