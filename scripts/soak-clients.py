#!/usr/bin/env python3
"""soak-clients.py - the hand-written workloads of scripts/soak.sh (python3 stdlib only).

Every subcommand talks to 127.0.0.1 (or the --host given, which soak.sh always sets to 127.0.0.1), is
bounded in time (--duration) and rate (--rate), and writes one JSON object to --out when it ends:

  oneshot    the textbook client in a loop: connect, send one message (no newline), read the reply,
             close. Every other connection half-closes instead and reads to EOF, so a stray extra byte
             or a missing close is caught too. Each reply is checked byte for byte against str.upper().
  resets     connect, send a burst, read a little of the reply (checked), then close with RST
             (SO_LINGER 0) while the server still has bytes to send. "Failure" is the point here.
  nonreader  one connection that writes lowercase bytes without ever reading: it must stall (TCP flow
             control reaching the client). Reports the bytes it pushed and when it stalled. If the
             server closes it (idle timeout), it reconnects and records that too.
  rss        samples VmRSS of --pid every --interval seconds until SIGTERM or the process is gone.
  report     builds the markdown table and the verdict from the files in --dir (see soak.sh).
"""
import argparse
import errno
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

# Letters whose upper case is the same in every Unicode version Python and the service know, plus a few
# that change length (ß -> SS, ﬁ -> FI) so the reply is not the request's size.
ALPHABET = list("abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?-_/") + ["ß", "é", "ω", "ж", "ﬁ", "ü", "ç"]


STOP = []  # set by SIGTERM: the workloads stop early and still write their result


def on_sigterm(*_):
    STOP.append(1)


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


class Pacer:
    """At most `rate` iterations per second (0 = unpaced), for at most `duration` seconds."""

    def __init__(self, duration, rate):
        self.start = time.monotonic()
        self.deadline = self.start + duration
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next = self.start

    def wait(self):
        """False once the duration is over; otherwise sleeps until the next slot and returns True."""
        now = time.monotonic()
        if now >= self.deadline or STOP:
            return False
        if self.next > now:
            time.sleep(min(self.next - now, self.deadline - now))
            if time.monotonic() >= self.deadline:
                return False
        # Do not bank credit after a slow iteration: a stalled server must not cause a burst afterwards.
        self.next = max(self.next, time.monotonic() - self.interval) + self.interval
        return True


def recv_exact(sock, n):
    """Reads exactly n bytes; returns fewer only if the peer closed first."""
    chunks = []
    got = 0
    while got < n:
        b = sock.recv(min(65536, n - got))
        if not b:
            break
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def classify(exc):
    if isinstance(exc, socket.timeout):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError):
        return "reset"
    if isinstance(exc, BrokenPipeError):
        return "broken_pipe"
    if isinstance(exc, OSError):
        return errno.errorcode.get(exc.errno, "oserror") if exc.errno else "oserror"
    return type(exc).__name__


