#!/usr/bin/env bash
# soak.sh - a bounded soak of the service on loopback (issue #5, "Limits and faults").
#
#   scripts/soak.sh [--duration SECONDS] [--service-dll PATH] [--client-dll PATH] [--keep]
#
# Starts the service (Release, ephemeral ports on 127.0.0.1, UDP rate limit off, per-IP cap 100000) and
# runs these at once for --duration seconds (default 600), every one bounded in time and rate:
#   (a) upper bench tcp  --connections 8 --pipeline 1 --size 64        request/response, verified
#   (b) upper bench tcp  --connections 2 --pipeline 4 --size 65536     streaming, verified
#   (c) soak-clients.py oneshot   the textbook client in a loop (<= 200 conn/s), verified byte for byte
#   (d) upper bench udp  --connections 4 --pipeline 4 --rate 5000      verified (with the default
#       --pipeline 1, 4 sockets x 1 datagram in flight cannot reach 5000/s once the TCP load has the CPUs:
#       the paced clock falls behind and p99 grows with the run length; 4 in flight per socket keeps up)
#   (e) soak-clients.py resets    connect, send, RST mid-stream (<= 50 conn/s): fails by design
#   (f) soak-clients.py nonreader one connection writing and never reading: must stall (backpressure)
# and samples the service's VmRSS every second. At the end it checks that every TCP connection is gone,
# stops the service with SIGTERM (exit code must be 0) and prints a markdown table.
#
# Exit code: 0 when (a)-(d) had no errors and no mismatches, no reply anywhere was wrong, the non-reader
# stalled, no connection leaked, the service logged no Error/Fatal line, it never died, and it exited 0
# on SIGTERM; 1 otherwise; 2 on bad usage or when the service cannot be built or started.
#
# Without --service-dll/--client-dll both projects are published (Release) into the work directory, one
# after the other. Other Upper__* variables in the environment reach the service (e.g.
# Upper__Tcp__IdleTimeout=00:00:30 to watch the idle timeout reclaim the stalled non-reader). Logs and raw
# results stay in the work directory, which is printed (binaries built here are deleted unless --keep).
# Needs: dotnet, python3, curl. Traffic goes to 127.0.0.1 only.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
helper="$repo/scripts/soak-clients.py"

duration=600
service_dll=""
client_dll=""
keep=0
usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="${2:-}"; shift 2 ;;
    --duration=*) duration="${1#*=}"; shift ;;
    --service-dll) service_dll="${2:-}"; shift 2 ;;
    --service-dll=*) service_dll="${1#*=}"; shift ;;
    --client-dll) client_dll="${2:-}"; shift 2 ;;
    --client-dll=*) client_dll="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "soak.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 5 ] || { echo "soak.sh: --duration must be a whole number of seconds >= 5" >&2; exit 2; }
for tool in dotnet python3 curl; do command -v "$tool" >/dev/null || { echo "soak.sh: missing tool: $tool" >&2; exit 2; }; done

