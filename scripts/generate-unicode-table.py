#!/usr/bin/env python3
"""Generates src/KestrelUpper/Text/UnicodeUpperTable.g.cs from the Unicode Character Database.

Full uppercase mapping, as Python's str.upper() defines it: the unconditional entries of
SpecialCasing.txt win, else the simple mapping of UnicodeData.txt (field 12), else the code point itself.

Layout (two-stage, so the table stays a few KiB and a lookup is two indexed loads):
  PageIndex[min(cp >> BlockShift, LastPage)] -> block number (entry LastPage is the all-identity block)
  Blocks[block << BlockShift | (cp & BlockMask)] -> record number (byte)
  Records[record] -> even: delta << 1 (upper = cp + delta); odd: (offset << 4 | length) << 1 | 1,
                     a slice of Expansions holding the pre-encoded UTF-8 of a multi-code-point mapping.

Fast-path tables (derived from the same mapping; the transform never needs them to be right for correctness
of the two-stage table, but the tests check every entry against the data files):
  TwoByteUpper[cp * 2 .. cp * 2 + 1], cp in U+0080..U+07FF (the 11 payload bits of a 2-byte sequence):
      the UTF-8 bytes of the uppercase when it is one code point of 2 bytes (itself if unchanged), else 0 0
      (ss, 1-byte or 3-byte results: the general path handles those).
  ThreeByteBlockNumbers[cp >> 6], ThreeByteCodePointBits: the 64-code-point blocks of U+0800..U+FFFF (cp >> 6 is
      (lead & 15) << 6 | (second & 63) of the sequence) that hold a code point that changes are numbered from 1
      (0: none does); block n's code points that change are the bits of the 8 bytes at 8 * n.
  TwoByteGroupClass, TwoByteClass*, TwoByteExceptionBits: the vector 2-byte path's delta classes: a class per
      group of 16 code points (lead & 31, second bits 5..4) with the lead and second-byte deltas of its even and
      odd code points, and the code points that are exceptions to their group's class (see two_byte_classes).
  CaseClass*: four 16-entry nibble tables for the vector classifier. At each lead byte l followed by s,
      LeadHigh[l >> 4] & LeadLow[l & 15] & SecondHigh[s >> 4] & SecondLow[s & 15] is non-zero when the
      sequence may change. Each bit is a product of its projections, so the marks are a superset of the
      changing sequences (checked below): a false alarm only costs a table lookup.

Usage: python3 scripts/generate-unicode-table.py [--ucd /usr/share/unicode] [--out path]
Standard library only.
"""
import argparse
import collections
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


def fast_path_tables(mappings):
    two_byte = bytearray(2 * 0x800)
    for cp in range(0x80, 0x800):
        target = mappings.get(cp, [cp])
        encoded = utf8(target)
        if len(target) == 1 and len(encoded) == 2:
            two_byte[2 * cp:2 * cp + 2] = encoded

    # Blocks of U+0800..U+FFFF that hold a changing code point get a number from 1 (0: none changes) and a 64-bit
    # mask of which of their code points change.
    changing_blocks = sorted({cp >> 6 for cp in mappings if 0x800 <= cp <= 0xFFFF})
    assert len(changing_blocks) < 256
    three_byte_blocks = bytearray(1024)
    code_point_bits = bytearray(8 * (len(changing_blocks) + 1))
    for number, block in enumerate(changing_blocks, start=1):
        three_byte_blocks[block] = number  # block is (lead & 15) << 6 | (second & 63) of its sequences
        for low in range(64):
            if (block << 6) | low in mappings:
                code_point_bits[8 * number + (low >> 3)] |= 1 << (low & 7)

    tables = case_classifier(mappings)
    return bytes(two_byte), (bytes(three_byte_blocks), bytes(code_point_bits)), tables


