using System.Buffers;
using System.Text;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

public sealed class UnicodeModeTests
{
    private static readonly Uppercaser Upper = new(CasingMode.Unicode);

    [Fact]
    public void Table_is_built_from_the_installed_data_version()
    {
        Assert.True(
            UnicodeReference.Version == UnicodeUpperTable.UnicodeVersion,
            $"{UnicodeReference.Directory} holds Unicode {UnicodeReference.Version} but the table is {UnicodeUpperTable.UnicodeVersion}: run scripts/generate-unicode-table.py");
        Assert.Equal(UnicodeUpperTable.ChangedCodePointCount, UnicodeReference.Changed.Count);
        Assert.Equal(UnicodeUpperTable.ExpandingMappingCount, UnicodeReference.Changed.Count(kv => kv.Value.Length > 1));
    }

    [Fact]
    public void Every_code_point_maps_like_the_data_files()
    {
        Span<byte> input = stackalloc byte[4];
        Span<byte> expected = stackalloc byte[16];
        byte[] destination = new byte[Upper.MaxOutputLength(input.Length)];
        int checkedCount = 0;
        for (int cp = 0; cp <= UnicodeReference.MaxCodePoint; cp++)
        {
            if (UnicodeReference.IsSurrogate(cp))
            {
                continue;
            }

            int inputLength = new Rune(cp).EncodeToUtf8(input);
            int expectedLength = 0;
            foreach (int mapped in UnicodeReference.Upper(cp))
            {
                expectedLength += new Rune(mapped).EncodeToUtf8(expected.Slice(expectedLength));
            }

            var state = default(Utf8UpperState);
            OperationStatus status = Upper.Transform(input.Slice(0, inputLength), destination, ref state, isFinalBlock: true, out int consumed, out int written);
            if (status != OperationStatus.Done || consumed != inputLength || state.InvalidBytes != 0
                || !destination.AsSpan(0, written).SequenceEqual(expected.Slice(0, expectedLength)))
            {
                Assert.Fail($"U+{cp:X4}: expected {Convert.ToHexString(expected.Slice(0, expectedLength))}, got {Convert.ToHexString(destination, 0, written)} ({status}, invalid {state.InvalidBytes})");
            }

            checkedCount++;
        }

        Assert.Equal(0x110000 - 0x800, checkedCount);
    }

    [Fact]
    public void Every_code_point_in_one_buffer_matches_and_output_is_valid_utf8()
    {
        var all = new StringBuilder();
        for (int cp = 0; cp <= UnicodeReference.MaxCodePoint; cp++)
        {
            if (!UnicodeReference.IsSurrogate(cp))
            {
                all.Append(char.ConvertFromUtf32(cp));
            }
        }

        byte[] input = Encoding.UTF8.GetBytes(all.ToString());
        (byte[] output, long invalid) = StreamingHelper.OneShot(Upper, input);
        Assert.Equal(0, invalid);
        Assert.True(System.Text.Unicode.Utf8.IsValid(output));
        Assert.Equal(UnicodeReference.Transform(input).Output, output);
    }

