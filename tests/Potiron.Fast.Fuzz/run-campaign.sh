#!/usr/bin/env bash
# Runs one fuzzing campaign of the Potiron.Fast harness (see README.md beside this file).
#   tests/Potiron.Fast.Fuzz/run-campaign.sh afl|libfuzzer reader|decoder|split SECONDS [WORK_DIR]
# WORK_DIR (default /tmp/potiron-fuzz) keeps the instrumented build, the seeds and the findings; a second run with
# the same WORK_DIR resumes the corpus. The minimised corpus of earlier campaigns, committed in corpus/TARGET beside
# this script, is added to the generated seeds. Needs: afl++ (afl) or clang + libclang-rt-14-dev (libfuzzer), and the
# SharpFuzz.CommandLine 2.3.0 dotnet tool (installed here when missing).
set -euo pipefail
engine=${1:?afl or libfuzzer}
target=${2:?reader, decoder or split}
seconds=${3:?campaign length in seconds}
work=${4:-/tmp/potiron-fuzz}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export PATH="$PATH:$HOME/.dotnet/tools"

case "$engine:$target" in
  afl:reader|afl:decoder|afl:split|libfuzzer:reader|libfuzzer:decoder|libfuzzer:split) ;;
  *) echo "usage: $0 afl|libfuzzer reader|decoder|split SECONDS [WORK_DIR]" >&2; exit 2 ;;
esac

mkdir -p "$work"
cd "$work"
if [ ! -f bin/.instrumented ]; then
  command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
  rm -rf bin seeds
  dotnet publish -c Release "$repo/tests/Potiron.Fast.Fuzz" -o bin
  # Seeds first: the instrumented assemblies only run under a fuzzer.
  dotnet bin/Potiron.Fast.Fuzz.dll --write-seeds seeds
  for assembly in Capture Packets Aggregation Ingest; do
    sharpfuzz "bin/Potiron.Fast.$assembly.dll"
  done
  touch bin/.instrumented
fi

# The generated seeds plus the committed corpus of earlier campaigns (afl-fuzz takes a single input folder).
rm -rf "inputs/$target"
mkdir -p "inputs/$target"
cp "seeds/$target/"* "inputs/$target/"
# The split target reads whole captures, as the reader does: the reader's corpus seeds it too.
corpora="$target"
[ "$target" = split ] && corpora="split reader"
for corpus in $corpora; do
  if [ -d "$here/corpus/$corpus" ]; then cp "$here/corpus/$corpus/"* "inputs/$target/"; fi
done

# Allocation beyond 1 GiB (from inputs of at most 1 MiB) is a finding, not a slow machine.
export DOTNET_GCHeapHardLimit=0x40000000
if [ "$engine" = afl ]; then
  export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
  input=inputs/$target
  [ -d "afl-$target/default/queue" ] && input=-   # resume
  afl-fuzz -i "$input" -o "afl-$target" -x "$here/capture.dict" -t 2000 -m none -V "$seconds" \
    -- dotnet bin/Potiron.Fast.Fuzz.dll "$target" || true
  grep -E 'run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs' "afl-$target/default/fuzzer_stats"
  echo "crashes: $work/afl-$target/default/crashes  hangs: $work/afl-$target/default/hangs"
else
  [ -x libfuzzer-dotnet ] || clang -O1 -fsanitize=fuzzer "$here/libfuzzer-driver.c" -o libfuzzer-dotnet
  mkdir -p "libfuzzer-$target/corpus" "libfuzzer-$target/artifacts"
  # The first corpus folder grows; the seeds and the committed corpus stay as they are.
  ./libfuzzer-dotnet --target_path=bin/Potiron.Fast.Fuzz --target_arg="libfuzzer-$target" \
    -max_len=1048576 -timeout=2 -rss_limit_mb=0 -max_total_time="$seconds" -print_final_stats=1 \
    -dict="$here/capture.dict" -artifact_prefix="libfuzzer-$target/artifacts/" \
    "libfuzzer-$target/corpus" "inputs/$target" || true
  echo "crashes and timeouts: $work/libfuzzer-$target/artifacts"
fi
