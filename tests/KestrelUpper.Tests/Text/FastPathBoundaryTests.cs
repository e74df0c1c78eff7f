using System.Text;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// Where the fast paths hand over to each other and to the scalar step: a probe (a character that changes, keeps or
/// changes length, an invalid subpart) at every offset of a background run, across the 16-byte ASCII vector, the
/// 32-byte window and its deferred last three bytes, and two windows; whole, and cut into pieces at every offset.
/// Each case must behave exactly as main's transform did (<see cref="LegacyUppercaser"/>), call by call.
/// </summary>
public sealed class FastPathBoundaryTests
{
    private const int Span = 100;
    private const int Offsets = 72;

    public static TheoryData<string> Backgrounds => new()
    {
        "the quick brown fox jumps over the lazy dog ",
        "日本語のテキストと中文文本，한국어 텍스트도 포함합니다。",
        "съешь же ещё этих мягких французских булок ",
        "ПРИВЕТ МИР ΑΛΉΘΕΙΑ ÀÉÎÕÜ ",
        "😀😃😄😁🎉🚀🌍👍🏽🧪",
        "ἀλήθεια καὶ ζωή ḁḃḅ ",
        "مرحبا بالعالم שלום עולם ",
    };

    // Changing in place (é ÿ µ ἀ 𐐨 ⓐ ｆ ͅ), caseless (日 😀 € ·), changing length (ß ŉ ı ſ ɐ ⱥ ﬁ ΐ և ᾳ).
    private static readonly string[] Characters =
        ["é", "ÿ", "µ", "ἀ", "𐐨", "ⓐ", "ｆ", "\u0345", "日", "😀", "€", "·", "ß", "ŉ", "ı", "ſ", "ɐ", "ⱥ", "ﬁ", "ΐ", "և", "ᾳ", "Ϊ", "x"];

    // Invalid subparts of every shape, and sequences cut short.
    private static readonly string[] InvalidHex =
        ["80", "BF", "C0", "C1AF", "C2", "DF41", "E0", "E080", "E09FBF", "EDA080", "EDBFBF", "E282", "E2", "F0", "F08080",
         "F08FBFBF", "F09F98", "F09F", "F4908080", "F5", "F8", "FF", "FE8080", "CECE", "8080", "E1B8", "C3"];

    [Theory]
    [MemberData(nameof(Backgrounds))]
    public void A_character_at_every_offset_behaves_as_main(string background)
    {
        foreach (string character in Characters)
        {
            CheckAtEveryOffset(background, Encoding.UTF8.GetBytes(character), character);
        }
    }

    [Theory]
    [MemberData(nameof(Backgrounds))]
    public void An_invalid_subpart_at_every_offset_behaves_as_main(string background)
    {
        foreach (string hex in InvalidHex)
        {
            CheckAtEveryOffset(background, Convert.FromHexString(hex), hex);
        }
    }

    [Theory]
    [MemberData(nameof(Backgrounds))]
    public void Pieces_cut_at_every_offset_behave_as_main(string background)
    {
        // Two probes in one input: a changing character and an invalid subpart, so a cut lands inside, before and
        // after each, inside background sequences, and in a window's deferred bytes.
        foreach ((byte[] first, byte[] second) in new (byte[], byte[])[] { ("é"u8.ToArray(), [0xE2, 0x82]), ("ΐ"u8.ToArray(), [0xF0, 0x9F, 0x98]), ("𐐨"u8.ToArray(), [0xED, 0xA0, 0x80]) })
        {
            for (int offset = 0; offset < Offsets; offset += 7)
            {
                byte[] input = Compose(background, offset, first, second);
                for (int cut = 0; cut <= input.Length; cut++)
                {
                    TransformDriver.AssertSameAsLegacy(input, [cut], input.Length * 3 + 16, $"background '{background}', offset {offset}, cut {cut}");
                    TransformDriver.AssertSameAsLegacy(input, [cut, Math.Min(input.Length, cut + 33)], Uppercaser.MinimumDestinationLength + (cut % 40), $"background '{background}', offset {offset}, cuts {cut}+33");
                }
            }
        }
    }

    [Theory]
    [InlineData("ΐ")]
    [InlineData("ß")]
    [InlineData("ﬃ")]
    [InlineData("ɐ")]
    [InlineData("ı")]
    public void Runs_that_grow_or_shrink_behave_as_main_for_every_destination_size(string character)
    {
        byte[] input = Encoding.UTF8.GetBytes("abc" + string.Concat(Enumerable.Repeat(character + "日", 40)) + string.Concat(Enumerable.Repeat(character, 40)));
        for (int destination = Uppercaser.MinimumDestinationLength; destination <= 160; destination++)
        {
            TransformDriver.AssertSameAsLegacy(input, [], destination, $"'{character}' run, destination {destination}");
        }

        TransformDriver.AssertSameAsLegacy(input, [], input.Length * 3 + 16, $"'{character}' run");
    }