work=$(mktemp -d "${TMPDIR:-/tmp}/kestrelupper-soak.XXXXXX")
svc_pid=""
sampler_pid=""
load_pids=()
cleanup() {
  for p in "${load_pids[@]}" $sampler_pid $svc_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf "$work/service-bin" "$work/client-bin"
}
trap cleanup EXIT
trap 'echo "soak.sh: interrupted" >&2; exit 130' INT TERM
log() { printf '[soak %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; [ -f "$work/service.log" ] && { echo "--- service log (last lines)" >&2; tail -20 "$work/service.log" >&2; }; exit 2; }
log "work directory: $work"

# ----------------------------------------------------------------------------------------- binaries
if [ -z "$service_dll" ]; then
  log "publishing the service (Release)"
  dotnet publish "$repo/src/KestrelUpper" -c Release -o "$work/service-bin" -nologo -v quiet >"$work/build-service.log" 2>&1 \
    || { cat "$work/build-service.log" >&2; die "service build failed"; }
  service_dll="$work/service-bin/KestrelUpper.dll"
fi
if [ -z "$client_dll" ]; then
  log "publishing the client (Release)"
  dotnet publish "$repo/src/KestrelUpper.Client" -c Release -o "$work/client-bin" -nologo -v quiet >"$work/build-client.log" 2>&1 \
    || { cat "$work/build-client.log" >&2; die "client build failed"; }
  client_dll="$work/client-bin/upper.dll"
fi
[ -f "$service_dll" ] || die "no such file: $service_dll"
[ -f "$client_dll" ] || die "no such file: $client_dll"

# ------------------------------------------------------------------------------------------ service
# Many short-lived connections come from one address: plenty of descriptors, and no per-IP cap in the way.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi
Upper__Address=127.0.0.1 Upper__Tcp__Port=0 Upper__Udp__Port=0 Upper__Http__Port=0 Upper__Log__Format=Json \
Upper__Udp__RatePerSource=0 Upper__Tcp__MaxConnectionsPerIp=100000 \
  dotnet "$service_dll" >"$work/service.log" 2>&1 &
svc_pid=$!
for _ in $(seq 300); do
  grep -q '"Name":"Started"' "$work/service.log" 2>/dev/null && break
  kill -0 "$svc_pid" 2>/dev/null || break
  sleep 0.1
done
started=$(grep -m1 '"Name":"Started"' "$work/service.log") || die "the service did not start"
port_of() { sed -n "s/.*\"$1\":\"[^\"]*:\([0-9]*\)\".*/\1/p" <<<"$started"; }
TCP=$(port_of TcpEndPoint); UDP=$(port_of UdpEndPoint); HTTP=$(port_of HttpEndPoint)
[ -n "$TCP" ] && [ -n "$UDP" ] && [ -n "$HTTP" ] || die "cannot read the ports from: $started"
status_url="http://127.0.0.1:$HTTP/status"
ready=0
for _ in $(seq 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/readyz")" = 200 ] && { ready=1; break; }
  sleep 0.1
done
[ "$ready" = 1 ] || die "/readyz never answered 200"
log "service pid $svc_pid: tcp $TCP, udp $UDP, http $HTTP"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
status_field() {  # status_field tcp activeConnections
  curl -fsS --max-time 5 "$status_url" 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['$1']['$2'])" 2>/dev/null
}
sleep 2  # let start-up settle: the first RSS figure is the idle service
rss_start=$(rss_kb "$svc_pid")
python3 "$helper" rss --pid "$svc_pid" --out "$work/rss.txt" &
sampler_pid=$!

# -------------------------------------------------------------------------------------------- load
upper=(dotnet "$client_dll")
declare -A job_pid=()
start_job() {  # start_job NAME command...
  local name=$1; shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  job_pid[$name]=$!
  load_pids+=($!)
}
log "soaking for $duration s"
start_job bench-tcp-rr "${upper[@]}" bench tcp --host 127.0.0.1 --port "$TCP" --connections 8 --pipeline 1 --size 64 --duration "$duration" --json
start_job bench-tcp-stream "${upper[@]}" bench tcp --host 127.0.0.1 --port "$TCP" --connections 2 --size 65536 --pipeline 4 --duration "$duration" --json
start_job bench-udp "${upper[@]}" bench udp --host 127.0.0.1 --port "$UDP" --connections 4 --pipeline 4 --rate 5000 --duration "$duration" --json
start_job oneshot python3 "$helper" oneshot --port "$TCP" --duration "$duration" --rate 200 --out "$work/oneshot.json"
start_job resets python3 "$helper" resets --port "$TCP" --duration "$duration" --rate 50 --out "$work/resets.json"
start_job nonreader python3 "$helper" nonreader --port "$TCP" --duration "$duration" --out "$work/nonreader.json"

