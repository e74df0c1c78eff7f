#!/usr/bin/env bash
# Builds the KestrelUpper image from the unmodified Dockerfile with podman, runs it, and smoke-tests
# the running container through its published ports. Run from anywhere (CI: `bash scripts/container-smoke.sh`).
#
#  1. scripts/container-base-images.sh: local stand-ins for the mcr.microsoft.com base images
#     (built once, then cached; --force there rebuilds them)
#  2. podman build --pull=never -t kestrelupper:ci .   (dotnet restore inside reaches NuGet)
#  3. podman run -d -p 127.0.0.1:P:12000/tcp -p 127.0.0.1:P:12000/udp -p 127.0.0.1:H:8080 (free ports)
#  4. checks: image config (user 1654, ports, entrypoint), /readyz /livez /metrics /status,
#     TCP and UDP uppercasing through the published port, the process runs as uid 1654,
#     every log line is JSON and one is the Started event, no warnings at start-up, and
#     SIGTERM (podman stop -t 30) drains and exits 0 within Upper__Shutdown__Timeout + margin
#  5. prints "image size: N MB"
#
# Exits non-zero with a message naming each failed check. Removes its container on exit.
# Needs root (rootful podman); installs podman, buildah, runc, debootstrap when missing.
# Environment: KESTRELUPPER_IMAGE (default kestrelupper:ci).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
log_tag="container-smoke"
# shellcheck source=SCRIPTDIR/../deploy/container/podman-env.sh
. deploy/container/podman-env.sh

image="${KESTRELUPPER_IMAGE:-kestrelupper:ci}"
shutdown_timeout_s=5   # Upper__Shutdown__Timeout given to the container
stop_margin_s=5        # process exit after the drain, podman's own bookkeeping
stop_grace_s=30        # podman stop -t: SIGKILL only after this
container="kestrelupper-smoke-$$"
total_start=$SECONDS

[ "$(id -u)" = 0 ] || die "run as root (rootful podman)"

# --- 1. base images ---------------------------------------------------------------------------------
t0=$SECONDS
bash scripts/container-base-images.sh
base_s=$((SECONDS - t0))
container_setup
for tool in curl nc python3; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found"; done

# --- 2. build ---------------------------------------------------------------------------------------
# The stand-in SDK image carries the host's NuGet.Config, NUGET_* variables and CA bundle; what it
# cannot carry is name resolution (podman writes /etc/hosts for each RUN), so the NuGet hosts are
# resolved here the way the host resolves them (/etc/hosts, DNS) and passed as --add-host. Build
# flags only: the Dockerfile stays the one that builds against the real mcr.microsoft.com images.
nuget_hosts() {
  local cfg
  for cfg in "$HOME/.nuget/NuGet/NuGet.Config" "$HOME/.nuget/NuGet/nuget.config"; do
    [ -f "$cfg" ] || continue
    grep -o -i -E 'value="https?://[^/":]+' "$cfg" | sed -E 's#.*://##'
  done
  echo api.nuget.org
}
add_hosts=()
while read -r host; do
  ip="$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }')"
  if [ -n "$ip" ]; then add_hosts+=(--add-host "$host:$ip"); fi
done < <(nuget_hosts | sort -u)
build_log="$(mktemp "${TMPDIR:-/tmp}/container-build.XXXXXX")"
log "podman build --pull=never ${add_hosts[*]} -t $image ."
old_image_id="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
t0=$SECONDS
if ! podman build --pull=never "${add_hosts[@]}" -t "$image" -f Dockerfile . >"$build_log" 2>&1; then
  tail -40 "$build_log" >&2
  rm -f "$build_log"
  die "podman build failed (log above)"
fi
build_s=$((SECONDS - t0))
grep -E '^\[[0-9]/[0-9]\] STEP|Restored |-> /app' "$build_log" | sed 's/^/  /' || true
rm -f "$build_log"
new_image_id="$(podman image inspect --format '{{.Id}}' "$image")"
if [ -n "$old_image_id" ] && [ "$old_image_id" != "$new_image_id" ]; then
  podman image rm "$old_image_id" >/dev/null 2>&1 || true  # the previous kestrelupper:ci, unless in use
fi
log "built $image in $build_s s"

# --- 3. run -----------------------------------------------------------------------------------------
# Free loopback ports: P free for both TCP and UDP (the service uses 12000 for both), H for HTTP.
read -r port http_port < <(python3 - <<'EOF'
import socket

def free(kinds, avoid=()):
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port in avoid:
            continue
        try:
            for kind in kinds:
                t = socket.socket(socket.AF_INET, kind)
                t.bind(("127.0.0.1", port))
                t.close()
            return port
        except OSError:
            continue

p = free((socket.SOCK_STREAM, socket.SOCK_DGRAM))
h = free((socket.SOCK_STREAM,), avoid=(p,))
print(p, h)
EOF
)