# ---------------------------------------------------------------------------------------------- oneshot
def cmd_oneshot(a):
    rng = random.Random(a.seed)
    pacer = Pacer(a.duration, a.rate)
    done = errors = mismatches = half_closed = 0
    bytes_sent = bytes_received = 0
    kinds = {}
    samples = []  # the first few failures, for the log
    i = 0
    while pacer.wait():
        i += 1
        length = rng.choice((1, 2, 5, 17, 64, 200, 1000, 1500, 4000))
        text = "".join(rng.choice(ALPHABET) for _ in range(length))
        request = text.encode("utf-8")
        expected = text.upper().encode("utf-8")
        half_close = (i % 2 == 0)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(a.timeout)
        try:
            s.connect((a.host, a.port))
            s.sendall(request)
            bytes_sent += len(request)
            if half_close:
                s.shutdown(socket.SHUT_WR)
                reply = b""
                while True:  # to EOF: exactly the expected bytes, then the server's close
                    b = s.recv(65536)
                    if not b:
                        break
                    reply += b
                    if len(reply) > len(expected) + 65536:
                        break
            else:
                reply = recv_exact(s, len(expected))
            bytes_received += len(reply)
            if reply == expected:
                done += 1
                half_closed += half_close
            elif len(reply) < len(expected) and expected.startswith(reply):
                errors += 1  # closed early: a connection failure, not wrong bytes
                kinds["short_reply"] = kinds.get("short_reply", 0) + 1
                if len(samples) < 5:
                    samples.append(f"#{i}: short reply {len(reply)}/{len(expected)} bytes")
            else:
                mismatches += 1
                if len(samples) < 5:
                    samples.append(f"#{i}: mismatch: sent {request[:60]!r} got {reply[:60]!r} ({len(reply)} B, want {len(expected)} B)")
        except Exception as e:  # noqa: BLE001 - every failure is counted, none may stop the loop
            errors += 1
            k = classify(e)
            kinds[k] = kinds.get(k, 0) + 1
            if len(samples) < 5:
                samples.append(f"#{i}: {k}: {e}")
        finally:
            s.close()
    elapsed = time.monotonic() - pacer.start
    write_json(a.out, {
        "workload": "oneshot", "connections": done + errors + mismatches, "ok": done, "halfClosed": half_closed,
        "errors": errors, "mismatches": mismatches, "errorKinds": kinds, "samples": samples,
        "bytesSent": bytes_sent, "bytesReceived": bytes_received, "seconds": round(elapsed, 3),
        "perSecond": round((done + errors + mismatches) / elapsed, 1) if elapsed > 0 else 0,
    })
    return 0


# ----------------------------------------------------------------------------------------------- resets
def cmd_resets(a):
    rng = random.Random(a.seed)
    pacer = Pacer(a.duration, a.rate)
    resets = connect_errors = other_errors = mismatches = 0
    bytes_sent = bytes_checked = 0
    kinds = {}
    samples = []
    i = 0
    linger_rst = struct.pack("ii", 1, 0)
    while pacer.wait():
        i += 1
        burst = rng.choice((1024, 16384, 65536, 262144, 1048576))
        peek = min(burst, rng.choice((0, 1, 512, 4096)))
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(a.timeout)
        try:
            s.connect((a.host, a.port))
        except Exception as e:  # noqa: BLE001
            connect_errors += 1
            k = classify(e)
            kinds[k] = kinds.get(k, 0) + 1
            if len(samples) < 5:
                samples.append(f"#{i}: connect: {k}: {e}")
            s.close()
            continue
        try:
            payload = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(256)) * (burst // 256)
            if peek:
                # The head of the reply must be right even on a connection about to be reset.
                s.sendall(payload[:peek])
                bytes_sent += peek
                got = recv_exact(s, peek)
                bytes_checked += len(got)
                if got != payload[:peek].upper()[:len(got)]:
                    mismatches += 1
                    if len(samples) < 5:
                        samples.append(f"#{i}: mismatch in the reply head: {got[:40]!r}")
                payload = payload[peek:]
            # The rest goes without waiting: the server is mid-reply when the RST arrives. A burst that does
            # not fit (the client is not reading) stops early: non-blocking, take what the socket accepts.
            s.setblocking(False)
            view = memoryview(payload)
            while view:
                try:
                    n = s.send(view)
                except BlockingIOError:
                    break
                bytes_sent += n
                view = view[n:]
        except Exception as e:  # noqa: BLE001
            other_errors += 1
            k = classify(e)
            kinds[k] = kinds.get(k, 0) + 1
            if len(samples) < 5:
                samples.append(f"#{i}: {k}: {e}")
        finally:
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_rst)
            except OSError:
                pass
            s.close()  # SO_LINGER 0: RST instead of FIN
            resets += 1
    elapsed = time.monotonic() - pacer.start
    write_json(a.out, {
        "workload": "resets", "connections": resets, "connectErrors": connect_errors, "otherErrors": other_errors,
        "mismatches": mismatches, "errorKinds": kinds, "samples": samples, "bytesSent": bytes_sent,
        "replyBytesChecked": bytes_checked, "seconds": round(elapsed, 3),
        "perSecond": round(resets / elapsed, 1) if elapsed > 0 else 0,
    })
    return 0


