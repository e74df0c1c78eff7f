#!/usr/bin/env bash
# prometheus-check.sh - proves the metrics against real tools, on loopback only:
#   1. starts the service (ephemeral ports), opens N TCP connections and sends UDP datagrams
#   2. scrapes /metrics and runs `promtool check metrics`
#   3. runs a real Prometheus scraping the service with the alert rules loaded, and asserts through its
#      HTTP API that sum(kestrel_active_connections{server_port="<tcp port>"}) == N, then 0 after the
#      clients close; that every alert rule evaluates without error against the live series
#   4. checks that every metric the Grafana dashboard and the alert rules use is among the series names that
#      Prometheus scraped (deploy/.validate/check-observability.mjs scrape), so a renamed series fails here
# Needs: dotnet, curl, nc, node + npm, prometheus + promtool (Debian: prometheus). Prints PASS/FAIL lines; exits non-zero on failure.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${N:-7}
work=$(mktemp -d "${TMPDIR:-/tmp}/prometheus-check.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL  $*"; echo "--- service log (last lines)"; tail -20 "$work/service.log" 2>/dev/null || true; exit 1; }
pass() { echo "PASS  $*"; }
for tool in dotnet curl nc node npm promtool prometheus; do command -v "$tool" >/dev/null || fail "missing tool: $tool"; done

# 1. the service
dotnet build "$repo/src/KestrelUpper" -c Release -o "$work/app" -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
Upper__Address=127.0.0.1 Upper__Tcp__Port=0 Upper__Udp__Port=0 Upper__Http__Port=0 Upper__Log__Format=Json \
  dotnet "$work/app/KestrelUpper.dll" >"$work/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q '"Name":"Started"' "$work/service.log" && break; sleep 0.1; done
started=$(grep '"Name":"Started"' "$work/service.log" | head -1) || fail "service did not start"
port_of() { sed -n "s/.*\"$1\":\"[^\"]*:\([0-9]*\)\".*/\1/p" <<<"$started"; }
TCP=$(port_of TcpEndPoint); UDP=$(port_of UdpEndPoint); HTTP=$(port_of HttpEndPoint)
pass "service started: tcp $TCP udp $UDP http $HTTP"

# a real Prometheus, started before the client connections so it inherits none of their descriptors
PROM_PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
sed "s/\${HTTP_PORT}/$HTTP/; s/scrape_interval: 5s/scrape_interval: 1s/; s/scrape_timeout: 4s/scrape_timeout: 1s/; s/evaluation_interval: 5s/evaluation_interval: 1s/" \
  "$repo/deploy/prometheus/prometheus.yml" >"$work/prometheus.yml"
cp "$repo/deploy/prometheus/kestrelupper.rules.yml" "$work/"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$work/prometheus.log" 2>&1 &
pids+=($!)
# N idle TCP connections held open by this shell (each answered once, so each is really being served)
fds=()
for i in $(seq "$N"); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$TCP"
  printf 'conn %s' "$i" >&"$fd"
  IFS= read -r -t 10 -N ${#i} -u "$fd" _ || true
  fds+=("$fd")
done
for i in $(seq 5); do printf 'datagram %s' "$i" | nc -u -w1 127.0.0.1 "$UDP" >/dev/null || true; done

# promtool on a real scrape
curl -fsS "http://127.0.0.1:$HTTP/metrics" -o "$work/metrics.txt" || fail "GET /metrics"
promtool check metrics <"$work/metrics.txt" >"$work/promtool.log" 2>&1 || { cat "$work/promtool.log"; fail "promtool check metrics"; }
pass "promtool check metrics ($(grep -c -v '^#' "$work/metrics.txt") samples)"
grep -E "^kestrel_active_connections\{.*server_port=\"$TCP\"" "$work/metrics.txt" | sed 's/^/      /'
grep -E '^(upper_tcp_|upper_udp_)' "$work/metrics.txt" | sed 's/^/      /'

# assertions through the Prometheus HTTP API
api="http://127.0.0.1:$PROM_PORT/api/v1"
query() { curl -fsS --get "$api/query" --data-urlencode "query=$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'; }
wait_for() {  # wait_for EXPR EXPECTED SECONDS
  local v=""
  for _ in $(seq $(($3 * 2))); do
    v=$(query "$1" 2>/dev/null || echo error)
    [ "$v" = "$2" ] && { echo "$v"; return 0; }
    sleep 0.5
  done
  echo "$v"; return 1
}
expr="sum(kestrel_active_connections{server_port=\"$TCP\"})"
v=$(wait_for "$expr" "$N" 60) || { tail -5 "$work/prometheus.log"; fail "$expr = $v, expected $N"; }
pass "prometheus: $expr = $v"
v=$(wait_for 'sum(upper_udp_datagrams_total{network_io_direction="receive"})' 5 30) || fail "udp datagrams received = $v, expected 5"
pass "prometheus: upper_udp_datagrams_total{network_io_direction=\"receive\"} = $v"

for fd in "${fds[@]}"; do exec {fd}>&-; done
v=$(wait_for "$expr" 0 60) || fail "$expr = $v after the clients closed, expected 0"
pass "prometheus: $expr = $v after the clients closed"

# every alert rule evaluates cleanly against the live series
sleep 3
curl -fsS "$api/rules" >"$work/rules.json"
python3 - "$work/rules.json" <<'PY' || fail "alert rules did not evaluate cleanly"
import json, sys
groups = json.load(open(sys.argv[1]))["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
bad = [r for r in rules if r.get("health") != "ok"]
for r in rules:
    print(f"      {r['name']}: health={r.get('health')} state={r.get('state','-')}")
if not rules or bad:
    sys.exit(1)
PY
pass "prometheus: every alert rule evaluated with health=ok"

# every metric the dashboard and the rules use is a series Prometheus has from the service
validate="$repo/deploy/.validate"
[ -d "$validate/node_modules/yaml" ] || (cd "$validate" && npm ci --no-audit --no-fund --engine-strict=false --loglevel=error) >"$work/npm.log" 2>&1 \
  || { cat "$work/npm.log"; fail "npm ci in deploy/.validate"; }
curl -fsS "$api/label/__name__/values" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["data"]))' >"$work/names.txt" \
  || fail "series names from the Prometheus API"
node "$validate/check-observability.mjs" scrape "$work/names.txt" >"$work/names.log" 2>&1 || { cat "$work/names.log"; fail "dashboard and rules use series the service does not expose"; }
pass "prometheus: $(sed 's/^ok   scrape: //' "$work/names.log")"
echo "prometheus-check: all passed"