bg_pids=()
cleanup() {
  local status=$?
  for pid in "${bg_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  podman rm -f -t 0 "$container" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT INT TERM

t_run=$SECONDS
log "podman run -d --name $container -p 127.0.0.1:$port:12000/tcp -p 127.0.0.1:$port:12000/udp -p 127.0.0.1:$http_port:8080 $image"
podman run -d --name "$container" \
  -e "Upper__Shutdown__Timeout=$(printf '00:00:%02d' "$shutdown_timeout_s")" \
  -p "127.0.0.1:$port:12000/tcp" -p "127.0.0.1:$port:12000/udp" -p "127.0.0.1:$http_port:8080" \
  "$image" >/dev/null || die "podman run failed"

failures=()
pass() { log "ok   $*"; }
fail() { log "FAIL $*"; failures+=("$*"); }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$http_port$1" || true; }

# Ready within 60 s (or the container died).
ready=false
for _ in $(seq 1 120); do
  state="$(podman inspect --format '{{.State.Status}}' "$container" 2>/dev/null || echo gone)"
  if [ "$state" != running ]; then
    podman logs "$container" 2>&1 | tail -20 >&2 || true
    die "container is $state before it became ready (logs above)"
  fi
  if [ "$(http_code /readyz)" = 200 ]; then ready=true; break; fi
  sleep 0.5
done
$ready || { podman logs "$container" 2>&1 | tail -20 >&2; die "/readyz did not answer 200 within 60 s"; }
log "ready after $((SECONDS - t_run)) s"

# --- 4. checks --------------------------------------------------------------------------------------
# Image configuration.
cfg="$(podman image inspect --format '{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.ExposedPorts}}|{{.Config.WorkingDir}}' "$image")"
IFS='|' read -r img_user img_entry img_ports img_workdir <<<"$cfg"
if [ "$img_user" = 1654 ] || [ "$img_user" = app ]; then pass "image USER is $img_user"; else fail "image USER is '$img_user', not 1654/app"; fi
if [ "$img_entry" = '["dotnet","KestrelUpper.dll"]' ]; then pass "ENTRYPOINT $img_entry"; else fail "ENTRYPOINT is $img_entry"; fi
for p in 12000/tcp 12000/udp 8080/tcp; do
  case "$img_ports" in *"\"$p\""*) ;; *) fail "image does not EXPOSE $p ($img_ports)" ;; esac
done
[ "$img_workdir" = /app ] || fail "WORKDIR is '$img_workdir', not /app"

# HTTP endpoints.
for path in /readyz /livez /status; do
  code="$(http_code "$path")"
  if [ "$code" = 200 ]; then pass "GET $path -> 200"; else fail "GET $path -> $code (expected 200)"; fi
done
# /metrics: a 404 only means this build of the service does not serve it (yet); anything else but 200 fails.
code="$(http_code /metrics)"
case "$code" in
  200) pass "GET /metrics -> 200" ;;
  404) log "note GET /metrics -> 404: this build of the service does not serve /metrics (not a failure here)" ;;
  *) fail "GET /metrics -> $code (expected 200)" ;;
esac

# TCP through the published port.
reply="$(printf 'hello' | timeout 15 nc -N -w 5 127.0.0.1 "$port" 2>&1 || true)"
if [ "$reply" = HELLO ]; then pass "TCP 127.0.0.1:$port 'hello' -> '$reply'"; else fail "TCP 127.0.0.1:$port 'hello' -> '$reply' (expected HELLO)"; fi

# UDP through the published port (a datagram may be lost: up to 3 tries).
reply=""
for _ in 1 2 3; do
  reply="$(printf 'hello udp' | timeout 10 nc -u -w 2 127.0.0.1 "$port" 2>&1 || true)"
  if [ "$reply" = "HELLO UDP" ]; then break; fi
done
if [ "$reply" = "HELLO UDP" ]; then pass "UDP 127.0.0.1:$port 'hello udp' -> '$reply'"; else fail "UDP 127.0.0.1:$port 'hello udp' -> '$reply' (expected HELLO UDP)"; fi

# The service process runs as uid/gid 1654 (read on the host: works without a shell in the image).
pid="$(podman inspect --format '{{.State.Pid}}' "$container")"
uids="$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null || true)"
gids="$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null || true)"
comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
if [ "$uids" = "1654 1654 1654 1654" ] && [ "$gids" = "1654 1654 1654 1654" ]; then
  pass "process $pid ($comm) runs as uid 1654 gid 1654"
