#!/usr/bin/env bash
# measure-memory.sh - the service's memory under idle connections and under a client that never reads
# (issue #5, "Limits and faults"). Loopback only; every step bounded in time.
#
#   scripts/measure-memory.sh [--service-dll PATH | --service-exe PATH] [--connections N] [--keep]
#   scripts/measure-memory.sh --startup N [--service-dll PATH | --service-exe PATH]
#
#   (a) baseline: VmRSS of the idle service once /readyz answers 200 (and 3 s of quiet)
#   (b) N (default 10000) idle TCP connections, each sends one byte and reads its reply, then stays open;
#       once /status says tcp.activeConnections == N: VmRSS and the delta.       goal: delta < 150 MB
#   (c) on a fresh service, one client writes up to 256 MiB without ever reading (non-blocking) until the
#       socket stalls and /status tcp.bytesReceived has not grown for 2 s: the bytes accepted and the
#       growth of VmRSS (the peak while writing, against the fresh baseline).   goal: growth <= 64 MB
# --startup N measures only start-up instead: N fresh starts, each timed from the process start to the first
#   200 on GET /readyz (polled every 10 ms), then VmRSS once idle (3 s of quiet); compares builds, e.g. the
#   ReadyToRun DLL (--service-dll) against a Native AOT executable (--service-exe).
# Each service is stopped with SIGTERM and must exit 0. Prints a markdown table; exits 0 when every goal
# is met, 1 when one is missed, 2 when the service cannot be built or started.
#
# The descriptor limit is raised (ulimit -n 65536, or the hard limit when lower) for the service and the
# client; Upper__Tcp__MaxConnections and Upper__Tcp__MaxConnectionsPerIp are raised above N.
# Without --service-dll the service is published (Release) into the work directory.
# Needs: dotnet, python3, curl.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
helper="$repo/scripts/measure-memory.py"
service_dll=""
service_exe=""
startups=0
connections=10000
keep=0
usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --service-dll) service_dll="${2:-}"; shift 2 ;;
    --service-dll=*) service_dll="${1#*=}"; shift ;;
    --service-exe) service_exe="${2:-}"; shift 2 ;;
    --service-exe=*) service_exe="${1#*=}"; shift ;;
    --startup) startups="${2:-}"; shift 2 ;;
    --startup=*) startups="${1#*=}"; shift ;;
    --connections) connections="${2:-}"; shift 2 ;;
    --connections=*) connections="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "measure-memory.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done
[[ "$connections" =~ ^[0-9]+$ ]] && [ "$connections" -ge 1 ] || { echo "measure-memory.sh: --connections must be a positive number" >&2; exit 2; }
[[ "$startups" =~ ^[0-9]+$ ]] || { echo "measure-memory.sh: --startup must be a number" >&2; exit 2; }
[ -n "$service_dll" ] && [ -n "$service_exe" ] && { echo "measure-memory.sh: --service-dll and --service-exe exclude each other" >&2; exit 2; }
for tool in dotnet python3 curl; do command -v "$tool" >/dev/null || { echo "measure-memory.sh: missing tool: $tool" >&2; exit 2; }; done

