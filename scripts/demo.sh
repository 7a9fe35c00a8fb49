#!/usr/bin/env bash
# The main job, end to end: build, ingest the bundled sample captures into the embedded store, show the top values.
# Needs only the .NET SDK. Output: the store under potiron-out/data (read it again with `potiron top --data-dir ...`).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
out=potiron-out
dotnet build -c Release src/Potiron.Fast.Cli -v quiet -nologo
potiron=src/Potiron.Fast.Cli/bin/Release/net10.0/potiron
rm -rf "$out/data"
mkdir -p "$out"
echo "== potiron ingest -i testdata/sample --data-dir $out/data"
"$potiron" ingest -i testdata/sample --data-dir "$out/data"
echo
echo "== potiron top --data-dir $out/data --limit 3"
"$potiron" top --data-dir "$out/data" --limit 3
echo
echo "The counts are in the embedded store under $out/data (potiron's Redis key schema)."
echo "Read them again with: $potiron top --data-dir $out/data"