else
  fail "process $pid ($comm) runs as uid '$uids' gid '$gids', not 1654"
fi

# JSON logs: every line one JSON object; at start-up the Started event and no warnings or errors,
# after SIGTERM the Draining event.
check_logs() {  # check_logs startup|stopped  (podman logs on stdin)
  python3 -c '
import json, sys
phase = sys.argv[1]
lines = [l for l in sys.stdin.read().splitlines() if l.strip()]
bad, events, noisy = [], set(), []
for l in lines:
    try:
        o = json.loads(l)
    except ValueError:
        bad.append(l); continue
    if not isinstance(o, dict):
        bad.append(l); continue
    events.add((o.get("EventId") or {}).get("Name"))  # compact JSON: properties beside @t, @m
    if o.get("@l") in ("Warning", "Error", "Fatal"):  # @l is absent at Information
        noisy.append(l)
problems = []
if not lines: problems.append("no log lines")
if bad: problems.append("%d line(s) are not JSON objects, e.g. %r" % (len(bad), bad[0][:200]))
want = "Started" if phase == "startup" else "Draining"
if lines and want not in events: problems.append("no line with EventId.Name == %s" % want)
if phase == "startup" and noisy: problems.append("%d warning/error line(s) at start-up, e.g. %s" % (len(noisy), noisy[0][:300]))
print("; ".join(problems) if problems else "%d JSON lines, %s event present%s" % (len(lines), want, ", no warnings" if phase == "startup" else ""))
sys.exit(1 if problems else 0)
' "$1"
}
if log_report="$(podman logs "$container" 2>&1 | check_logs startup)"; then pass "logs at start-up: $log_report"; else fail "logs at start-up: $log_report"; fi

# SIGTERM: podman stop sends SIGTERM and waits up to $stop_grace_s s before SIGKILL. An idle TCP
# connection is held open so that the drain has something to do.
idle_out="$(mktemp "${TMPDIR:-/tmp}/container-idle.XXXXXX")"
nc -d 127.0.0.1 "$port" >"$idle_out" 2>&1 &
bg_pids+=($!)
sleep 1
t_stop=$(date +%s%N)
podman stop -t "$stop_grace_s" "$container" >/dev/null || fail "podman stop failed"
stop_ms=$((($(date +%s%N) - t_stop) / 1000000))
exit_code="$(podman inspect --format '{{.State.ExitCode}}' "$container")"
limit_ms=$(((shutdown_timeout_s + stop_margin_s) * 1000))
stop_s="$(awk -v ms="$stop_ms" 'BEGIN { printf "%.1f", ms / 1000 }')"
if [ "$exit_code" = 0 ]; then pass "SIGTERM: exit code 0"; else fail "SIGTERM: exit code $exit_code (expected 0; 137 means it was SIGKILLed)"; fi
if [ "$stop_ms" -lt "$limit_ms" ]; then
  pass "SIGTERM: stopped in $stop_s s (< Shutdown timeout ${shutdown_timeout_s} s + ${stop_margin_s} s margin)"
else
  fail "SIGTERM: stop took $stop_s s (limit: Shutdown timeout ${shutdown_timeout_s} s + ${stop_margin_s} s margin)"
fi
# conmon may still be writing the last lines when podman stop returns: give the log a moment.
for _ in $(seq 1 10); do
  if log_report="$(podman logs "$container" 2>&1 | check_logs stopped)"; then break; fi
  sleep 0.5
done
if [ -n "$log_report" ] && podman logs "$container" 2>&1 | check_logs stopped >/dev/null; then
  pass "logs after SIGTERM: $log_report"
else
  fail "logs after SIGTERM: $log_report"
fi
rm -f "$idle_out"

# --- 5. size and verdict ----------------------------------------------------------------------------
size_bytes="$(podman image inspect --format '{{.Size}}' "$image")"
size_mb="$(awk -v b="$size_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"
if podman image inspect --format '{{index .Labels "io.kestrelupper.standin"}}' mcr.microsoft.com/dotnet/aspnet:10.0 2>/dev/null | grep -q stand-in; then
  base_note="on the local stand-in of mcr.microsoft.com/dotnet/aspnet:10.0 (Debian bookworm), not the real Ubuntu-based one"
else
  base_note="on mcr.microsoft.com/dotnet/aspnet:10.0"
fi
log "timings: base images $base_s s, build $build_s s, whole smoke $((SECONDS - total_start)) s"
echo "image size: $size_mb MB ($size_bytes bytes, $image $base_note)"
if [ "${#failures[@]}" -gt 0 ]; then
  for f in "${failures[@]}"; do echo "FAILED: $f" >&2; done
  die "${#failures[@]} check(s) failed"
fi
log "all checks passed"
