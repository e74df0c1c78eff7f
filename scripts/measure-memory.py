#!/usr/bin/env python3
"""measure-memory.py - the client side of scripts/measure-memory.sh (python3 stdlib only, loopback only).

  idle       baseline VmRSS of the service; then --count TCP connections, each sends one byte and reads
             its reply (so each is really being served), and stays open; waits until /status says
             tcp.activeConnections == --count; VmRSS then; closes them all and waits for 0 again.
  nonreader  baseline VmRSS; one connection writes up to --max-bytes without ever reading (non-blocking)
             until the socket stalls and /status tcp.bytesReceived has not grown for --quiet seconds;
             reports the bytes accepted and VmRSS (peak while writing, and at the stall).
  report     the markdown table and the verdict from the two JSON results.
  startup    starts the command after `--` --starts times on loopback (TCP and UDP on port 0, HTTP on a free
             port): the time from the process start to the first 200 on /readyz, VmRSS once idle, exit code
             after SIGTERM; prints a markdown table.
Each of idle and nonreader writes one JSON object to --out.
"""
import argparse
import http.client
import json
import os
import resource
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
import urllib.request

MB = 1024 * 1024
# How often start-up polls /readyz: fine enough for start-ups of tens of milliseconds, cheap enough not to
# slow the service it waits for.
READY_POLL_SECONDS = 0.01
READY_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 30


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def status(http_port):
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/status", timeout=5) as r:
        return json.load(r)


def wait_active(http_port, want, seconds):
    """Polls /status until tcp.activeConnections == want; returns (value, seconds waited)."""
    t0 = time.monotonic()
    v = None
    while time.monotonic() - t0 < seconds:
        try:
            v = status(http_port)["tcp"]["activeConnections"]
        except OSError:
            v = None
        if v == want:
            break
        time.sleep(0.2)
    return v, round(time.monotonic() - t0, 2)


def settled_rss(pid, seconds=3.0):
    """VmRSS after `seconds` of quiet, as the largest of one sample per second (no flattering low point)."""
    samples = []
    for _ in range(int(seconds)):
        time.sleep(1)
        samples.append(rss_kb(pid))
    return max(samples)


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = need if hard == resource.RLIM_INFINITY else min(max(soft, need), hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cmd_idle(a):
    nofile = raise_nofile(a.count + 256)
    if nofile < a.count + 64:
        print(f"measure-memory.py: only {nofile} descriptors allowed, {a.count} connections need more", file=sys.stderr)
        return 2
    baseline = rss_kb(a.pid)
    socks, errors, mismatches, kinds = [], 0, 0, {}
    t0 = time.monotonic()
    for i in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(("127.0.0.1", a.port))
            ch = bytes([ord("a") + i % 26])
            s.sendall(ch)
            reply = s.recv(16)
            if reply != ch.upper():
                mismatches += 1
            socks.append(s)
        except OSError as e:
            errors += 1
            k = type(e).__name__
            kinds[k] = kinds.get(k, 0) + 1
            s.close()
    opened_in = round(time.monotonic() - t0, 2)
    active, waited = wait_active(a.http, len(socks), 60)
    peak = settled_rss(a.pid)
    st = status(a.http)
    result = {
        "phase": "idle", "count": a.count, "open": len(socks), "errors": errors, "errorKinds": kinds,
        "mismatches": mismatches, "openedSeconds": opened_in, "activeConnections": active,
        "waitedForActiveSeconds": waited, "baselineKb": baseline, "withConnectionsKb": peak,
        "deltaKb": peak - baseline, "perConnectionBytes": round((peak - baseline) * 1024 / max(1, len(socks))),
        "statusTcp": st["tcp"], "clientNofile": nofile,
    }
    for s in socks:
        s.close()
    result["activeAfterClose"], result["drainedSeconds"] = wait_active(a.http, 0, 60)
    result["afterCloseKb"] = settled_rss(a.pid, 2)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    return 0


def cmd_nonreader(a):
    baseline = rss_kb(a.pid)
    peak = baseline
    chunk = (b"abcdefghijklmnopqrstuvwxyz " * 2428)[:65536]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(("127.0.0.1", a.port))
    s.setblocking(False)
    sent = 0
    t0 = time.monotonic()
    last_client_progress = t0
    last_rx, last_rx_change = -1, t0
    next_poll = t0
    end = "?"
    while True:
        now = time.monotonic()
        if now - t0 > a.timeout:
            end = f"gave up after {a.timeout} s"
            break
        if sent >= a.max_bytes:
            end = f"all {a.max_bytes} bytes accepted: NO BACKPRESSURE"
            break
        if now >= next_poll:
            next_poll = now + 0.25
            rx = status(a.http)["tcp"]["bytesReceived"]
            if rx != last_rx:
                last_rx, last_rx_change = rx, now
            peak = max(peak, rss_kb(a.pid))
            if now - last_client_progress >= a.quiet and now - last_rx_change >= a.quiet:
                end = f"stalled: no byte accepted and bytesReceived unchanged for {a.quiet} s"
                break
        _, w, _ = select.select([], [s], [], 0.1)
        if not w:
            continue
        try:
            n = s.send(chunk[: min(len(chunk), a.max_bytes - sent)])
        except BlockingIOError:
            continue
        sent += n
        last_client_progress = time.monotonic()
    stall_kb = settled_rss(a.pid, 2)
    peak = max(peak, stall_kb)
    st = status(a.http)
    info = s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    result = {
        "phase": "nonreader", "maxBytes": a.max_bytes, "clientBytesAccepted": sent, "end": end,
        "stalledAfterSeconds": round(last_client_progress - t0, 3),
        "serverBytesReceived": st["tcp"]["bytesReceived"], "serverBytesSent": st["tcp"]["bytesSent"],
        "baselineKb": baseline, "peakKb": peak, "atStallKb": stall_kb, "growthKb": peak - baseline,
        "clientSndbuf": info, "stalled": end.startswith("stalled"),
    }
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    result["activeAfterClose"], result["drainedSeconds"] = wait_active(a.http, 0, 30)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    return 0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(http_port):
    conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=1)
    try:
        conn.request("GET", "/readyz")
        return conn.getresponse().status == 200
    except OSError:
        return False  # not listening yet
    finally:
        conn.close()