# -------------------------------------------------------------------------------------------- nonreader
def cmd_nonreader(a):
    # A short run still has to be able to see a stall.
    a.stall_seconds = min(a.stall_seconds, a.duration / 3)
    chunk = (b"the quick brown fox jumps over the lazy dog " * 1490)[:65536]
    start = time.monotonic()
    deadline = start + a.duration
    conns = []  # one entry per connection made
    s = None
    cur = None
    while time.monotonic() < deadline and not STOP:
        if s is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(a.timeout)
            t0 = time.monotonic()
            try:
                s.connect((a.host, a.port))
            except OSError as e:
                conns.append({"opened": round(t0 - start, 3), "bytes": 0, "end": "connect failed: " + classify(e)})
                s.close()
                s = None
                time.sleep(1)
                continue
            s.setblocking(False)
            cur = {"opened": round(t0 - start, 3), "bytes": 0, "lastProgress": t0, "t0": t0}
            conns.append(cur)
        remaining = deadline - time.monotonic()
        try:
            _, writable, _ = select.select([], [s], [], max(0.0, min(0.5, remaining)))
            if not writable:
                continue
            n = s.send(chunk)
            if n > 0:
                cur["bytes"] += n
                cur["lastProgress"] = time.monotonic()
            if cur["bytes"] >= a.max_bytes:
                cur["end"] = f"reached --max-bytes {a.max_bytes}: no backpressure"
                break
        except BlockingIOError:
            continue
        except OSError as e:
            # The server gave up on us (idle timeout while stalled, or shutdown): note it, start again.
            now = time.monotonic()
            cur["end"] = f"closed by server ({classify(e)}) {now - cur['t0']:.1f} s after open, " \
                         f"{now - cur['lastProgress']:.1f} s after the last byte went"
            cur["stalledBeforeEnd"] = now - cur["lastProgress"] >= a.stall_seconds
            s.close()
            s = None
    now = time.monotonic()
    if s is not None:
        if "end" not in cur:
            cur["end"] = "open at the end"
        cur["stalledBeforeEnd"] = now - cur["lastProgress"] >= a.stall_seconds
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    for c in conns:
        if "t0" in c:
            c["stalledAfterSeconds"] = round(c.pop("lastProgress") - c.pop("t0"), 3)
    made = [c for c in conns if "stalledAfterSeconds" in c]
    stalled = bool(made) and all(c.get("stalledBeforeEnd") for c in made)
    write_json(a.out, {
        "workload": "nonreader", "connections": len(made), "bytesPushed": sum(c["bytes"] for c in made),
        "maxBytesOneConnection": max((c["bytes"] for c in made), default=0), "stalled": stalled,
        "stallSeconds": a.stall_seconds, "detail": conns, "seconds": round(now - start, 3),
    })
    return 0


# -------------------------------------------------------------------------------------------------- rss
def read_rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cmd_rss(a):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    start = time.monotonic()
    with open(a.out, "w") as f:
        while not stop:
            kb = read_rss_kb(a.pid)
            if kb is None:
                break
            f.write(f"{time.monotonic() - start:.1f} {kb}\n")
            f.flush()
            time.sleep(a.interval)
    return 0


# ----------------------------------------------------------------------------------------------- report
def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_bench(path):
    """The bench prints exactly one JSON object on stdout; anything else means it did not finish."""
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    return json.loads(line)
    except (OSError, ValueError):
        pass
    return None


def fmt(n):
    return f"{n:,}" if isinstance(n, int) else (f"{n:,.1f}" if isinstance(n, float) else str(n))


