#!/usr/bin/env bash
# bench/compare.sh - Potiron.Fast side by side with the C anchors of ../shared/bench (issue 3).
#
# Builds Potiron.Fast (Release), makes or reuses the bench captures, builds the anchors in a scratch copy, runs every
# tool alternately N times (wall time, peak RSS through /usr/bin/time -v), checks Potiron.Fast's counts against the
# anchor's -o dump, and writes bench/results/<YYYY-MM-DD>-<machine>/compare.md (medians, ratios) with the raw runs as
# runs.tsv beside it. Nothing is overwritten: a folder that already has a compare.md gets a -2, -3 ... sibling.
#
# The null sink still turns every counted value into its member string; the anchor does that only when it writes its
# dump, so `potiron_native -o /dev/null` runs too (anchor-dump): the like-for-like figure beside issue 3's base.
#
# usage: bench/compare.sh [--packets N] [--runs N] [--split N] [--real] [--redis] [--tshark] [--aot]
#                         [--original /path/to/potiron-checkout] [--no-check] [--scratch DIR] [--results DIR]
#   --packets N   packets of the darknet-like syn capture (default 10000000: syn-10M; 1000000 for a quick run)
#   --runs N      timed runs of each tool (default 5), tools alternating within each round
#   --split N     also cut the syn capture into N files of one sensor (default 20; 0: no split set)
#   --real        also real-579x.pcap (make-real-bench.sh, 400 MB) and its gzip copy (zcat is the anchor there)
#   --redis       also time `potiron ingest -u SOCKET -j 1` into a private redis-server (emptied before each run), and
#                 the floor: the anchor's exact command streams (-R: pipelined ZINCRBY, -A: multi-member ZADD), made
#                 once before the runs, piped into the same emptied server with `redis-cli --pipe`
#   --tshark      also time tshark with potiron's exact command (> /dev/null) on 200,000-packet cuts
#   --original D  also time the original potiron (bin/parse_pcap_files.py of checkout D, with tshark and Redis)
#                 on the 200,000-packet cuts, as ../shared/tools/run-oracle.py runs it
#   --aot         measure the Native AOT build (dotnet publish -p:PublishAot=true, README "Start-up") instead of
#                 the ReadyToRun one
#   --no-check    skip the count check against the anchor's -o dump
# Needs: the .NET SDK, python3, gcc/make; installs with apt-get when root and missing: time, libpcap-dev,
# redis-server (check, --redis, --original), wireshark-common (--split, --real), tshark (--tshark), python3-redis.
set -euo pipefail
export LC_ALL=C DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

ARGUMENTS="$*"
PACKETS=10000000 RUNS=5 SPLIT=20 REAL=0 REDIS=0 TSHARK=0 AOT=0 ORIGINAL="" ORIGINAL_ARGUMENT="" CHECK=1 SCRATCH="" RESULTS=""
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --packets) PACKETS=${2:?}; shift 2 ;;
    --runs) RUNS=${2:?}; shift 2 ;;
    --split) SPLIT=${2:?}; shift 2 ;;
    --real) REAL=1; shift ;;
    --redis) REDIS=1; shift ;;
    --tshark) TSHARK=1; shift ;;
    --aot) AOT=1; shift ;;
    --original) ORIGINAL_ARGUMENT=${2:?}; ORIGINAL=$(cd "${2:?}" && pwd); shift 2 ;;
    --no-check) CHECK=0; shift ;;
    --scratch) SCRATCH=${2:?}; shift 2 ;;
    --results) RESULTS=${2:?}; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; usage 2 ;;
  esac
done
[[ $PACKETS =~ ^[0-9]+$ && $PACKETS -ge 1000 ]] || { echo "compare.sh: --packets needs a number >= 1000" >&2; exit 2; }
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || { echo "compare.sh: --runs needs a number >= 1" >&2; exit 2; }
[[ $SPLIT =~ ^[0-9]+$ ]] || { echo "compare.sh: --split needs a number" >&2; exit 2; }
if [ -n "$ORIGINAL" ] && [ ! -f "$ORIGINAL/bin/parse_pcap_files.py" ]; then
  echo "compare.sh: $ORIGINAL is not a potiron checkout (no bin/parse_pcap_files.py)" >&2; exit 2
