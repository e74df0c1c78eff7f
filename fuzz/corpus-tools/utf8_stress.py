#!/usr/bin/env python3
"""UTF-8 decoder stress cases for the uppercaser corpus, generated from the categories of Markus Kuhn's UTF-8
decoder stress test (correct text; boundary conditions; malformed sequences; overlong sequences; illegal code
positions). The cases are computed here from those categories with our own encoder (which can also write the
forbidden 5- and 6-byte and overlong forms); nothing is copied from the original file.

Each case becomes uppercaser inputs (fuzz/KestrelUpper.Fuzz/Text/UppercaserTarget.cs): a control byte (bit 0: 1 =
Ascii mode; bits 1-3: how many piece-length bytes follow; bit 7: an extra empty final call), a destination-size
byte (destination = 16 + that), the piece lengths, then the text. Variants: Unicode mode in one piece, Unicode mode
one byte per piece, Unicode mode in pieces of 2 and 3 with a tiny destination, and Ascii mode.

usage: utf8_stress.py OUTDIR
"""
import os
import sys


def encode(cp, length=None):
    """cp as a UTF-8-style sequence of `length` bytes (default: the shortest), overlong or beyond U+10FFFF if asked."""
    if length is None:
        length = 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4 if cp < 0x200000 else 5 if cp < 0x4000000 else 6
    if length == 1:
        return bytes([cp])
    lead_marks = {2: 0xC0, 3: 0xE0, 4: 0xF0, 5: 0xF8, 6: 0xFC}
    tail = []
    for _ in range(length - 1):
        tail.append(0x80 | (cp & 0x3F))
        cp >>= 6
    return bytes([lead_marks[length] | cp]) + bytes(reversed(tail))


def cases():
    # 1 Correct text: scripts whose upper case grows, shrinks, changes length or has no case at all.
    correct = ["hello, world", "Straße ﬁnde ﬃ ŉ ǰ", "ıi İ ǆ ǅ", "ΰ ΐ ς σ κόσμε", "ა ბ გ", "ꭰꭱ ᏸ", "ǈ ǋ ǲ",
               "дом Ёлка", "ⓐⓑ ａｂｃ", "𐐨𐐩 𞤢", "日本語 🙂 ½", "a\u0301e\u0308", "\u0345 \u1e9e"]
    for i, text in enumerate(correct):
        yield f"correct-{i:02d}", text.encode("utf-8")

    # 2 Boundary conditions: first and last possible sequence of each length (1-6 bytes), and other boundaries.
    firsts = [0x0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000]
    lasts = [0x7F, 0x7FF, 0xFFFF, 0x1FFFFF, 0x3FFFFFF, 0x7FFFFFFF]
    for n, cp in enumerate(firsts, 1):
        yield f"boundary-first-{n}byte", encode(cp, n)
    for n, cp in enumerate(lasts, 1):
        yield f"boundary-last-{n}byte", encode(cp, n)
    for cp in [0xD7FF, 0xE000, 0xFFFD, 0x10FFFF, 0x110000]:
        yield f"boundary-other-u{cp:04x}", encode(cp)

    # 3.1 Unexpected continuation bytes: first, last, runs of 2-7, and all 64 in a row.
    yield "malformed-continuation-first", b"\x80"
    yield "malformed-continuation-last", b"\xbf"
    for n in range(2, 8):
        yield f"malformed-continuation-run{n}", bytes((0x80 if i % 2 == 0 else 0xBF) for i in range(n))
    yield "malformed-continuation-all", bytes(range(0x80, 0xC0))

    # 3.2 Lonely start characters, each followed by a space: all 2-, 3-, 4-, 5- and 6-byte leads.
    for name, first, last in [("2byte", 0xC0, 0xDF), ("3byte", 0xE0, 0xEF), ("4byte", 0xF0, 0xF7), ("5byte", 0xF8, 0xFB), ("6byte", 0xFC, 0xFD)]:
        yield f"malformed-lonely-start-{name}", b"".join(bytes([b]) + b" " for b in range(first, last + 1))

    # 3.3 Sequences with the last continuation byte missing (of U+0000 in n bytes, and of the last n-byte value).
    missing = []
    for n in range(2, 7):
        for label, cp in [("first", 0 if n > 1 else 0), ("last", lasts[n - 1])]:
            seq = encode(cp, n)[:-1]
            missing.append(seq)
            yield f"malformed-last-missing-{n}byte-{label}", seq
    # 3.4 All of them concatenated.
    yield "malformed-last-missing-concatenated", b"".join(missing)

    # 3.5 Impossible bytes.
    yield "malformed-impossible-fe", b"\xfe"
    yield "malformed-impossible-ff", b"\xff"
    yield "malformed-impossible-fefeffff", b"\xfe\xfe\xff\xff"

    # 4.1 Overlong '/' in 2-6 bytes; 4.2 the largest overlong of each length; 4.3 overlong NUL.
    overlong_max = {2: 0x7F, 3: 0x7FF, 4: 0xFFFF, 5: 0x1FFFFF, 6: 0x3FFFFFF}
    for n in range(2, 7):
        yield f"overlong-slash-{n}byte", encode(ord("/"), n)
        yield f"overlong-max-{n}byte", encode(overlong_max[n], n)
        yield f"overlong-nul-{n}byte", encode(0, n)

    # 5.1 Single UTF-16 surrogates; 5.2 paired surrogates; 5.3 noncharacters.
    singles = [0xD800, 0xDB7F, 0xDB80, 0xDBFF, 0xDC00, 0xDF80, 0xDFFF]
    for cp in singles:
        yield f"illegal-surrogate-u{cp:04x}", encode(cp, 3)
    for high in [0xD800, 0xDB7F, 0xDB80, 0xDBFF]:
        for low in [0xDC00, 0xDFFF]:
            yield f"illegal-surrogate-pair-u{high:04x}-u{low:04x}", encode(high, 3) + encode(low, 3)
    yield "illegal-noncharacter-bmp", encode(0xFFFE) + encode(0xFFFF)
    yield "illegal-noncharacter-fdd0-fdef", b"".join(encode(cp) for cp in range(0xFDD0, 0xFDF0))
    yield "illegal-noncharacter-planes", b"".join(encode((plane << 16) | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))


def variants(text):
    """The uppercaser-target framings of one case (see the module docstring); lowercase context around it."""
    framed = b"a" + text + b"z"
    yield "whole", bytes([0x00, 0x00]) + framed
    yield "bytewise", bytes([0x02, 0x00, 0x01]) + framed
    yield "pieces", bytes([0x84, 0x00, 0x02, 0x03]) + framed
    yield "ascii", bytes([0x01, 0x00]) + framed


def main(out):
    os.makedirs(out, exist_ok=True)
    count = 0
    for name, text in cases():
        for variant, data in variants(text):
            with open(os.path.join(out, f"utf8-{name}-{variant}"), "wb") as f:
                f.write(data)
            count += 1
    print(f"{out}: {count} files")


if __name__ == "__main__":
    main(sys.argv[1])
