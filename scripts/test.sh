#!/usr/bin/env bash
# Runs every test of the solution against a real redis-server (the tests start their own on a temporary socket)
# and prints one closing line "N passed, N failed, N skipped" taken from the test results.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing redis-server (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "test.sh: the tests need redis-server: sudo apt-get install -y redis-server" >&2
    exit 2
  fi
fi

results=TestResults
rm -rf "$results"
status=0
dotnet test Potiron.Fast.sln -c Release --logger "trx" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  # A skipped test (xunit's Assert.Skip) is counted in total but not in executed, whatever else the logger records.
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${t:-0} - ${x:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the build or a test host failed before any result was written
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