# progress while the load runs; a dead service ends the soak early (the clients then fail and finish)
every=$(( duration >= 300 ? 60 : 15 ))
t0=$SECONDS
crashed=""
while :; do
  running=0
  for p in "${job_pid[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
  [ "$running" = 0 ] && break
  if ! kill -0 "$svc_pid" 2>/dev/null && [ -z "$crashed" ]; then
    wait "$svc_pid"; code=$?
    crashed="exited with code $code after $((SECONDS - t0)) s of load"
    log "THE SERVICE DIED: $crashed"
    for p in "${job_pid[@]}"; do kill "$p" 2>/dev/null || true; done
  fi
  if [ -z "$crashed" ] && [ $(( (SECONDS - t0) % every )) -eq 0 ] && [ "$SECONDS" -gt "$t0" ]; then
    st=$(curl -fsS --max-time 5 "$status_url" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin); t=s["tcp"]; u=s["udp"]; print("tcp active %d, total %d, received %.0f MB; udp received %d, dropped %d" % (t["activeConnections"], t["totalConnections"], t["bytesReceived"]/1e6, u["datagramsReceived"], u["dropped"]))' 2>/dev/null)
    log "$((SECONDS - t0)) s: rss $(( $(rss_kb "$svc_pid" || echo 0) / 1024 )) MB; ${st:-/status did not answer}"
    sleep 1
  fi
  sleep 0.2
done
declare -A rc=()
for name in "${!job_pid[@]}"; do wait "${job_pid[$name]}"; rc[$name]=$?; done
load_pids=()
log "load finished after $((SECONDS - t0)) s"

# --------------------------------------------------------------------------------------- wind-down
active_after="?"
rss_end=""
if [ -z "$crashed" ]; then
  # every client is gone: the server must get back to zero open connections (resets and the stalled
  # non-reader included)
  for _ in $(seq 50); do
    active_after=$(status_field tcp activeConnections); [ "$active_after" = 0 ] && break
    sleep 0.2
  done
  sleep 1
  rss_end=$(rss_kb "$svc_pid")
  curl -fsS --max-time 5 "$status_url" -o "$work/status-end.json" || log "/status did not answer at the end"
  kill -TERM "$svc_pid"
  for _ in $(seq 300); do kill -0 "$svc_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$svc_pid" 2>/dev/null; then
    log "the service did not exit 30 s after SIGTERM: killing it"
    kill -KILL "$svc_pid"
  fi
  wait "$svc_pid"; service_exit=$?
else
  service_exit="died"
fi
svc_pid=""
wait "$sampler_pid" 2>/dev/null; sampler_pid=""

# ------------------------------------------------------------------------------------------ report
count_level() { grep -c "\"@l\":\"$1\"" "$work/service.log" 2>/dev/null || true; }  # compact JSON
DURATION=$duration ENDPOINTS="tcp $TCP, udp $UDP, http $HTTP" RSS_START=$rss_start RSS_END=$rss_end \
ACTIVE_AFTER=$active_after SERVICE_EXIT=$service_exit CRASHED=$crashed \
WARN=$(count_level Warning) ERR=$(count_level Error) FATAL=$(count_level Fatal) \
RC_RR=${rc[bench-tcp-rr]:-} RC_STREAM=${rc[bench-tcp-stream]:-} RC_UDP=${rc[bench-udp]:-} \
python3 - "$work/meta.json" <<'PY'
import json, os, sys
e = os.environ
def num(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return v or None
json.dump({
    "duration": num(e["DURATION"]), "endpoints": e["ENDPOINTS"],
    "rssStartKb": num(e["RSS_START"]), "rssEndKb": num(e["RSS_END"]),
    "activeAfterClients": num(e["ACTIVE_AFTER"]), "serviceExit": num(e["SERVICE_EXIT"]),
    "crashed": e["CRASHED"] or None,
    "logWarnings": num(e["WARN"]), "logErrors": num(e["ERR"]), "logFatals": num(e["FATAL"]),
    "rc": {"bench-tcp-rr": num(e["RC_RR"]), "bench-tcp-stream": num(e["RC_STREAM"]), "bench-udp": num(e["RC_UDP"])},
}, open(sys.argv[1], "w"), indent=1)
PY
python3 "$helper" report --dir "$work" | tee "$work/report.md"
verdict=${PIPESTATUS[0]}
if [ "$verdict" != 0 ]; then
  for f in "$work"/bench-*.err "$work"/oneshot.err "$work"/resets.err "$work"/nonreader.err; do
    [ -s "$f" ] && { echo "--- $(basename "$f")"; head -5 "$f"; }
  done
  echo "--- service log lines at Warning and above"
  grep -E '"@l":"(Warning|Error|Fatal)"' "$work/service.log" | head -10
fi
log "logs and raw results: $work"
exit "$verdict"
