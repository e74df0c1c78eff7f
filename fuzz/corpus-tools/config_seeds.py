#!/usr/bin/env python3
"""Seeds for the config target (fuzz/KestrelUpper.Fuzz/Hosting/ConfigTarget.cs): each entry is a key byte (an index
into the sorted real Upper:* keys, or >= their count for junk keys) and a value byte (an index into the target's
list of telling values, or >= its length for that many raw bytes). One seed per key with a few values, and a few
whole valid configurations, so afl starts from inputs that reach every option's binding and validation."""
import sys

from seedfiles import write_all

KEYS = 64        # more than the real keys: the rest take the junk-key paths
VALUES = 61      # the length of the target's list of telling values (ConfigTarget.Values)


def seeds():
    yield "defaults", []
    for key in range(KEYS):
        yield f"key{key:02d}", [key, 3, (key + 1) % KEYS, 5, (key + 2) % KEYS, 28]  # "0", "-1", "00:00:01"
    for value in range(VALUES):
        yield f"value{value:02d}", [value % KEYS, value]
    yield "raw-values", [1, VALUES + 5] + list(b"ascii") + [0, VALUES + 9] + list(b"127.0.0.1")
    yield "junk-keys", [200, 3] + list(b"Tcp") + [1, 4, 201, 2] + list(b"xy") + [7]


if __name__ == "__main__":
    write_all(sys.argv[1], "config", seeds())
