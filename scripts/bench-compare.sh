#!/usr/bin/env bash
# bench-compare.sh - KestrelUpper beside the peers of ../shared/bench, measured in one run.
#   1. the kit's compare.sh (C load generator, verifies every byte) with KestrelUpper as an EXTRA server
#   2. `upper bench --json` (our client) against c-epoll, go and KestrelUpper, one after the other
# Prints both tables as markdown (and keeps the raw logs under $OUT). Loopback only, bounded in time.
# Knobs: ROUNDS (3), SECS (5), SERVERS (c-epoll go node python-asyncio python-seed), KIT (../shared/bench),
#        UPPER_SECS (5), OUT (a temp dir), PROXY (1: also run "kestrelupper-proxy", the same build with
#        Upper:Tcp:ProxyProtocol=Optional and the load generator's address trusted), UPPER_BENCH (1: step 2).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT=${KIT:-$repo/../shared/bench}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")}
ROUNDS=${ROUNDS:-3}; SECS=${SECS:-5}; UPPER_SECS=${UPPER_SECS:-5}
SERVERS=${SERVERS:-"c-epoll go node python-asyncio python-seed"}
PROXY=${PROXY:-1}; UPPER_BENCH=${UPPER_BENCH:-1}
[ -d "$KIT" ] || { echo "bench-compare: no kit at $KIT" >&2; exit 2; }

# The kit builds in place; work on a copy so the shared folder stays read-only.
mkdir -p "$OUT"   # each step on its own line: `set -e` does not stop at a failure inside an && list
rm -rf "$OUT/kit"
cp -r "$KIT" "$OUT/kit"
chmod -R u+w "$OUT/kit"
# Published as the container image is (ReadyToRun, framework-dependent), so the figures are the shipped build's.
dotnet publish "$repo/src/KestrelUpper" -c Release -o "$OUT/ku" -v quiet -nologo -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false
dotnet publish "$repo/src/KestrelUpper.Client" -c Release -o "$OUT/upper" -v quiet -nologo

# Limits off for load generation from one address; everything else is the shipped configuration.
SERVICE="Upper__Tcp__Port={port} Upper__Udp__Port={port} Upper__Http__Port=0 Upper__Udp__RatePerSource=0 Upper__Tcp__MaxConnectionsPerIp=100000 Upper__Log__Format=Text dotnet $OUT/ku/KestrelUpper.dll"
EXTRA="kestrelupper=env $SERVICE"
if [ "$PROXY" = 1 ]; then
  # The load generator sends no header: this measures what reading the PROXY protocol costs the fast path.
  EXTRA="$EXTRA;kestrelupper-proxy=env Upper__Tcp__ProxyProtocol=Optional Upper__Tcp__TrustedProxies__0=127.0.0.1/32 $SERVICE"
fi
echo "== compare.sh (ROUNDS=$ROUNDS SECS=$SECS) $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo +dirty)"
(cd "$OUT/kit" && ROUNDS=$ROUNDS SECS=$SECS SERVERS="$SERVERS" EXTRA="$EXTRA" ./compare.sh) | tee "$OUT/compare.log" | sed -n '/^Run /,$p'
[ "$UPPER_BENCH" = 1 ] || { echo; echo "raw logs: $OUT"; exit 0; }

echo
echo "== upper bench (${UPPER_SECS}s each)"
port=12900
declare -A row=()
start_server() {  # start_server NAME -> sets pid
  if [ "$1" = kestrelupper ]; then
    env ${SERVICE//\{port\}/$port} >"$OUT/$1.log" 2>&1 &
  else
    "$OUT/kit/run-peer.sh" "$1" "$port" >"$OUT/$1.log" 2>&1 &
  fi
  pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.1; done
  echo "bench-compare: $1 did not start" >&2; return 1
}
bench() { dotnet "$OUT/upper/upper.dll" bench "$@" --host 127.0.0.1 --port "$port" --duration "$UPPER_SECS" --json; }
field() { python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(f\"{d['messagesPerSecond']:.0f} / {d['p99Microseconds']} µs / {d['errors']}+{d['mismatches']}\")"; }
for name in c-epoll go kestrelupper; do
  start_server "$name" || continue
  row[$name,rr]=$(bench tcp --connections 16 --pipeline 1 --size 64 | field)
  row[$name,pipe]=$(bench tcp --connections 16 --pipeline 8 --size 4096 | field)
  row[$name,udp]=$(bench udp --connections 16 --pipeline 1 --size 64 | field)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  port=$((port + 1))
done
echo
echo "| upper bench (msg/s / p99 / errors+mismatches) | c-epoll | go | kestrelupper |"
echo "|---|---:|---:|---:|"
echo "| tcp 16 conns 64 B | ${row[c-epoll,rr]:-n/a} | ${row[go,rr]:-n/a} | ${row[kestrelupper,rr]:-n/a} |"
echo "| tcp 16 conns 4 KiB pipeline 8 | ${row[c-epoll,pipe]:-n/a} | ${row[go,pipe]:-n/a} | ${row[kestrelupper,pipe]:-n/a} |"
echo "| udp 16 sockets 64 B | ${row[c-epoll,udp]:-n/a} | ${row[go,udp]:-n/a} | ${row[kestrelupper,udp]:-n/a} |"
echo
echo "raw logs: $OUT"
