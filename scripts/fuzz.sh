#!/usr/bin/env bash
# scripts/fuzz.sh - coverage-guided fuzzing of the parsers that face the network (SharpFuzz + afl++); see fuzz/README.md.
#
#   scripts/fuzz.sh TARGET SECONDS         build, instrument, fuzz TARGET for SECONDS with fuzz/corpus/TARGET as seeds;
#                                          prints the fuzzer_stats summary; exit 1 on any crash or hang (each printed
#                                          as hex with the command that replays it)
#   scripts/fuzz.sh all SECONDS            every target in turn (what .ci/run does, with a short time)
#   scripts/fuzz.sh build                  only build and instrument (then FUZZ_REBUILD=0 reuses that build)
#   scripts/fuzz.sh replay TARGET FILE...  each FILE through TARGET once, outside afl, showing any exception
#   scripts/fuzz.sh cmin TARGET DIR...     minimise fuzz/corpus/TARGET plus the inputs in DIRs (afl-cmin) back into it
#                                          (HAProxy captures haproxy-* and fixed crashes crash-* are always kept)
#
# Targets: uppercaser proxy udp config. Output under $FUZZ_OUT (default artifacts/fuzz): bin/ (instrumented build),
# findings/TARGET/ (afl-fuzz's output dir). Knobs: FUZZ_TIMEOUT_MS (afl -t, default 3000), FUZZ_HEAP_LIMIT (managed
# heap cap of the target, default 0x40000000 = 1 GiB), FUZZ_NICE (default 19), FUZZ_RESUME=1 (continue the last
# session of TARGET for SECONDS more, e.g. after a pause: afl-fuzz's run_time and -V are wall-clock).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${FUZZ_OUT:-$ROOT/artifacts/fuzz}
BIN=$OUT/bin
TARGETS="uppercaser proxy udp config"
TIMEOUT_MS=${FUZZ_TIMEOUT_MS:-3000}
DOTNET=$(command -v dotnet) || { echo "fuzz.sh: dotnet not found" >&2; exit 2; }
DOTNET=$(readlink -f "$DOTNET")
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# afl-fuzz runs the dotnet host, not an afl-compiled binary; no CPU governor, core pattern or pinning in containers.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
# afl's -m (address space) cannot be used: the .NET GC reserves far more virtual memory than it uses. Cap the heap instead.
export DOTNET_GCHeapHardLimit=${FUZZ_HEAP_LIMIT:-0x40000000}

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 2; }
die() { echo "fuzz.sh: $*" >&2; exit 2; }
valid_target() { case " $TARGETS " in *" $1 "*) return 0 ;; *) die "unknown target '$1' (one of: $TARGETS)" ;; esac; }

build() {
  [ -f "$BIN/.instrumented" ] && [ "${FUZZ_REBUILD:-1}" = 0 ] && return 0
  echo "==> build fuzz/KestrelUpper.Fuzz (Release) and instrument KestrelUpper.dll"
  rm -rf "$BIN"
  dotnet build fuzz/KestrelUpper.Fuzz/KestrelUpper.Fuzz.csproj -c Release -o "$BIN" -nologo -v quiet >"$OUT/build.log" 2>&1 \
    || { tail -30 "$OUT/build.log"; die "build failed"; }
  dotnet tool restore >"$OUT/tool.log" 2>&1 || { cat "$OUT/tool.log"; die "dotnet tool restore (SharpFuzz.CommandLine) failed"; }
  dotnet tool run sharpfuzz "$BIN/KestrelUpper.dll" || die "sharpfuzz could not instrument KestrelUpper.dll"
  touch "$BIN/.instrumented"
}

replay_command() { echo "scripts/fuzz.sh replay $1 $2"; }

stat_of() { sed -n "s/^$1 *: *//p" "$2" | head -1; }

