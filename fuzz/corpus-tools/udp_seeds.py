#!/usr/bin/env python3
"""Seeds for the udp target (fuzz/KestrelUpper.Fuzz/Udp/UdpTarget.cs). Settings: flags (bit 0 Ascii, bit 1 a
blocked-port list follows, bit 2 an own port follows), MaxReplyBytes (2 bytes, big-endian), rate, burst - 1,
tracked sources - 1, then the optional lists. Each datagram: a header byte (low 4 bits: source 0-6 known addresses,
7-11 IPv4 from the next 4 bytes, 12-15 IPv6 from the next 16; bit 7 longer time steps), the source port (2 bytes), a
time step in ms, the length (2 bytes) and the bytes.

usage: udp_seeds.py OUTDIR
"""
import struct
import sys

from seedfiles import write_all


def settings(flags=0, max_reply=65507, rate=10, burst=3, tracked=7, blocked=None, own=None):
    data = bytes([flags | (2 if blocked is not None else 0) | (4 if own is not None else 0)]) + struct.pack(">H", max_reply) + bytes([rate, burst - 1, tracked - 1])
    if blocked is not None:
        data += bytes([len(blocked)]) + b"".join(struct.pack(">H", p) for p in blocked)
    if own is not None:
        data += struct.pack(">H", own)
    return data


def datagram(source, port, step_ms, payload, address=b""):
    return bytes([source]) + address + struct.pack(">H", port) + bytes([step_ms]) + struct.pack(">H", len(payload)) + payload


def seeds():
    hello = "hello wörld ß".encode()
    yield "one-datagram", settings() + datagram(0, 40000, 0, hello)
    yield "ascii-mode", settings(flags=1) + datagram(2, 40000, 0, b"mixed Case \xff\xfe")
    yield "blocked-default-port", settings() + datagram(0, 53, 0, b"dns?") + datagram(0, 40000, 0, b"ok")
    yield "blocked-list-and-own", settings(blocked=[9, 40000], own=12000) + datagram(0, 40000, 0, b"x") + datagram(0, 12000, 0, b"y") + datagram(0, 53, 0, b"z")
    yield "rate-limited-burst", settings(rate=1, burst=2) + b"".join(datagram(1, 40000, 0, b"abc") for _ in range(4)) + datagram(1, 40000, 255, b"later")
    yield "same-ipv6-64", settings(rate=1, burst=1) + datagram(3, 40000, 0, b"a") + datagram(4, 40001, 0, b"b")
    yield "mapped-ipv4-same-bucket", settings(rate=1, burst=1) + datagram(0, 40000, 0, b"a") + datagram(6, 40000, 0, b"b")
    yield "expansion-costs-tokens", settings(rate=1, burst=3) + datagram(0, 40000, 0, "ﬃﬃ".encode()) + datagram(0, 40000, 0, "ΐ".encode())
    yield "reply-too-large", settings(max_reply=4) + datagram(0, 40000, 0, b"12345") + datagram(0, 40000, 0, "ßß".encode())
    yield "max-reply-zero", settings(max_reply=0) + datagram(0, 40000, 0, b"") + datagram(0, 40000, 0, b"a")
    yield "rate-off", settings(rate=0) + b"".join(datagram(0, 40000, 0, b"q") for _ in range(5))
    yield "raw-addresses", settings(tracked=1) + datagram(7, 40000, 1, b"v4", b"\x0a\x00\x00\x01") + datagram(12, 40000, 1, b"v6", bytes(range(16))) + datagram(8, 40000, 1, b"v4b", b"\xc0\x00\x02\x09")
    yield "invalid-utf8", settings() + datagram(5, 40000, 0, b"\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80abc\xe2\x82")
    yield "long-steps", settings(rate=2, burst=1) + datagram(0x80, 40000, 255, b"a") + datagram(0x80, 40000, 255, b"b")


if __name__ == "__main__":
    write_all(sys.argv[1], "udp", seeds())