def start_once(command, log_path):
    """One start: (ms to the first /readyz 200 or None, idle VmRSS kB, VmHWM kB, exit code after SIGTERM)."""
    port = free_port()
    env = dict(os.environ, Upper__Address="127.0.0.1", Upper__Tcp__Port="0", Upper__Udp__Port="0",
               Upper__Http__Port=str(port), Upper__Log__Format="Json")
    with open(log_path, "w") as log:
        t0 = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        ready_ms = None
        while time.monotonic() - t0 < READY_TIMEOUT_SECONDS and proc.poll() is None:
            if ready(port):
                ready_ms = round((time.monotonic() - t0) * 1000)
                break
            time.sleep(READY_POLL_SECONDS)
        idle_kb = hwm_kb = None
        if ready_ms is not None:
            idle_kb = settled_rss(proc.pid)
            hwm_kb = rss_kb(proc.pid, "VmHWM")
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = f"killed after {STOP_TIMEOUT_SECONDS} s"
    return ready_ms, idle_kb, hwm_kb, code


def cmd_startup(a):
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not command:
        print("measure-memory.py startup: no command after --", file=sys.stderr)
        return 2
    mb = lambda kb: "-" if kb is None else f"{kb / 1024:.1f}"  # noqa: E731
    out = ["| start | /readyz 200 after | idle RSS | peak RSS (VmHWM) | exit after SIGTERM |", "|---:|---:|---:|---:|---:|"]
    times, rss, failures = [], [], []
    for i in range(1, a.starts + 1):
        ready_ms, idle_kb, hwm_kb, code = start_once(command, os.path.join(a.log_dir, f"service-startup-{i}.log"))
        out.append(f"| {i} | {'-' if ready_ms is None else f'{ready_ms} ms'} | {mb(idle_kb)} MB | {mb(hwm_kb)} MB | {code} |")
        if ready_ms is None:
            failures.append(f"start {i}: no /readyz 200 within {READY_TIMEOUT_SECONDS} s")
        else:
            times.append(ready_ms)
            rss.append(idle_kb)
        if code != 0:
            failures.append(f"start {i}: exit code {code} after SIGTERM")
    if times:
        out.append(f"| median | {statistics.median(times):.0f} ms | {mb(statistics.median(rss))} MB | | |")
    out.append("")
    out.append("**FAIL**\n" + "\n".join(f"- {f}" for f in failures) if failures else f"command: `{' '.join(command)}`")
    print("\n".join(out))
    return 1 if failures else 0


