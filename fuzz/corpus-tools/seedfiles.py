"""Writes generated seeds, (name, bytes) pairs, as files named PREFIX-name into a directory."""
import os


def write_all(out, prefix, seeds):
    os.makedirs(out, exist_ok=True)
    count = 0
    for name, data in seeds:
        with open(os.path.join(out, f"{prefix}-{name}"), "wb") as f:
            f.write(bytes(data))
        count += 1
    print(f"{out}: {count} {prefix} seeds")