    public static TheoryData<string, string> Samples => new()
    {
        { "hello, world", "HELLO, WORLD" },
        { "straße", "STRASSE" },
        { "ﬁnal ﬃ", "FINAL FFI" },
        { "ŉ", "ʼN" },
        { "ΐ", "\u0399\u0308\u0301" },
        { "ᾳ ᾷ", "ΑΙ Α͂Ι" },
        { "ǅ ǆ ǈ", "Ǆ Ǆ Ǉ" },
        { "ı i ſ", "I I S" },
        { "ȿ ɐ", "Ȿ Ɐ" },
        { "привет мир", "ПРИВЕТ МИР" },
        { "ἀλήθεια", "ἈΛΉΘΕΙΑ" },
        { "𐐨𐐩 𞤢", "𐐀𐐁 𞤀" },
        { "日本語 😀 abc", "日本語 😀 ABC" },
        { "ǰ ẖ ẘ ẙ ẚ", "J̌ H̱ W̊ Y̊ Aʾ" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Samples_match_python(string input, string expected)
    {
        (byte[] output, long invalid) = StreamingHelper.OneShot(Upper, Encoding.UTF8.GetBytes(input));
        Assert.Equal(expected, Encoding.UTF8.GetString(output));
        Assert.Equal(0, invalid);
    }

    [Fact]
    public void Splitting_a_multilingual_sample_at_any_offset_changes_nothing()
    {
        byte[] input = Encoding.UTF8.GetBytes("abc straße ﬁ ΐ привет 日本 😀𐐨 ǰ xyz");
        (byte[] expected, long expectedInvalid) = UnicodeReference.Transform(input);
        Assert.Equal(expected, StreamingHelper.OneShot(Upper, input).Output);
        for (int a = 0; a <= input.Length; a++)
        {
            Assert.Equal(expected, StreamingHelper.Pieces(Upper, input, [a]).Output);
            for (int b = a; b <= input.Length; b++)
            {
                (byte[] output, long invalid) = StreamingHelper.Pieces(Upper, input, [a, b], Uppercaser.MinimumDestinationLength);
                Assert.True(expected.AsSpan().SequenceEqual(output), $"cuts at {a} and {b}");
                Assert.Equal(expectedInvalid, invalid);
            }
        }

        Assert.Equal(expected, StreamingHelper.Pieces(Upper, input, Enumerable.Range(1, input.Length - 1)).Output);
    }

    public static TheoryData<string, int> InvalidShapes => new()
    {
        { "80", 1 },             // stray continuation
        { "BFBF", 2 },
        { "C080", 2 },           // overlong (C0/C1 never valid)
        { "C1BF", 2 },
        { "E08080", 3 },         // overlong 3-byte: E0 80 is not a valid prefix
        { "E09F80", 3 },
        { "F0808080", 4 },       // overlong 4-byte
        { "F08F8080", 4 },
        { "EDA080", 3 },         // high surrogate
        { "EDBFBF", 3 },         // low surrogate
        { "F4908080", 4 },       // above U+10FFFF
        { "F5808080", 4 },
        { "FF", 1 },
        { "FE", 1 },
        { "E282", 2 },           // truncated 3-byte, followed by ASCII
        { "F09F98", 3 },         // truncated 4-byte
        { "C3", 1 },             // lone lead
        { "E2C3A9", 1 },         // truncated then a valid é
    };

    [Theory]
    [MemberData(nameof(InvalidShapes))]
    public void Invalid_bytes_pass_through_and_ascii_around_them_is_uppercased(string hex, int expectedInvalid)
    {
        byte[] bad = Convert.FromHexString(hex);
        foreach (bool atEnd in new[] { false, true })
        {
            byte[] input = [.. "ab"u8, .. bad, .. (atEnd ? ""u8 : "cd"u8)];
            byte[] expectedBad = hex == "E2C3A9" ? [0xE2, 0xC3, 0x89] : bad;
            byte[] expected = [.. "AB"u8, .. expectedBad, .. (atEnd ? ""u8 : "CD"u8)];
            (byte[] output, long invalid) = StreamingHelper.OneShot(Upper, input);
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(output));
            Assert.Equal(expectedInvalid, invalid);
            Assert.Equal(UnicodeReference.Transform(input), (output, invalid), ReferenceComparer.Instance);
            for (int cut = 0; cut <= input.Length; cut++)
            {
                Assert.Equal((output, invalid), StreamingHelper.Pieces(Upper, input, [cut]), ReferenceComparer.Instance);
            }
        }
    }

    [Fact]
    public void Truncated_sequence_at_end_of_stream_is_flushed_by_the_final_block()
    {
        var state = default(Utf8UpperState);
        byte[] destination = new byte[Uppercaser.MinimumDestinationLength];
        Assert.Equal(OperationStatus.Done, Upper.Transform([(byte)'x', 0xF0, 0x9F], destination, ref state, false, out int consumed, out int written));
        Assert.Equal(3, consumed);
        Assert.Equal("X", Encoding.ASCII.GetString(destination, 0, written));
        Assert.False(state.IsEmpty);

        Assert.Equal(OperationStatus.Done, Upper.Transform([0x98], destination, ref state, false, out consumed, out written));
        Assert.Equal((1, 0), (consumed, written));
        Assert.False(state.IsEmpty);

        Assert.Equal(OperationStatus.Done, Upper.Transform([], destination, ref state, true, out consumed, out written));
        Assert.Equal("F09F98", Convert.ToHexString(destination, 0, written));
        Assert.True(state.IsEmpty);
        Assert.Equal(3, state.InvalidBytes);
    }

    [Fact]
    public void Carry_completed_by_the_next_piece_is_uppercased()
    {
        byte[] input = Encoding.UTF8.GetBytes("ΐ𐐨");
        var state = default(Utf8UpperState);
        var output = new List<byte>();
        byte[] destination = new byte[Uppercaser.MinimumDestinationLength];
        foreach (byte b in input)
        {
            Assert.Equal(OperationStatus.Done, Upper.Transform([b], destination, ref state, false, out int consumed, out int written));
            Assert.Equal(1, consumed);
            output.AddRange(destination.AsSpan(0, written).ToArray());
        }

        Assert.True(state.IsEmpty);
        Assert.Equal("\u0399\u0308\u0301𐐀", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void Worst_case_growth_fits_MaxOutputLength()
    {
        byte[] input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("ΐ", 1000)));
        (byte[] output, _) = StreamingHelper.OneShot(Upper, input);
        Assert.Equal(input.Length * 3, output.Length);
        Assert.True(output.Length <= Upper.MaxOutputLength(input.Length));
    }

    [Fact]
    public void TryTransformComplete_handles_a_datagram()
    {
        byte[] input = [.. "straße "u8, 0xFF, .. "ok"u8];
        byte[] destination = new byte[Upper.MaxOutputLength(input.Length)];
        Assert.True(Upper.TryTransformComplete(input, destination, out int written, out int invalid));
        Assert.Equal([.. "STRASSE "u8, 0xFF, .. "OK"u8], destination.AsSpan(0, written).ToArray());
        Assert.Equal(1, invalid);
        Assert.False(Upper.TryTransformComplete(input, new byte[4], out _, out _));
    }

    private sealed class ReferenceComparer : IEqualityComparer<(byte[] Output, long Invalid)>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals((byte[] Output, long Invalid) x, (byte[] Output, long Invalid) y) =>
            x.Invalid == y.Invalid && x.Output.AsSpan().SequenceEqual(y.Output);

        public int GetHashCode((byte[] Output, long Invalid) obj) => obj.Invalid.GetHashCode();
    }
}