    [Fact]
    public void Every_byte_pair_across_a_window_boundary_behaves_as_main()
    {
        // All 65,536 pairs, placed so that they straddle the first window's end, after caseless and after ASCII text.
        byte[][] prefixes = [Encoding.UTF8.GetBytes("日本語のテキストと中文文本 "), Encoding.UTF8.GetBytes("abcdefghijklmnopqrstuvwxyz01234")];
        foreach (byte[] prefix in prefixes)
        {
            byte[] input = [.. prefix, 0, 0, .. Encoding.UTF8.GetBytes("мир 世界 and some more text after it")];
            for (int pair = 0; pair < 0x10000; pair++)
            {
                input[prefix.Length] = (byte)(pair >> 8);
                input[prefix.Length + 1] = (byte)pair;
                CheckOneShot(input, $"pair {pair:X4} at {prefix.Length}");
            }
        }
    }

    [Fact]
    public void Interesting_byte_triples_and_quads_at_every_window_position_behave_as_main()
    {
        byte[] interesting = [0x00, 0x41, 0x61, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xAD, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD1, 0xDF,
            0xE0, 0xE1, 0xE2, 0xE3, 0xEA, 0xED, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF];
        var random = new Random(15);
        byte[] filler = Encoding.UTF8.GetBytes("日本語のテキストと中文文本 한국어 텍스트도 포함합니다。 Привет, мир!");
        byte[] buffer = new byte[80];
        for (int a = 0; a < interesting.Length; a++)
        {
            for (int b = 0; b < interesting.Length; b++)
            {
                for (int c = 0; c < interesting.Length; c++)
                {
                    filler.AsSpan(0, buffer.Length).CopyTo(buffer);
                    int at = 26 + random.Next(10);
                    buffer[at] = interesting[a];
                    buffer[at + 1] = interesting[b];
                    buffer[at + 2] = interesting[c];
                    buffer[at + 3] = interesting[random.Next(interesting.Length)];
                    CheckOneShot(buffer, $"bytes at {at}");
                }
            }
        }
    }

    private static void CheckAtEveryOffset(string background, byte[] probe, string name)
    {
        for (int offset = 0; offset < Offsets; offset++)
        {
            byte[] input = Compose(background, offset, probe, []);
            CheckOneShot(input, $"'{name}' at {offset} in '{background}'");
            TransformDriver.AssertSameAsLegacy(input, [offset + 1], input.Length * 3 + 16, $"'{name}' at {offset} in '{background}', cut after its first byte");
        }
    }

    private static void CheckOneShot(byte[] input, string context)
    {
        (byte[] expected, long expectedInvalid) = UnicodeReference.Transform(input);
        (byte[] output, long invalid) = StreamingHelper.OneShot(new Uppercaser(CasingMode.Unicode), input);
        if (invalid != expectedInvalid || !expected.AsSpan().SequenceEqual(output))
        {
            Assert.Fail($"{context}: input {Convert.ToHexString(input)}\n  expected {Convert.ToHexString(expected)} ({expectedInvalid} invalid)\n  got      {Convert.ToHexString(output)} ({invalid} invalid)");
        }
    }

    /// <summary>The background repeated to <see cref="Span"/> bytes, with <paramref name="probe"/> at <paramref name="offset"/>
    /// (the background's character there is replaced by ASCII so the probe sits at exactly that byte), then <paramref name="second"/> 20 bytes later.</summary>
    private static byte[] Compose(string background, int offset, byte[] probe, byte[] second)
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(background, (Span / background.Length) + 2)));
        var bytes = new List<byte>();
        int i = 0;
        while (bytes.Count < offset)
        {
            // Whole sequences only, padded with '~' where the next one would pass the offset.
            int length = text[i] < 0x80 ? 1 : text[i] < 0xE0 ? 2 : text[i] < 0xF0 ? 3 : 4;
            if (bytes.Count + length > offset)
            {
                bytes.Add((byte)'~');
                continue;
            }

            bytes.AddRange(text.AsSpan(i, length).ToArray());
            i += length;
        }

        bytes.AddRange(probe);
        int secondAt = bytes.Count + 20;
        while (bytes.Count < Span)
        {
            if (second.Length > 0 && bytes.Count >= secondAt)
            {
                bytes.AddRange(second);
                second = [];
                continue;
            }

            int length = text[i] < 0x80 ? 1 : text[i] < 0xE0 ? 2 : text[i] < 0xF0 ? 3 : 4;
            bytes.AddRange(text.AsSpan(i, length).ToArray());
            i += length;
        }

        return [.. bytes];
    }
}
