#!/usr/bin/env bash
# The one command that runs every test. Installs what the tests need (nothing by hand).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test Gateway.sln --configuration Release --logger "console;verbosity=minimal" "$@"