fuzz() {  # fuzz TARGET SECONDS
  local target=$1 seconds=$2 findings=$OUT/findings/$1 seeds=$ROOT/fuzz/corpus/$1
  valid_target "$target"
  command -v afl-fuzz >/dev/null || die "afl-fuzz not found (Debian: apt-get install afl++)"
  local input=$seeds
  if [ "${FUZZ_RESUME:-0}" = 1 ] && [ -d "$findings/default/queue" ]; then
    input=-  # afl-fuzz resumes the earlier session in $findings (queue and counters)
    echo "==> afl-fuzz $target for ${seconds}s more (resuming ${findings#"$ROOT"/})"
  else
    rm -rf "$findings" && mkdir -p "$findings"
    if ! ls "$seeds"/* >/dev/null 2>&1; then
      input=$OUT/empty-seed && mkdir -p "$input" && printf 'seed' >"$input/seed"
    fi
    echo "==> afl-fuzz $target for ${seconds}s (seeds: ${input#"$ROOT"/})"
  fi
  # -V bounds the fuzzing itself; timeout also bounds the seed calibration before it.
  timeout --signal=INT --kill-after=30 $((seconds + 300)) nice -n "${FUZZ_NICE:-19}" \
    afl-fuzz -i "$input" -o "$findings" -t "$TIMEOUT_MS" -m none -V "$seconds" \
    -- "$DOTNET" "$BIN/KestrelUpper.Fuzz.dll" "$target" >>"$findings/afl.log" 2>&1
  local status=$? stats=$findings/default/fuzzer_stats
  if [ "$status" = 124 ] && [ -f "$stats" ]; then
    # The guard fired after afl-fuzz had started: it stops cleanly on SIGINT (here after a long pause by `quiet`).
    echo "note: afl-fuzz was stopped by the guard timeout after $((seconds + 300))s of wall-clock time"
    status=0
  fi
  if [ ! -f "$stats" ]; then
    sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$findings/afl.log" | tail -30
    echo "FAIL $target: afl-fuzz exited $status without fuzzer_stats (a seed that crashes or hangs stops it: see above)"
    if [ "$input" != - ]; then
      echo "the seeds through the target outside afl:"
      "$DOTNET" "$BIN/KestrelUpper.Fuzz.dll" "$target" --replay "$input"/* | grep -v '^ok ' | head -40
    fi
    return 1
  fi
  local crashes hangs
  crashes=$(stat_of saved_crashes "$stats"); crashes=${crashes:-$(stat_of unique_crashes "$stats")}
  hangs=$(stat_of saved_hangs "$stats"); hangs=${hangs:-$(stat_of unique_hangs "$stats")}
  printf '%s: run_time %ss, execs_done %s (%s/s), corpus_count %s, bitmap_cvg %s, saved_crashes %s, saved_hangs %s\n' \
    "$target" "$(stat_of run_time "$stats")" "$(stat_of execs_done "$stats")" "$(stat_of execs_per_sec "$stats")" \
    "$(stat_of corpus_count "$stats")$(stat_of paths_total "$stats")" "$(stat_of bitmap_cvg "$stats")" "$crashes" "$hangs"
  local failed=0 kind file shown=0
  for kind in crashes hangs; do
    for file in "$findings/default/$kind"/id*; do
      [ -e "$file" ] || continue
      failed=1 shown=$((shown + 1))
      [ "$shown" -le 10 ] || continue  # the rest are in the same folder; the first few tell the story
      echo "FAIL $target: $([ "$kind" = crashes ] && echo crash || echo hang): $file"
      echo "  input (hex): $(od -An -v -tx1 "$file" | tr -d ' \n' | head -c 4096)"
      echo "  replay: $(replay_command "$target" "$file")"
    done
  done
  [ "$shown" -gt 10 ] && echo "FAIL $target: $((shown - 10)) more in $findings/default/crashes and hangs"
  if [ "$status" != 0 ] && [ "$failed" = 0 ]; then
    sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$findings/afl.log" | tail -20
    echo "FAIL $target: afl-fuzz exited $status"
    return 1
  fi
  [ "$failed" = 0 ] && echo "ok $target"
  return $failed
}

[ $# -ge 1 ] || usage
mkdir -p "$OUT"
case $1 in
  -h|--help) usage ;;
  build) build ;;
  replay)
    [ $# -ge 3 ] || usage
    valid_target "$2"
    FUZZ_REBUILD=0 build
    target=$2; shift 2
    dotnet "$BIN/KestrelUpper.Fuzz.dll" "$target" --replay "$@" ;;
  cmin)
    [ $# -ge 2 ] || usage
    valid_target "$2"
    FUZZ_REBUILD=0 build
    target=$2; shift 2
    pool=$OUT/cmin-pool/$target minimised=$OUT/cmin-out/$target
    rm -rf "$pool" "$minimised" && mkdir -p "$pool"
    for dir in "$ROOT/fuzz/corpus/$target" "$@"; do
      [ -d "$dir" ] && find "$dir" -maxdepth 1 -type f ! -name README.txt ! -name '.*' -exec cp -t "$pool" {} +
    done
    # Same names are kept (afl-cmin copies the chosen files): the committed names say where each seed came from.
    AFL_FORKSRV_INIT_TMOUT=60000 afl-cmin -i "$pool" -o "$minimised" -t "$TIMEOUT_MS" -m none \
      -- "$DOTNET" "$BIN/KestrelUpper.Fuzz.dll" "$target" >"$OUT/cmin-$target.log" 2>&1 \
      || { tail -20 "$OUT/cmin-$target.log"; die "afl-cmin failed"; }
    rm -rf "$ROOT/fuzz/corpus/$target" && mkdir -p "$ROOT/fuzz/corpus/$target"
    # afl-fuzz names (id:000123,src:...,op:havoc) become portable ones (id-000123_src-..._op-havoc): no ':' on Windows.
    for file in "$minimised"/*; do
      name=$(basename "$file" | tr ':,' '-_')
      cp "$file" "$ROOT/fuzz/corpus/$target/$name"
    done
    # Kept even where they add no edge: real traffic (HAProxy's headers with TLVs), and the inputs of fixed crashes.
    find "$pool" -maxdepth 1 -type f \( -name 'haproxy-*' -o -name 'crash-*' \) -exec cp -n -t "$ROOT/fuzz/corpus/$target" {} +
    echo "fuzz/corpus/$target: $(ls "$ROOT/fuzz/corpus/$target" | wc -l) files (from $(ls "$pool" | wc -l))" ;;
  all)
    [ $# -eq 2 ] || usage
    build
    failed=0
    for target in $TARGETS; do fuzz "$target" "$2" || failed=1; done
    exit $failed ;;
  *)
    [ $# -eq 2 ] || usage
    valid_target "$1"
    case $2 in ''|*[!0-9]*) die "SECONDS must be a whole number (got '$2')" ;; esac
    build
    fuzz "$1" "$2" ;;
esac
