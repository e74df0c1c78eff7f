#!/usr/bin/env python3
"""Seeds for the config target (fuzz/KestrelUpper.Fuzz/Hosting/ConfigTarget.cs): each entry is a key byte (an index
into the sorted real Upper:* keys, or >= their count for junk keys) and a value byte (an index into the target's
list of telling values, or >= its length for that many raw bytes). One seed per key with a few values, and a few
whole valid configurations, so afl starts from inputs that reach every option's binding and validation."""
import os
import sys

KEYS = 64        # more than the real keys: the rest take the junk-key paths
VALUES = 62      # the target's list of telling values


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(data))


def main(out):
    os.makedirs(out, exist_ok=True)
    write(out, "defaults", [])
    for key in range(KEYS):
        write(out, f"key{key:02d}", [key, 3, key, 5, key, 28])  # "0", "-1"... then "00:00:01"-like values
    for value in range(VALUES):
        write(out, f"value{value:02d}", [value % KEYS, value])
    write(out, "raw-values", [1, VALUES + 5] + list(b"ascii") + [0, VALUES + 9] + list(b"127.0.0.1"))
    write(out, "junk-keys", [200, 3] + list(b"Tcp") + [1, 4, 201, 2] + list(b"xy") + [7])


if __name__ == "__main__":
    main(sys.argv[1])