def cmd_report(a):
    d = a.dir
    meta = load(os.path.join(d, "meta.json")) or {}
    failures = []
    rows = []

    for name, label in (("bench-tcp-rr", "(a) TCP request/response 8 conn x 1, 64 B"),
                        ("bench-tcp-stream", "(b) TCP streaming 2 conn x 4, 64 KiB"),
                        ("bench-udp", "(d) UDP 4 sockets, 5000/s")):
        r = load_bench(os.path.join(d, name + ".out"))
        rc = meta.get("rc", {}).get(name, "?")
        if r is None:
            rows.append((label, "no result", "-", "-", f"exit {rc}; see {name}.err"))
            failures.append(f"{label}: no JSON result (exit {rc})")
            continue
        unit = "datagrams" if r.get("protocol") == "udp" else "messages"
        note = f"{fmt(r['messagesPerSecond'])}/s, p99 {fmt(r['p99Microseconds'])} µs, max {fmt(r['maxMicroseconds'])} µs"
        if r.get("protocol") == "tcp":
            note += f", {r['megabytesPerSecond']:.1f} MB/s"
        rows.append((label, f"{fmt(r['messages'])} {unit}", fmt(r["errors"]), fmt(r["mismatches"]), note))
        if r["errors"] or r["mismatches"] or rc != 0:
            failures.append(f"{label}: errors={r['errors']} mismatches={r['mismatches']} exit={rc}")

    o = load(os.path.join(d, "oneshot.json"))
    if o is None:
        rows.append(("(c) TCP one-shot (textbook client)", "no result", "-", "-", ""))
        failures.append("one-shot: no result")
    else:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(o["errorKinds"].items()))
        note = f"{fmt(o['perSecond'])}/s; {fmt(o['halfClosed'])} of them half-closed and read to EOF" + (f"; {kinds}" if kinds else "")
        rows.append(("(c) TCP one-shot (textbook client)", f"{fmt(o['connections'])} connections", fmt(o["errors"]), fmt(o["mismatches"]), note))
        if o["errors"] or o["mismatches"] or o["connections"] == 0:
            failures.append(f"one-shot: errors={o['errors']} mismatches={o['mismatches']} connections={o['connections']}")

    r = load(os.path.join(d, "resets.json"))
    if r is None:
        rows.append(("(e) resets (RST mid-stream), by design", "no result", "-", "-", ""))
        failures.append("resets: no result")
    else:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["errorKinds"].items()))
        note = (f"{fmt(r['perSecond'])}/s, {r['bytesSent'] / 1e6:.1f} MB sent; not gating: connect errors "
                f"{r['connectErrors']}, send errors {r['otherErrors']}" + (f" ({kinds})" if kinds else ""))
        rows.append(("(e) resets (RST mid-stream), by design", f"{fmt(r['connections'])} connections reset", "(expected)", fmt(r["mismatches"]), note))
        if r["mismatches"]:
            failures.append(f"resets: {r['mismatches']} reply heads were wrong")
        if r["connections"] == 0:
            failures.append("resets: no connection was made")

    n = load(os.path.join(d, "nonreader.json"))
    if n is None:
        rows.append(("(f) non-reader, by design", "no result", "-", "-", ""))
        failures.append("non-reader: no result")
    else:
        made = [c for c in n["detail"] if "stalledAfterSeconds" in c]
        by_server = [c for c in made if str(c.get("end", "")).startswith("closed by server")]
        stall = ", ".join(f"{c['stalledAfterSeconds']} s" for c in made[:3]) + (", ..." if len(made) > 3 else "")
        note = (f"{'stalled' if n['stalled'] else 'DID NOT STALL'}: last byte accepted {stall} after connect; "
                f"{len(made)} connection(s), most in one {n['maxBytesOneConnection'] / 1048576:.1f} MiB")
        if by_server:
            note += (f"; {len(by_server)} closed by the server while stalled (idle timeout, or the server went away), e.g. "
                     f"{by_server[0]['end'].removeprefix('closed by server ')}")
        odd = [c["end"] for c in n["detail"] if c not in made or not (c in by_server or c.get("end") == "open at the end")]
        if odd:
            note += "; " + "; ".join(odd[:3])
        rows.append(("(f) non-reader, by design", f"{n['bytesPushed'] / 1048576:.1f} MiB pushed", "(expected)", "-", note))
        if not n["stalled"]:
            failures.append("non-reader: did not stall (no backpressure?)")

    out = []
    out.append(f"### Soak: {meta.get('duration', '?')} s against {meta.get('endpoints', '?')}\n")
    out.append("| workload | done | errors | mismatches | notes |")
    out.append("|---|---:|---:|---:|---|")
    for row in rows:
        out.append("| " + " | ".join(row) + " |")

    # the server side
    samples = []
    try:
        with open(os.path.join(d, "rss.txt")) as f:
            samples = [int(line.split()[1]) for line in f if line.strip()]
    except OSError:
        pass
    rss_start = meta.get("rssStartKb")
    rss_end = meta.get("rssEndKb")
    peak = max(samples + [x for x in (rss_start, rss_end) if x]) if (samples or rss_start) else None
    mb = lambda kb: f"{kb / 1024:.1f}" if kb else "?"  # noqa: E731
    st = load(os.path.join(d, "status-end.json")) or {}
    tcp, udp = st.get("tcp", {}), st.get("udp", {})
    out.append("")
    out.append("| server (MB = 2^20 bytes) | value |")
    out.append("|---|---:|")
    out.append(f"| RSS start / peak / end (MB) | {mb(rss_start)} / {mb(peak)} / {mb(rss_end)} ({len(samples)} samples, 1/s) |")
    for k in ("totalConnections", "activeConnections", "bytesReceived", "bytesSent", "rejectedConnections", "invalidBytes"):
        out.append(f"| /status tcp.{k} | {fmt(tcp.get(k, '?'))} |")
    for k in ("datagramsReceived", "datagramsSent", "dropped", "bytesReceived", "bytesSent"):
        out.append(f"| /status udp.{k} | {fmt(udp.get(k, '?'))} |")
    leaked = meta.get("activeAfterClients")
    out.append(f"| TCP connections still open once every client finished (waited up to 10 s) | {leaked} |")
    out.append(f"| log lines at Warning / Error / Fatal | {meta.get('logWarnings', '?')} / {meta.get('logErrors', '?')} / {meta.get('logFatals', '?')} |")
    out.append(f"| service exit code after SIGTERM | {meta.get('serviceExit', '?')} |")

    if meta.get("crashed"):
        failures.append(f"service died during the soak: {meta.get('crashed')}")
    if meta.get("serviceExit") != 0:
        failures.append(f"service exit code after SIGTERM: {meta.get('serviceExit')}")
    if leaked != 0 and not meta.get("crashed"):
        failures.append(f"{leaked} TCP connections still open after every client finished")
    if meta.get("logErrors") or meta.get("logFatals"):
        failures.append(f"service logged {meta.get('logErrors')} Error and {meta.get('logFatals')} Fatal lines")
    if tcp.get("rejectedConnections"):
        failures.append(f"server rejected {tcp['rejectedConnections']} TCP connections")

    out.append("")
    if failures:
        out.append("**FAIL**")
        out.extend(f"- {f}" for f in failures)
    else:
        out.append("**PASS**: no errors or mismatches in the verified workloads, the non-reader stalled, "
                   "no leaked connections, clean exit")
    print("\n".join(out))
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp, rate):
        sp.add_argument("--host", default="127.0.0.1")
        sp.add_argument("--port", type=int, required=True)
        sp.add_argument("--duration", type=float, required=True)
        sp.add_argument("--rate", type=float, default=rate, help="iterations per second at most (0 = unpaced)")
        sp.add_argument("--timeout", type=float, default=10.0, help="per-socket-operation timeout, seconds")
        sp.add_argument("--seed", type=int, default=12000)
        sp.add_argument("--out", required=True)

    common(sub.add_parser("oneshot"), 200)
    common(sub.add_parser("resets"), 50)
    nr = sub.add_parser("nonreader")
    common(nr, 0)
    nr.add_argument("--stall-seconds", type=float, default=5.0, help="no progress for this long = stalled")
    nr.add_argument("--max-bytes", type=int, default=1 << 30, help="give up (and fail) past this many bytes")
    rs = sub.add_parser("rss")
    rs.add_argument("--pid", type=int, required=True)
    rs.add_argument("--interval", type=float, default=1.0)
    rs.add_argument("--out", required=True)
    rp = sub.add_parser("report")
    rp.add_argument("--dir", required=True)
    a = p.parse_args()
    if a.cmd in ("oneshot", "resets", "nonreader"):
        signal.signal(signal.SIGTERM, on_sigterm)
    host = getattr(a, "host", "127.0.0.1")
    if host != "localhost" and not host.startswith("127."):
        p.error("loopback only: --host must be a 127.0.0.0/8 address or localhost")
    return {"oneshot": cmd_oneshot, "resets": cmd_resets, "nonreader": cmd_nonreader,
            "rss": cmd_rss, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
