#!/usr/bin/env python3
"""Generates src/KestrelUpper/Text/UnicodeUpperTable.g.cs from the Unicode Character Database.

Full uppercase mapping, as Python's str.upper() defines it: the unconditional entries of
SpecialCasing.txt win, else the simple mapping of UnicodeData.txt (field 12), else the code point itself.

Layout (two-stage, so the table stays a few KiB and a lookup is two indexed loads):
  PageIndex[min(cp >> BlockShift, LastPage)] -> block number (entry LastPage is the all-identity block)
  Blocks[block << BlockShift | (cp & BlockMask)] -> record number (byte)
  Records[record] -> even: delta << 1 (upper = cp + delta); odd: (offset << 4 | length) << 1 | 1,
                     a slice of Expansions holding the pre-encoded UTF-8 of a multi-code-point mapping.

Usage: python3 scripts/generate-unicode-table.py [--ucd /usr/share/unicode] [--out path]
Standard library only.
"""
import argparse
import os
import re
import sys

MAX_CODE_POINT = 0x10FFFF
RECORD_LENGTH_BITS = 4


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            data = line.split("#", 1)[0].strip()
            if data:
                yield [field.strip() for field in data.split(";")]


def detect_version(ucd):
    # SpecialCasing.txt and DerivedAge.txt carry the version in their first line; UnicodeData.txt does not.
    versions = set()
    for name in ("SpecialCasing.txt", "DerivedAge.txt", "CaseFolding.txt"):
        path = os.path.join(ucd, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                m = re.search(r"-(\d+\.\d+\.\d+)\.txt", f.readline())
                if m:
                    versions.add(m.group(1))
    if len(versions) != 1:
        sys.exit(f"cannot determine a single Unicode version from {ucd}: {sorted(versions)}")
    return versions.pop()


def load_mappings(ucd):
    simple = {}
    for fields in read_lines(os.path.join(ucd, "UnicodeData.txt")):
        if fields[12]:
            simple[int(fields[0], 16)] = [int(fields[12], 16)]
    special = {}
    for fields in read_lines(os.path.join(ucd, "SpecialCasing.txt")):
        # code; lower; title; upper; [condition;] -- conditional (language/context) lines are not part of str.upper().
        if len(fields) > 5 and fields[4]:
            continue
        special[int(fields[0], 16)] = [int(c, 16) for c in fields[3].split()]
    full = dict(simple)
    full.update(special)
    return {cp: m for cp, m in full.items() if m != [cp]}


def utf8(cps):
    return "".join(chr(c) for c in cps).encode("utf-8")


def build(mappings):
    records = [0]  # record 0 = identity
    record_of = {0: 0}
    expansions = bytearray()
    expansion_at = {}
    cp_record = {}
    for cp, target in sorted(mappings.items()):
        if len(target) == 1:
            value = (target[0] - cp) << 1
        else:
            encoded = utf8(target)
            if encoded not in expansion_at:
                expansion_at[encoded] = len(expansions)
                expansions += encoded
            assert len(encoded) < (1 << RECORD_LENGTH_BITS)
            value = (((expansion_at[encoded] << RECORD_LENGTH_BITS) | len(encoded)) << 1) | 1
        if value not in record_of:
            record_of[value] = len(records)
            records.append(value)
        cp_record[cp] = record_of[value]
    assert len(records) <= 256, "records no longer fit a byte"
    top = max(mappings) + 1

    best = None
    for shift in range(4, 10):
        size = 1 << shift
        blocks = [bytes(size)]  # block 0 = identity
        block_of = {blocks[0]: 0}
        pages = []
        for page in range((top + size - 1) >> shift):
            base = page << shift
            block = bytes(cp_record.get(base + i, 0) for i in range(size))
            if block not in block_of:
                block_of[block] = len(blocks)
                blocks.append(block)
            pages.append(block_of[block])
        pages.append(0)  # clamp target for everything above the last mapped page
        assert len(blocks) <= 256
        total = len(pages) + len(blocks) * size
        if best is None or total < best[0]:
            best = (total, shift, pages, blocks)
    _, shift, pages, blocks = best
    return shift, pages, b"".join(blocks), records, bytes(expansions)


def csharp_array(values, per_line=24):
    items = [str(v) for v in values]
    lines = []
    for i in range(0, len(items), per_line):
        lines.append("        " + ", ".join(items[i:i + per_line]) + ",")
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--ucd", default="/usr/share/unicode")
    parser.add_argument("--out", default=os.path.join(here, "..", "src", "KestrelUpper", "Text", "UnicodeUpperTable.g.cs"))
    args = parser.parse_args()

    version = detect_version(args.ucd)
    mappings = load_mappings(args.ucd)
    for cp, target in mappings.items():
        assert not 0xD800 <= cp <= 0xDFFF
    simple_count = sum(1 for t in mappings.values() if len(t) == 1)
    expanding = {cp: t for cp, t in mappings.items() if len(t) > 1}
    growth = max(-(-len(utf8(t)) // len(utf8([cp]))) for cp, t in mappings.items())
    max_out = max(len(utf8(t)) for t in mappings.values())
    shift, pages, blocks, records, expansions = build(mappings)

    text = f"""// <auto-generated>
// Generated by scripts/generate-unicode-table.py from UnicodeData.txt and SpecialCasing.txt,
// Unicode {version}. Do not edit; rerun the script to regenerate.
// {len(mappings)} code points change: {simple_count} map to one code point, {len(expanding)} expand to 2-3.
// Size: {len(pages)} page bytes + {len(blocks)} block bytes + {len(records)} records + {len(expansions)} expansion bytes.
// </auto-generated>
namespace KestrelUpper.Text;

internal static partial class UnicodeUpperTable
{{
    public const string UnicodeVersion = "{version}";
    public const int ChangedCodePointCount = {len(mappings)};
    public const int SimpleMappingCount = {simple_count};
    public const int ExpandingMappingCount = {len(expanding)};
    public const int BlockShift = {shift};
    public const int LastPage = {len(pages) - 1};
    public const int RecordCount = {len(records)};
    public const int RecordLengthBits = {RECORD_LENGTH_BITS};
    public const int MaxMappedUtf8Length = {max_out};
    public const int MaxGrowthFactor = {growth};

    private static ReadOnlySpan<byte> PageIndex =>
    [
{csharp_array(pages)}
    ];

    private static ReadOnlySpan<byte> Blocks =>
    [
{csharp_array(blocks)}
    ];

    // Little-endian int32 each: a byte span is plain RVA data, while a ReadOnlySpan<int> goes through
    // RuntimeHelpers.CreateSpan, which allocates in unoptimized (Debug) code.
    private static ReadOnlySpan<byte> Records =>
    [
{csharp_array(b"".join(r.to_bytes(4, "little", signed=True) for r in records), 16)}
    ];

    private static ReadOnlySpan<byte> Expansions =>
    [
{csharp_array(expansions)}
    ];
}}
"""
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"Unicode {version}: {len(mappings)} changed ({simple_count} simple, {len(expanding)} expanding), "
          f"shift {shift}, {len(pages)} pages, {len(blocks)} block bytes, {len(records)} records, "
          f"{len(expansions)} expansion bytes, max growth x{growth}, max mapped utf8 {max_out}")


if __name__ == "__main__":
    main()
