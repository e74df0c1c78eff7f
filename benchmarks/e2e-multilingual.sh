#!/usr/bin/env bash
# End to end, one run: a TCP stream of the built-in multilingual text (upper bench tcp --payload multilingual)
# beside a lowercase-ASCII stream of the same message size, through a Release publish of the service, and the
# same multilingual stream through a Node server doing toUpperCase() (peers/node-unicode-upper.js).
# Wrap in `quiet`. Usage: ROUNDS=3 SECS=5 CONNS=4 PIPELINE=4 bash benchmarks/e2e-multilingual.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3} SECS=${SECS:-5} CONNS=${CONNS:-4} PIPELINE=${PIPELINE:-4}
OUT=${OUT:-$(mktemp -d /tmp/ku-e2e-XXXX)}
# As the container image is built (and scripts/bench-compare.sh publishes): ReadyToRun, framework-dependent.
dotnet publish "$repo/src/KestrelUpper" -c Release -o "$OUT/ku" -v quiet -nologo -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false
dotnet publish "$repo/src/KestrelUpper.Client" -c Release -o "$OUT/upper" -v quiet -nologo
upper() { dotnet "$OUT/upper/upper.dll" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

port=$(free_port)
Upper__Tcp__Port=$port Upper__Udp__Port=$port Upper__Http__Port=0 Upper__Tcp__MaxConnectionsPerIp=100000 \
  Upper__Log__Format=Text Serilog__MinimumLevel__Default=Warning dotnet "$OUT/ku/KestrelUpper.dll" >"$OUT/ku.log" 2>&1 &
ku=$!
node_port=$(free_port)
node "$repo/benchmarks/peers/node-unicode-upper.js" "$node_port" 2>"$OUT/node.log" &
nd=$!
trap 'kill $ku $nd 2>/dev/null || true' EXIT
for _ in $(seq 50); do (echo x | nc -q1 127.0.0.1 "$port" >/dev/null 2>&1) && break; sleep 0.1; done

size=$(python3 -c "import json,subprocess,sys; print(json.loads(subprocess.run(['dotnet','$OUT/upper/upper.dll','bench','tcp','--port','$port','--payload','multilingual','--duration','0.2','--json'],capture_output=True,text=True).stdout)['sizeBytes'])")
common=(--connections "$CONNS" --pipeline "$PIPELINE" --duration "$SECS" --json)
mbps() { python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.1f %d %d" % (r["megabytesPerSecond"], r["mismatches"], r["errors"]))'; }
echo "round ascii(MB/s,mm,err) multilingual(MB/s,mm,err) node-multilingual(MB/s,mm,err)  size=$size conns=$CONNS pipeline=$PIPELINE secs=$SECS" | tee "$OUT/rounds.txt"
for r in $(seq "$ROUNDS"); do
  a=$(upper bench tcp --port "$port" --size "$size" "${common[@]}" | mbps)
  m=$(upper bench tcp --port "$port" --payload multilingual "${common[@]}" | mbps)
  n=$(upper bench tcp --port "$node_port" --payload multilingual "${common[@]}" | mbps)
  echo "$r $a | $m | $n" | tee -a "$OUT/rounds.txt"
done
python3 - "$OUT/rounds.txt" <<'PY'
import statistics, sys
rows = [l.split('|') for l in open(sys.argv[1]).read().splitlines()[1:]]
a = [float(r[0].split()[1]) for r in rows]; m = [float(r[1].split()[0]) for r in rows]; n = [float(r[2].split()[0]) for r in rows]
ma, mm, mn = statistics.median(a), statistics.median(m), statistics.median(n)
print(f"median MB/s: ascii {ma:.1f}, multilingual {mm:.1f} ({mm/ma:.2f}x ascii), node toUpperCase multilingual {mn:.1f} (ours {mm/mn:.1f}x node)")
PY
echo "results in $OUT"