def two_byte_classes(two_byte):
    """Delta classes for the vector 2-byte path. A 2-byte sequence's group is its lead's low five bits and its
    second byte's bits 5..4 (16 code points); each group gets the (lead delta, second delta) its even code points
    mostly have and the one its odd ones mostly have (case pairs alternate in Latin Extended, Cyrillic, Greek), as
    bytes mod 256. Code points that differ from their group's class, or have no 2-byte uppercase, are exceptions
    (a bit each), left to the table lookup one by one."""
    classes = {}
    group_class = bytearray(128)
    exceptions = bytearray(256)
    for lead_bits in range(32):
        for group in range(4):
            counts = (collections.Counter(), collections.Counter())
            members = []
            for low in range(16):
                cp = (lead_bits << 6) | (group << 4) | low
                if cp < 0x80:
                    continue
                entry = two_byte[2 * cp:2 * cp + 2]
                delta = None
                if entry != bytes(2):
                    delta = ((entry[0] - (0xC0 | lead_bits)) & 0xFF, (entry[1] - (0x80 | (group << 4) | low)) & 0xFF)
                    counts[cp & 1][delta] += 1
                members.append((cp, delta))
            best = [c.most_common(1)[0][0] if c else (0, 0) for c in counts]
            key = (best[0][0], best[0][1], best[1][0], best[1][1])
            classes.setdefault(key, len(classes))
            group_class[(lead_bits << 2) | group] = classes[key]
            for cp, delta in members:
                if delta != best[cp & 1]:
                    exceptions[cp >> 3] |= 1 << (cp & 7)
    assert list(classes)[0] == (0, 0, 0, 0) and len(classes) <= 64
    columns = [bytearray(64) for _ in range(4)]  # lead even, second even, lead odd, second odd
    for key, index in classes.items():
        for column, value in zip(columns, key):
            column[index] = value
    return bytes(group_class), [bytes(c) for c in columns], bytes(exceptions), len(classes)


# (lead, second byte) pairs of caseless blocks common in running text — general punctuation, currency, arrows,
# symbols and box drawing, CJK symbols and kana, fullwidth forms, emoji: a false alarm there costs the most.
HOT_CASELESS = ({(0xE2, s) for s in range(0x80, 0x85)} | {(0xE2, s) for s in range(0x86, 0xA0)}
                | {(0xE3, s) for s in range(0x80, 0xC0)} | {(0xEF, 0xBC), (0xEF, 0xBF), (0xF0, 0x9F)})
HOT_WEIGHT = 16
CLASSES = 8  # one bit each in a byte