fi

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED_BENCH=$ROOT/../shared/bench
[ -f "$SHARED_BENCH/make-bench-capture.py" ] || { echo "compare.sh: ../shared/bench is missing beside the checkout" >&2; exit 2; }
SCRATCH=$(mkdir -p "${SCRATCH:-$ROOT/bench/scratch}" && cd "${SCRATCH:-$ROOT/bench/scratch}" && pwd)
log() { printf '[compare %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- machine and results folder
CORES=$(nproc)
CPU=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
CPU=${CPU:-unknown cpu}
MEM_MIB=$(awk '/^MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)
# The same name as the BenchmarkDotNet project's ResultsFolder.MachineName: "2c-intel-xeon".
slug=$(printf '%s' "$CPU" | tr 'A-Z' 'a-z' | sed -e 's/(r)/ /g; s/(tm)/ /g; s/@.*//' \
  -e 's/\bcpu\b/ /g; s/\bprocessor\b/ /g' -e 's/[^a-z0-9]\{1,\}/-/g; s/^-*//; s/-*$//')
MACHINE=${BENCH_MACHINE:-${CORES}c-${slug:-unknown-cpu}}
if [ -z "$RESULTS" ]; then
  stem=$ROOT/bench/results/$(date -u +%F)-$MACHINE
  RESULTS=$stem; n=2
  while [ -e "$RESULTS/compare.md" ]; do RESULTS=$stem-$n; n=$((n + 1)); done
fi
[ -e "$RESULTS/compare.md" ] && { echo "compare.sh: $RESULTS/compare.md exists; results are never overwritten" >&2; exit 2; }
mkdir -p "$RESULTS/logs"
log "machine: $CORES cores, $CPU, $MEM_MIB MiB; results in ${RESULTS#$ROOT/}"

# ---------------------------------------------------------------- tools
APT_UPDATED=0
need() {   # need COMMAND-OR-FILE PACKAGE: installs the Debian package when root and missing
  local what=$1 package=$2
  if [[ $what == /* ]] && [ -e "$what" ]; then return 0; fi
  if [[ $what != /* ]] && command -v "$what" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $package (Debian package)"
    if [ $APT_UPDATED = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  else
    echo "compare.sh: needs $what: sudo apt-get install $package" >&2; exit 2
  fi
}
need /usr/bin/time time
need /usr/include/pcap/pcap.h libpcap-dev
need make make
need cc gcc
need python3 python3
if [ $CHECK = 1 ] || [ $REDIS = 1 ] || [ -n "$ORIGINAL" ]; then need redis-server redis-server; need redis-cli redis-tools; fi
if [ "$SPLIT" -gt 0 ] || [ $REAL = 1 ] || [ $TSHARK = 1 ] || [ -n "$ORIGINAL" ]; then need editcap wireshark-common; need capinfos wireshark-common; fi
if [ $TSHARK = 1 ] || [ -n "$ORIGINAL" ]; then need tshark tshark; fi
# The module, not a path: /usr/lib/python3/dist-packages/redis can exist without a working package.
# The original runs under the Debian interpreter (a pyenv or venv python3 first on PATH does not see Debian's
# python3-redis), and the module is checked, not a path.
ORIGINAL_PYTHON=/usr/bin/python3; [ -x "$ORIGINAL_PYTHON" ] || ORIGINAL_PYTHON=$(command -v python3)
if [ -n "$ORIGINAL" ] && ! "$ORIGINAL_PYTHON" -c 'import redis' 2>/dev/null; then need python3-module-redis python3-redis; fi

# ---------------------------------------------------------------- builds
# The build users are told to run for speed (README, "Start-up"): published with ReadyToRun, so that a run does not
# spend its first few hundred milliseconds in tier-0 code.
if [ $AOT = 1 ]; then
  BUILD_NAME="Native AOT"
  log "publishing Potiron.Fast (Release, linux-x64, Native AOT: a few minutes)"
  rm -rf "$SCRATCH/publish-aot"
  dotnet publish -c Release -r linux-x64 -p:PublishAot=true src/Potiron.Fast.Cli -o "$SCRATCH/publish-aot" -nologo -v q -clp:ErrorsOnly \
    >"$RESULTS/logs/build.log" 2>&1 || { cat "$RESULTS/logs/build.log" >&2; exit 1; }
  POTIRON=$SCRATCH/publish-aot/potiron
else
  BUILD_NAME="ReadyToRun"
  log "publishing Potiron.Fast (Release, linux-x64, ReadyToRun)"
  rm -rf "$SCRATCH/publish"
  dotnet publish -c Release -r linux-x64 --self-contained false src/Potiron.Fast.Cli -o "$SCRATCH/publish" -nologo -v q -clp:ErrorsOnly \
    >"$RESULTS/logs/build.log" 2>&1 || { cat "$RESULTS/logs/build.log" >&2; exit 1; }
  POTIRON=$SCRATCH/publish/potiron
fi
POTIRON_VERSION=$("$POTIRON" --version 2>/dev/null | head -1 || echo "?")
ANCHORS=$SCRATCH/anchors
log "building the anchors in ${ANCHORS#$ROOT/}"
rm -rf "$ANCHORS" && cp -r "$SHARED_BENCH/anchors" "$ANCHORS" && chmod -R u+w "$ANCHORS"
make -C "$ANCHORS" -s >"$RESULTS/logs/anchors-build.log" 2>&1 || { cat "$RESULTS/logs/anchors-build.log" >&2; exit 1; }

# ---------------------------------------------------------------- captures
label_of() {   # 10000000 -> 10M, 200000 -> 200k
  local n=$1
  if [ $((n % 1000000)) = 0 ]; then echo "$((n / 1000000))M"; elif [ $((n % 1000)) = 0 ]; then echo "$((n / 1000))k"; else echo "$n"; fi
}
CAPS=$SCRATCH/captures NAMED=$SCRATCH/named
mkdir -p "$CAPS" "$NAMED"
make_syn() {   # make_syn PACKETS -> path of syn-LABEL.pcap (generated once, then reused)
  local out=$CAPS/syn-$(label_of "$1").pcap
  if [ ! -s "$out" ]; then
    log "generating ${out#$ROOT/} ($1 packets, about 8 s a million)"
    python3 "$SHARED_BENCH/make-bench-capture.py" --packets "$1" --seed 1 --out "$out.tmp" >&2
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}
named_copy() {   # named_copy FILE SET-NAME [SUFFIX] -> FILE linked as NAMED/SET/bench-sensor1-0-20240314060000.cap[SUFFIX]
  local dir=$NAMED/$2 target
  target=$dir/bench-sensor1-0-20240314060000.cap${3:-}
  mkdir -p "$dir"
  if [ ! -e "$target" ] || [ "$1" -nt "$target" ]; then ln -f "$1" "$target" 2>/dev/null || cp "$1" "$target"; fi
  echo "$target"
}

# Captures to run: "label|description|file-or-folder|uncompressed bytes|base tool|tools..."
CAPTURE_LIST=()
SYN=$(make_syn "$PACKETS")
SYN_LABEL=syn-$(label_of "$PACKETS")
SYN_NAMED=$(named_copy "$SYN" "$SYN_LABEL")
tools="anchor anchor-dump anchor-mp pcapwalk-r potiron-j1 potiron-j2"
[ $REDIS = 1 ] && tools="$tools potiron-redis-j1 redis-pipe-R redis-pipe-A"
CAPTURE_LIST+=("$SYN_LABEL|darknet-like, one file|$SYN_NAMED|$(stat -c %s "$SYN")|anchor|$tools")

SPLIT_DIR=""
if [ "$SPLIT" -gt 1 ]; then
  SPLIT_DIR=$NAMED/$SYN_LABEL-x$SPLIT
  if [ ! -f "$SPLIT_DIR/.done" ] || [ "$SYN" -nt "$SPLIT_DIR/.done" ]; then
    log "cutting $SYN_LABEL into $SPLIT files of one sensor"
    rm -rf "$SPLIT_DIR" "$SPLIT_DIR.tmp" && mkdir -p "$SPLIT_DIR.tmp"
    TZ=UTC editcap -F pcap -c $(((PACKETS + SPLIT - 1) / SPLIT)) "$SYN" "$SPLIT_DIR.tmp/part.pcap"
    mkdir -p "$SPLIT_DIR"
    for part in "$SPLIT_DIR.tmp"/part_*.pcap; do   # part_00003_20240314213000.pcap: the first packet's time
      stamp=${part##*_}; stamp=${stamp%.pcap}
      mv "$part" "$SPLIT_DIR/bench-sensor1-0-$stamp.cap"
    done
    rmdir "$SPLIT_DIR.tmp" && touch "$SPLIT_DIR/.done"
  fi
  files=$(find "$SPLIT_DIR" -name '*.cap' | wc -l)
  CAPTURE_LIST+=("$SYN_LABEL-x$SPLIT|the same packets in $files files of one sensor (anchor: one process per file, in turn)|$SPLIT_DIR|$(stat -c %s "$SYN")|anchor|anchor potiron-j1 potiron-j2")
fi

REAL_FILE=""
if [ $REAL = 1 ]; then
  REAL_FILE=$(find "$CAPS" -maxdepth 1 -name 'real-*x.pcap' | head -1)
  if [ -z "$REAL_FILE" ]; then
    log "building the real-traffic capture with make-real-bench.sh (400 MB)"
    bash "$SHARED_BENCH/make-real-bench.sh" "$CAPS" >"$RESULTS/logs/make-real.log" 2>&1 || { cat "$RESULTS/logs/make-real.log" >&2; exit 1; }
    REAL_FILE=$(find "$CAPS" -maxdepth 1 -name 'real-*x.pcap' | head -1)
  fi
  REAL_LABEL=$(basename "$REAL_FILE" .pcap)
  if [ ! -s "$REAL_FILE.gz" ] || [ "$REAL_FILE" -nt "$REAL_FILE.gz" ]; then
    log "gzip -6 of $REAL_LABEL"
    gzip -6 -n -c "$REAL_FILE" >"$REAL_FILE.gz.tmp" && mv "$REAL_FILE.gz.tmp" "$REAL_FILE.gz"
  fi
  REAL_NAMED=$(named_copy "$REAL_FILE" "$REAL_LABEL")
  REAL_GZ_NAMED=$(named_copy "$REAL_FILE.gz" "$REAL_LABEL-gz" .gz)
  tools="anchor anchor-dump anchor-mp pcapwalk-r potiron-j1 potiron-j2"
  [ $REDIS = 1 ] && tools="$tools potiron-redis-j1 redis-pipe-R redis-pipe-A"
  CAPTURE_LIST+=("$REAL_LABEL|real traffic, one file|$REAL_NAMED|$(stat -c %s "$REAL_FILE")|anchor|$tools")
  CAPTURE_LIST+=("$REAL_LABEL.gz|the same, gzip -6 ($(stat -c %s "$REAL_FILE.gz") bytes); base: zcat > /dev/null|$REAL_GZ_NAMED|$(stat -c %s "$REAL_FILE")|zcat|zcat potiron-j1 potiron-j2")
fi

if [ $TSHARK = 1 ] || [ -n "$ORIGINAL" ]; then
  cut_tools="anchor potiron-j1 potiron-redis-j1"
  [ $TSHARK = 1 ] && cut_tools="$cut_tools tshark"
  [ -n "$ORIGINAL" ] && cut_tools="$cut_tools original"
  SYN_CUT=$(make_syn 200000)
  CAPTURE_LIST+=("syn-200k|darknet-like, 200,000 packets|$(named_copy "$SYN_CUT" syn-200k)|$(stat -c %s "$SYN_CUT")|anchor|$cut_tools")
  if [ -n "$REAL_FILE" ]; then
    REAL_CUT=$CAPS/real-200k.pcap
    [ -s "$REAL_CUT" ] && [ "$REAL_CUT" -nt "$REAL_FILE" ] || editcap -F pcap -r "$REAL_FILE" "$REAL_CUT" 1-200000
    CAPTURE_LIST+=("real-200k|the first 200,000 packets of $REAL_LABEL|$(named_copy "$REAL_CUT" real-200k)|$(stat -c %s "$REAL_CUT")|anchor|$cut_tools")
  fi
fi

# stream_of INPUT KIND: the anchor's Redis command stream of INPUT (-R or -A), made once (not timed)
stream_of() {
  local input=$1 kind=$2 stream
  # Named by the capture's folder: every named copy has the same file name.
  stream=$SCRATCH/streams/$(basename "$(dirname "$input")").$kind.resp
  if [ ! -s "$stream" ] || [ "$input" -nt "$stream" ]; then
    mkdir -p "$SCRATCH/streams"
    "$ANCHORS/potiron_native" -s bench-sensor1-0 "-$kind" "$stream.tmp" "$input" >/dev/null 2>&1 && mv "$stream.tmp" "$stream"
  fi
  echo "$stream"
}

# ---------------------------------------------------------------- a private redis-server (check, --redis, --original)
REDIS_DIR="" REDIS_PID=""
cleanup() {
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  [ -n "$REDIS_DIR" ] && rm -rf "$REDIS_DIR"
  return 0
}
trap cleanup EXIT
start_redis() {
  [ -n "$REDIS_PID" ] && return 0
  REDIS_DIR=$(mktemp -d /tmp/potiron-compare-redis.XXXXXX)
  redis-server --port 0 --unixsocket "$REDIS_DIR/redis.sock" --unixsocketperm 700 --save '' --appendonly no \
    --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" --daemonize no &
  REDIS_PID=$!
  for _ in $(seq 100); do
    [ -S "$REDIS_DIR/redis.sock" ] && [ "$(redis-cli -s "$REDIS_DIR/redis.sock" PING 2>/dev/null)" = PONG ] && return 0
    sleep 0.05
  done
  echo "compare.sh: redis-server did not start" >&2; exit 1
}
flush_redis() { [ "$(redis-cli -s "$REDIS_DIR/redis.sock" FLUSHALL)" = OK ] || { echo "compare.sh: FLUSHALL failed" >&2; exit 1; }; }
case " ${CAPTURE_LIST[*]} " in *potiron-redis-j1*|*original*) start_redis ;; esac
for entry in "${CAPTURE_LIST[@]}"; do
  IFS='|' read -r label description input bytes base tools <<<"$entry"
  case " $tools " in *redis-pipe-*) log "$label: the anchor's command streams for redis-cli --pipe"; stream_of "$input" R >/dev/null; stream_of "$input" A >/dev/null ;; esac
done

TSHARK_FIELDS="-e frame.time_epoch -e ip.len -e ip.proto -e ip.src -e ip.dst -e ip.ttl -e ip.dsfield -e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport -e tcp.seq -e tcp.ack -e icmp.code -e icmp.type"
# tool_command TOOL INPUT: the command line, for bash -c (exec: /usr/bin/time then sees the tool itself)
tool_command() {
  local tool=$1 input=$2 q
  q=$(printf '%q' "$input")
  case "$tool" in
    anchor)
      if [ -d "$input" ]; then echo "for f in $q/*.cap; do $ANCHORS/potiron_native \"\$f\" || exit; done"
      else echo "exec $ANCHORS/potiron_native $q"; fi ;;
    anchor-dump) echo "exec $ANCHORS/potiron_native -o /dev/null $q" ;;
    anchor-mp) echo "exec $ANCHORS/potiron_native -m -p $q" ;;
    pcapwalk-r) echo "exec $ANCHORS/pcapwalk -r $q" ;;
    zcat) echo "exec zcat $q >/dev/null" ;;
    potiron-j1) echo "exec $POTIRON ingest --sink null -j 1 -c -i $q" ;;
    potiron-j2) echo "exec $POTIRON ingest --sink null -j 2 -c -i $q" ;;
    potiron-redis-j1) echo "exec $POTIRON ingest -u $REDIS_DIR/redis.sock -j 1 -c -i $q" ;;
    redis-pipe-R|redis-pipe-A) echo "exec redis-cli -s $REDIS_DIR/redis.sock --pipe < $(printf '%q' "$(stream_of "$input" "${tool#redis-pipe-}")")" ;;
    tshark) echo "exec tshark -n -q -Tfields $TSHARK_FIELDS -E header=n -E separator=/s -E occurrence=f -Y 'ip.dst ne 255.255.255.255' -r $q -o tcp.relative_sequence_numbers:FALSE >/dev/null" ;;
    original)
      echo "cd $REDIS_DIR && exec env TZ=UTC LC_ALL=C.UTF-8 POTIRON_HOME=$ORIGINAL PYTHONPATH=$ORIGINAL PYTHONWARNINGS=ignore::DeprecationWarning $ORIGINAL_PYTHON $ORIGINAL/bin/parse_pcap_files.py -u $REDIS_DIR/redis.sock -i $q" ;;
    *) echo "compare.sh: unknown tool $tool" >&2; exit 1 ;;
  esac
}

# ---------------------------------------------------------------- timed runs
RUNS_TSV=$RESULTS/runs.tsv CAPTURES_TSV=$RESULTS/captures.tsv COMMANDS_TSV=$RESULTS/commands.tsv
printf 'capture\ttool\trun\twall_s\tcpu_s\tmax_rss_kib\texit\n' >"$RUNS_TSV"
printf 'capture\tdescription\tinput\tbytes\tpackets\tbase\n' >"$CAPTURES_TSV"
printf 'capture\ttool\tcommand\n' >"$COMMANDS_TSV"
for entry in "${CAPTURE_LIST[@]}"; do
  IFS='|' read -r label description input bytes base tools <<<"$entry"
  log "$label: warming the page cache"
  if [ -d "$input" ]; then cat "$input"/*.cap >/dev/null; else cat "$input" >/dev/null; fi
  packets=""
  for tool in $tools; do printf '%s\t%s\t%s\n' "$label" "$tool" "$(tool_command "$tool" "$input" | sed "s|$ROOT/||g")" >>"$COMMANDS_TSV"; done
  for run in $(seq "$RUNS"); do
    for tool in $tools; do
      command=$(tool_command "$tool" "$input")
      case "$tool" in potiron-redis-j1|redis-pipe-*|original) flush_redis ;; esac
      logbase=$RESULTS/logs/$label.$tool.$run
      start=$(date +%s%N)
      set +e
      /usr/bin/time -v -o "$logbase.time" bash -c "$command" >"$logbase.out" 2>"$logbase.err"
      rc=$?
      set -e
      end=$(date +%s%N)
      wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
      rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$logbase.time")
      # CPU seconds (user + system) next to wall time: on a shared machine they suffer less from the neighbours.
      cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.3f", s }' "$logbase.time")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tool" "$run" "$wall" "$cpu" "${rss:-0}" "$rc" >>"$RUNS_TSV"
      log "$label run $run/$RUNS: $tool ${wall}s (CPU ${cpu}s) $((${rss:-0} / 1024)) MiB$([ "$rc" = 0 ] || echo " (exit $rc)")"
      # Packets of the capture: the anchor's summary, or potiron's stats block.
      if [ -z "$packets" ]; then
        packets=$({ grep -ho 'packets [0-9]*' "$logbase.err" 2>/dev/null || true; } | awk '{ s += $2 } END { if (NR) print s }')
      fi
      # Keep one log per tool (the first run's, when not empty); the others are only noise on disk.
      if [ "$run" -gt 1 ]; then rm -f "$logbase.out" "$logbase.err" "$logbase.time"; else find "$RESULTS/logs" -maxdepth 1 -name "${logbase##*/}.*" -empty -delete; fi
    done
  done
  if [ -z "$packets" ]; then packets=$("$POTIRON" ingest --sink null -j 1 -c --json -i "$input" | python3 -c 'import json,sys; print(json.load(sys.stdin)["packets"])' 2>/dev/null || echo 0); fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$description" "$(sed "s|$ROOT/||" <<<"$input")" "$bytes" "$packets" "$base" >>"$CAPTURES_TSV"
done

# The logs are committed with the results: no path of this machine in them (the repository, the private server).
find "$RESULTS/logs" "$COMMANDS_TSV" -type f -exec sed -i -e "s|$ROOT/||g" -e "s|${REDIS_DIR:-/nonexistent}|<redis>|g" {} +
[ -n "$ORIGINAL" ] && find "$RESULTS/logs" "$COMMANDS_TSV" -type f -exec sed -i -e "s|$ORIGINAL|<original>|g" {} +
# An empty log says nothing, and an empty file is byte for byte the empty capture of ../shared/captures.
find "$RESULTS/logs" -type f -empty -delete

# ---------------------------------------------------------------- counts against the anchor's dump
CHECK_MD=$RESULTS/check.md
: >"$CHECK_MD"
if [ $CHECK = 1 ]; then
  start_redis
  flush_redis
  work=$(mktemp -d "$SCRATCH/check.XXXXXX")
  log "count check: the anchor's -o dump of $SYN_LABEL"
  "$ANCHORS/potiron_native" -s bench-sensor1-0 -o "$work/anchor.txt" "$SYN_NAMED" 2>"$work/anchor.err"
  # The whole file in one commit: the streamed transaction holds no member in the client's memory.
  check_input=$SYN_NAMED
  log "count check: potiron ingest -u (redis-server) -j 2 of ${check_input#$ROOT/}"
  t0=$(date +%s%N)
  "$POTIRON" ingest -u "$REDIS_DIR/redis.sock" -j 2 -c -i "$check_input" >"$work/potiron.out" 2>"$work/potiron.err" || true
  t1=$(date +%s%N)
  log "count check: dumping the sorted sets"
  redis-cli -s "$REDIS_DIR/redis.sock" --scan --pattern 'bench-sensor1-0:*' | { grep -E '^bench-sensor1-0:[0-9]{8}:[a-z]+$' || true; } | sort |
    while read -r key; do
      redis-cli -s "$REDIS_DIR/redis.sock" ZRANGE "$key" 0 -1 WITHSCORES | awk -v k="$key" 'NR % 2 { m = $0; next } { print k, m, $0 }'
    done >"$work/potiron.txt"
  sort -S 25% -o "$work/anchor.sorted" "$work/anchor.txt"
  sort -S 25% -o "$work/potiron.sorted" "$work/potiron.txt"
  anchor_lines=$(wc -l <"$work/anchor.sorted")
  potiron_lines=$(wc -l <"$work/potiron.sorted")
  ingest_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  {
    echo "## Counts against the anchor"
    echo
    echo "\`potiron_native -s bench-sensor1-0 -o DUMP\` on $SYN_LABEL against \`potiron ingest -u SOCKET -j 2 -i ${check_input#$ROOT/}\`"
    echo "into a private redis-server (${ingest_s} s end to end), dumped with \`redis-cli --scan\` and \`ZRANGE ... WITHSCORES\`"
    echo "into the anchor's \`KEY MEMBER COUNT\` lines (sorted sets \`bench-sensor1-0:YYYYMMDD:FIELD\` only)."
    echo
    if cmp -s "$work/anchor.sorted" "$work/potiron.sorted"; then
      echo "**Identical**: $anchor_lines lines (key, member, count) on both sides."
      CHECK_RESULT="identical ($anchor_lines lines)"
    else
      only_anchor=$(comm -23 "$work/anchor.sorted" "$work/potiron.sorted" | wc -l)
      only_potiron=$(comm -13 "$work/anchor.sorted" "$work/potiron.sorted" | wc -l)
      echo "**Different**: anchor $anchor_lines lines, Potiron.Fast $potiron_lines; $only_anchor lines only in the anchor's,"
      echo "$only_potiron only in Potiron.Fast's. Per field (lines only in the anchor's / only in ours):"
      echo
      echo '```'
      join -a1 -a2 -e0 -o 0,1.2,2.2 \
        <(comm -23 "$work/anchor.sorted" "$work/potiron.sorted" | awk '{ split($1, p, ":"); print p[3] }' | sort | uniq -c | awk '{ print $2, $1 }') \
        <(comm -13 "$work/anchor.sorted" "$work/potiron.sorted" | awk '{ split($1, p, ":"); print p[3] }' | sort | uniq -c | awk '{ print $2, $1 }')
      echo '```'
      echo
      echo "First differences (\`<\` anchor, \`>\` Potiron.Fast):"
      echo
      echo '```'
      diff "$work/anchor.sorted" "$work/potiron.sorted" | grep '^[<>]' | head -20
      echo '```'
      CHECK_RESULT="DIFFERENT (anchor $anchor_lines lines, ours $potiron_lines; $only_anchor / $only_potiron lines differ)"
    fi
    echo
  } >"$CHECK_MD"
  cp "$work/potiron.out" "$RESULTS/logs/check-potiron.out" 2>/dev/null || true
  cp "$work/anchor.err" "$RESULTS/logs/check-anchor.err" 2>/dev/null || true
  rm -rf "$work"
  log "count check: $CHECK_RESULT"
fi

# ---------------------------------------------------------------- report
MACHINE_LINE="$CORES cores, $CPU, $MEM_MIB MiB RAM, $(uname -sr); potiron $POTIRON_VERSION ($BUILD_NAME build); $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /')"
python3 "$ROOT/bench/compare_report.py" --runs "$RUNS_TSV" --captures "$CAPTURES_TSV" --commands "$COMMANDS_TSV" \
  --check "$CHECK_MD" --machine "$MACHINE_LINE" --command-line "bench/compare.sh ${ARGUMENTS//"$ORIGINAL_ARGUMENT"/<original>}" --date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  >"$RESULTS/compare.md"
cat "$RESULTS/compare.md"
# With --no-check there is nothing to keep, and an empty file is byte for byte the empty capture of ../shared/captures.
[ -s "$CHECK_MD" ] || rm -f "$CHECK_MD"
log "wrote ${RESULTS#$ROOT/}/compare.md, runs.tsv, captures.tsv, commands.tsv"
