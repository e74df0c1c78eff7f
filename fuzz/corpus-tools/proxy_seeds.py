#!/usr/bin/env python3
"""Hand-written seeds for the proxy target beside the HAProxy captures (haproxy_capture.sh): the header forms HAProxy
does not send in our setup (LOCAL, UNSPEC, UDP, Unix, v1 UNKNOWN, the longest v1 line, embedded IPv4, an empty
TLV, broken lengths), and inputs that are no header at all; the ordinary TCP4/TCP6 and TLV headers come from HAProxy. The target reads the whole input as the bytes a connection starts with.

usage: proxy_seeds.py OUTDIR
"""
import socket
import struct
import sys

from seedfiles import write_all

SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def v2(command, family, payload):
    return SIG + bytes([0x20 | command, family]) + struct.pack(">H", len(payload)) + payload


def tlv(kind, value):
    return bytes([kind]) + struct.pack(">H", len(value)) + value


def seeds():
    v4 = socket.inet_pton(socket.AF_INET, "192.0.2.1") + socket.inet_pton(socket.AF_INET, "198.51.100.2") + struct.pack(">HH", 56324, 443)
    v6 = socket.inet_pton(socket.AF_INET6, "2001:db8::1") + socket.inet_pton(socket.AF_INET6, "::1") + struct.pack(">HH", 1, 65535)
    yield "v1-tcp6-embedded-ipv4", b"PROXY TCP6 ::ffff:192.0.2.1 ::ffff:10.0.0.1 80 8080\r\n"
    yield "v1-unknown", b"PROXY UNKNOWN\r\n"
    yield "v1-unknown-longest", b"PROXY UNKNOWN " + b"x" * (107 - 16) + b"\r\n"
    yield "v1-no-crlf", b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"
    yield "v2-tcp6-empty-tlv", v2(1, 0x21, v6 + tlv(0x04, b""))
    yield "v2-local", v2(0, 0x00, b"")
    yield "v2-local-with-payload", v2(0, 0x11, v4)
    yield "v2-unspec", v2(1, 0x00, b"")
    yield "v2-udp4", v2(1, 0x12, v4)
    yield "v2-udp6", v2(1, 0x22, v6)
    yield "v2-unix-stream", v2(1, 0x31, b"/var/run/src".ljust(108, b"\0") + b"/var/run/dst".ljust(108, b"\0"))
    yield "v2-short-payload", v2(1, 0x11, v4[:8])
    yield "v2-tlv-overrun", v2(1, 0x11, v4 + b"\x01\x00\x10ab")
    yield "not-proxy", b"hello world\n"
    yield "not-proxy-pro", b"PRO"
    yield "signature-prefix", SIG[:7]


if __name__ == "__main__":
    write_all(sys.argv[1], "proxy", seeds())