def cmd_report(a):
    def load(p):
        try:
            with open(p) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None
    idle, nr = load(a.idle), load(a.nonreader)
    mb = lambda kb: f"{kb / 1024:.1f}"  # noqa: E731
    failures = []
    out = ["| measurement (MB = 2^20 bytes) | value | goal | result |", "|---|---:|---:|---|"]
    if idle is None:
        failures.append("idle connections: no result")
    else:
        ok_conn = idle["open"] == idle["count"] and idle["errors"] == 0 and idle["mismatches"] == 0 \
            and idle["activeConnections"] == idle["count"]
        ok_mem = idle["deltaKb"] < a.idle_goal_mb * 1024
        out.append(f"| (a) idle service RSS after /readyz 200 | {mb(idle['baselineKb'])} MB | | |")
        out.append(f"| (b) connections served (1 byte each, reply checked) / /status activeConnections | "
                   f"{idle['open']:,} / {idle['activeConnections']} | {idle['count']:,} | {'ok' if ok_conn else 'FAIL'} |")
        out.append(f"| (b) RSS with {idle['count']:,} idle connections | {mb(idle['withConnectionsKb'])} MB | | |")
        out.append(f"| (b) RSS delta ({idle['perConnectionBytes']:,} B per connection) | {mb(idle['deltaKb'])} MB | "
                   f"< {a.idle_goal_mb} MB | {'ok' if ok_mem else 'FAIL'} |")
        out.append(f"| (b) after they all closed: activeConnections, RSS | {idle['activeAfterClose']}, {mb(idle['afterCloseKb'])} MB | 0 | "
                   f"{'ok' if idle['activeAfterClose'] == 0 else 'FAIL'} |")
        if not ok_conn:
            failures.append(f"idle connections: {idle['open']} open, {idle['errors']} errors {idle['errorKinds']}, "
                            f"{idle['mismatches']} mismatches, activeConnections {idle['activeConnections']}")
        if not ok_mem:
            failures.append(f"idle connections: RSS delta {mb(idle['deltaKb'])} MB >= {a.idle_goal_mb} MB")
        if idle["activeAfterClose"] != 0:
            failures.append(f"idle connections: {idle['activeAfterClose']} still active after the clients closed")
    if nr is None:
        failures.append("non-reader: no result")
    else:
        ok_mem = nr["growthKb"] <= a.nonreader_goal_mb * 1024
        out.append(f"| (c) non-reader: fresh service RSS | {mb(nr['baselineKb'])} MB | | |")
        out.append(f"| (c) non-reader: bytes the client got in (of {nr['maxBytes'] // MB} MiB tried) | "
                   f"{nr['clientBytesAccepted'] / MB:.1f} MiB | stall | {'ok' if nr['stalled'] else 'FAIL'} |")
        out.append(f"| (c) non-reader: server bytesReceived / bytesSent | {nr['serverBytesReceived'] / MB:.1f} / "
                   f"{nr['serverBytesSent'] / MB:.1f} MiB | | |")
        out.append(f"| (c) non-reader: RSS peak / at the stall | {mb(nr['peakKb'])} / {mb(nr['atStallKb'])} MB | | |")
        out.append(f"| (c) non-reader: RSS growth | {mb(nr['growthKb'])} MB | <= {a.nonreader_goal_mb} MB | {'ok' if ok_mem else 'FAIL'} |")
        if not nr["stalled"]:
            failures.append(f"non-reader: {nr['end']}")
        if not ok_mem:
            failures.append(f"non-reader: RSS grew {mb(nr['growthKb'])} MB > {a.nonreader_goal_mb} MB")
        if nr["activeAfterClose"] != 0:
            failures.append(f"non-reader: connection still active after the client's RST ({nr['activeAfterClose']})")
    for label, code in (("idle-connections service", a.exit1), ("non-reader service", a.exit2)):
        out.append(f"| {label}: exit code after SIGTERM | {code} | 0 | {'ok' if code == '0' else 'FAIL'} |")
        if code != "0":
            failures.append(f"{label} exited {code} after SIGTERM")
    out.append("")
    out.append("**FAIL**\n" + "\n".join(f"- {f}" for f in failures) if failures else "**PASS**: every goal met")
    print("\n".join(out))
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("idle")
    n = sub.add_parser("nonreader")
    for sp in (i, n):
        sp.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
        sp.add_argument("--http", type=int, required=True, help="HTTP port on 127.0.0.1 (/status)")
        sp.add_argument("--pid", type=int, required=True, help="the service's pid (VmRSS)")
        sp.add_argument("--out", required=True)
    i.add_argument("--count", type=int, default=10000)
    n.add_argument("--max-bytes", type=int, default=256 * MB)
    n.add_argument("--quiet", type=float, default=2.0, help="seconds without progress that count as a stall")
    n.add_argument("--timeout", type=float, default=120.0)
    r = sub.add_parser("report")
    r.add_argument("--idle", required=True)
    r.add_argument("--nonreader", required=True)
    r.add_argument("--idle-goal-mb", type=float, default=150)
    r.add_argument("--nonreader-goal-mb", type=float, default=64)
    r.add_argument("--exit1", default="?")
    r.add_argument("--exit2", default="?")
    s = sub.add_parser("startup")
    s.add_argument("--starts", type=int, default=3)
    s.add_argument("--log-dir", default=".", help="where service-startup-N.log go")
    s.add_argument("command", nargs=argparse.REMAINDER, help="-- then the service's command line")
    a = p.parse_args()
    return {"idle": cmd_idle, "nonreader": cmd_nonreader, "report": cmd_report, "startup": cmd_startup}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