work=$(mktemp -d "${TMPDIR:-/tmp}/kestrelupper-memory.XXXXXX")
svc_pid=""
cleanup() {
  [ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null
  wait 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf "$work/service-bin"
}
trap cleanup EXIT
trap 'echo "measure-memory.sh: interrupted" >&2; exit 130' INT TERM
log() { printf '[memory %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; for f in "$work"/service-*.log; do [ -f "$f" ] && { echo "--- $f (last lines)" >&2; tail -20 "$f" >&2; }; done; exit 2; }
log "work directory: $work"

if [ -n "$service_exe" ]; then
  [ -x "$service_exe" ] || die "not an executable: $service_exe"
  svc_cmd=("$service_exe")
else
  if [ -z "$service_dll" ]; then
    log "publishing the service (Release)"
    dotnet publish "$repo/src/KestrelUpper" -c Release -o "$work/service-bin" -nologo -v quiet >"$work/build.log" 2>&1 \
      || { cat "$work/build.log" >&2; die "service build failed"; }
    service_dll="$work/service-bin/KestrelUpper.dll"
  fi
  [ -f "$service_dll" ] || die "no such file: $service_dll"
  svc_cmd=(dotnet "$service_dll")
fi

if [ "$startups" -gt 0 ]; then
  log "start-up: $startups starts of ${svc_cmd[*]}"
  python3 "$helper" startup --starts "$startups" --log-dir "$work" -- "${svc_cmd[@]}" | tee "$work/report.md"
  verdict=${PIPESTATUS[0]}
  log "logs: $work"
  exit "$verdict"
fi

hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi
nofile=$(ulimit -n)
[ "$nofile" -ge $((connections + 512)) ] || die "ulimit -n is $nofile (hard $hard): too low for $connections connections"
cap=$((connections + 1000))

# start_service NAME: sets svc_pid TCP HTTP, waits for /readyz 200 and 3 s of quiet
start_service() {
  local log_file="$work/service-$1.log" started port_of ready=0
  Upper__Address=127.0.0.1 Upper__Tcp__Port=0 Upper__Udp__Port=0 Upper__Http__Port=0 Upper__Log__Format=Json \
  Upper__Tcp__MaxConnections=$cap Upper__Tcp__MaxConnectionsPerIp=$cap \
    "${svc_cmd[@]}" >"$log_file" 2>&1 &
  svc_pid=$!
  for _ in $(seq 300); do
    grep -q '"Name":"Started"' "$log_file" 2>/dev/null && break
    kill -0 "$svc_pid" 2>/dev/null || break
    sleep 0.1
  done
  started=$(grep -m1 '"Name":"Started"' "$log_file") || die "the service ($1) did not start"
  TCP=$(sed -n 's/.*"TcpEndPoint":"[^"]*:\([0-9]*\)".*/\1/p' <<<"$started")
  HTTP=$(sed -n 's/.*"HttpEndPoint":"[^"]*:\([0-9]*\)".*/\1/p' <<<"$started")
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/readyz")" = 200 ] && { ready=1; break; }
    sleep 0.1
  done
  [ "$ready" = 1 ] || die "/readyz never answered 200 ($1)"
  log "service ($1) pid $svc_pid: tcp $TCP, http $HTTP; descriptors $(awk '/Max open files/ {print $4}' "/proc/$svc_pid/limits")"
  sleep 3
}
# stop_service: SIGTERM, at most 30 s; sets svc_exit (in this shell: only it can wait for its child)
stop_service() {
  kill -TERM "$svc_pid" 2>/dev/null
  for _ in $(seq 300); do kill -0 "$svc_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$svc_pid" 2>/dev/null && { log "no exit 30 s after SIGTERM: killing it"; kill -KILL "$svc_pid"; }
  wait "$svc_pid"; svc_exit=$?
  svc_pid=""
}

# (a) + (b)
start_service idle
log "opening $connections idle connections"
python3 "$helper" idle --port "$TCP" --http "$HTTP" --pid "$svc_pid" --count "$connections" --out "$work/idle.json" \
  || log "the idle-connection client failed (exit $?)"
stop_service; exit1=$svc_exit
log "idle phase done; service exit code $exit1"

# (c)
start_service nonreader
log "non-reader: writing without reading until the socket stalls"
python3 "$helper" nonreader --port "$TCP" --http "$HTTP" --pid "$svc_pid" --out "$work/nonreader.json" \
  || log "the non-reader client failed (exit $?)"
stop_service; exit2=$svc_exit
log "non-reader phase done; service exit code $exit2"

python3 "$helper" report --idle "$work/idle.json" --nonreader "$work/nonreader.json" --exit1 "$exit1" --exit2 "$exit2" | tee "$work/report.md"
verdict=${PIPESTATUS[0]}
if grep -hE '"@l":"(Error|Fatal)"' "$work"/service-*.log | head -5 | grep -q .; then
  echo "--- service log lines at Error and above"; grep -hE '"@l":"(Error|Fatal)"' "$work"/service-*.log | head -5
fi
log "logs and raw results: $work"
exit "$verdict"