def case_classifier(mappings):
    """Four 16-entry nibble tables (lead high, lead low, second high, second low) whose AND is non-zero at every
    (lead, second byte) pair of a sequence that may change: a 2-byte sequence by its lead (its block), a 3- or
    4-byte one by lead and second byte. Each bit is a product of four nibble sets; starting from one product per
    (lead, second byte's high nibble), the pair of products whose merge adds the fewest (weighted) false pairs
    is merged until eight remain."""
    exact = set()
    for cp in mappings:
        encoded = utf8([cp])
        if len(encoded) == 2:
            exact.update((encoded[0], second) for second in range(0x80, 0xC0))
        elif len(encoded) > 2:
            exact.add((encoded[0], encoded[1]))

    def projections(pairs):
        return (frozenset(l >> 4 for l, _ in pairs), frozenset(l & 15 for l, _ in pairs),
                frozenset(s >> 4 for _, s in pairs), frozenset(s & 15 for _, s in pairs))

    def product(p):
        return {((lh << 4) | ll, (sh << 4) | sl) for lh in p[0] for ll in p[1] for sh in p[2] for sl in p[3]
                if (lh << 4) | ll >= 0xC2 and 0x8 <= sh <= 0xB}

    def cost(pairs):
        return sum(HOT_WEIGHT if pair in HOT_CASELESS else 1 for pair in product(projections(pairs)) - exact)

    atoms = {}
    for lead, second in sorted(exact):
        atoms.setdefault((lead >> 4,) if lead < 0xE0 else (lead, second >> 4), set()).add((lead, second))
    classes = [atoms[key] for key in sorted(atoms)]
    while len(classes) > CLASSES:
        _, i, j = min((cost(classes[i] | classes[j]) - cost(classes[i]) - cost(classes[j]), i, j)
                      for i in range(len(classes)) for j in range(i + 1, len(classes)))
        classes[i] = classes[i] | classes[j]
        del classes[j]

    tables = [[0] * 16 for _ in range(4)]
    for bit, pairs in enumerate(classes):
        for table, nibbles in zip(tables, projections(pairs)):
            for nibble in nibbles:
                table[nibble] |= 1 << bit
    for lead, second in exact:
        t = tables
        assert t[0][lead >> 4] & t[1][lead & 15] & t[2][second >> 4] & t[3][second & 15], (hex(lead), hex(second))
    # Only a lead byte may raise a mark: the transform takes the byte before a mark for the sequence's lead.
    assert all(tables[0][high] == 0 for high in range(0xC))
    return tables


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
    two_byte, three_byte_blocks, case_class = fast_path_tables(mappings)
    group_class, class_columns, two_byte_exceptions, class_count = two_byte_classes(two_byte)
    exception_count = sum(bin(b).count("1") for b in two_byte_exceptions)
    two_byte_direct = sum(1 for cp in range(0x80, 0x800) if two_byte[2 * cp] and mappings.get(cp))

    text = f"""// <auto-generated>
// Generated by scripts/generate-unicode-table.py from UnicodeData.txt and SpecialCasing.txt,
// Unicode {version}. Do not edit; rerun the script to regenerate.
// {len(mappings)} code points change: {simple_count} map to one code point, {len(expanding)} expand to 2-3.
// Size: {len(pages)} page bytes + {len(blocks)} block bytes + {len(records)} records + {len(expansions)} expansion bytes;
// fast paths: {len(two_byte)} two-byte bytes + {len(three_byte_blocks[0]) + len(three_byte_blocks[1])} three-byte bytes + 64 classifier bytes
// + {len(group_class) + 4 * 64 + len(two_byte_exceptions)} bytes of 2-byte delta classes ({class_count} classes, {exception_count} exceptions).
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
    public const int TwoByteDirectCount = {two_byte_direct};
    public const int TwoByteClassCount = {class_count};
    public const int TwoByteExceptionCount = {exception_count};

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

    // Fast paths, derived from the same mapping (layout in the generator's header).
    private static ReadOnlySpan<byte> TwoByteUpperBytes =>
    [
{csharp_array(two_byte, 32)}
    ];

    private static ReadOnlySpan<byte> ThreeByteBlockNumbers =>
    [
{csharp_array(three_byte_blocks[0], 32)}
    ];

    private static ReadOnlySpan<byte> ThreeByteCodePointBits =>
    [
{csharp_array(three_byte_blocks[1], 32)}
    ];

    internal static ReadOnlySpan<byte> CaseClassLeadHigh => [{", ".join(map(str, case_class[0]))}];

    internal static ReadOnlySpan<byte> CaseClassLeadLow => [{", ".join(map(str, case_class[1]))}];

    internal static ReadOnlySpan<byte> CaseClassSecondHigh => [{", ".join(map(str, case_class[2]))}];

    internal static ReadOnlySpan<byte> CaseClassSecondLow => [{", ".join(map(str, case_class[3]))}];

    // The vector 2-byte path's delta classes (see two_byte_classes in the generator).
    internal static ReadOnlySpan<byte> TwoByteGroupClass =>
    [
{csharp_array(group_class, 32)}
    ];

    internal static ReadOnlySpan<byte> TwoByteClassLeadEven => [{", ".join(map(str, class_columns[0]))}];

    internal static ReadOnlySpan<byte> TwoByteClassSecondEven => [{", ".join(map(str, class_columns[1]))}];

    internal static ReadOnlySpan<byte> TwoByteClassLeadOdd => [{", ".join(map(str, class_columns[2]))}];

    internal static ReadOnlySpan<byte> TwoByteClassSecondOdd => [{", ".join(map(str, class_columns[3]))}];

    internal static ReadOnlySpan<byte> TwoByteExceptionBits =>
    [
{csharp_array(two_byte_exceptions, 32)}
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
