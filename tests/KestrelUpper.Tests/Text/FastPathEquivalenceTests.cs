using System.Text;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// The fast paths (vector windows, the 2-byte table, caseless runs) against main's scalar transform
/// (<see cref="LegacyUppercaser"/>) and the independent reference (<see cref="UnicodeReference"/>): large random
/// multilingual inputs, with and without invalid bytes, in random pieces through random destination sizes.
/// Equal means equal in every call: output, status, bytes consumed and written, carry and invalid-byte count.
/// Seeded; KESTRELUPPER_FUZZ_CASES scales the case count.
/// </summary>
public sealed class FastPathEquivalenceTests
{
    private const int Seed = 15_000;
    private const int DefaultCases = 100;

    // The property tests' soak knob, scaled down: these inputs are up to 64 KiB each.
    private static readonly int Cases =
        int.TryParse(Environment.GetEnvironmentVariable("KESTRELUPPER_FUZZ_CASES"), out int soak) ? Math.Max(1, soak / 50) : DefaultCases;

    [Fact]
    public void Large_valid_multilingual_text_equals_main_and_the_reference()
    {
        for (int i = 0; i < Cases; i++)
        {
            var random = new Random(Seed + i);
            byte[] input = MultilingualText.Valid(random, random.Next(1, 64 * 1024));
            (byte[] expected, long invalid) = UnicodeReference.Transform(input);
            Assert.Equal(0, invalid);
            (byte[] output, long ourInvalid) = StreamingHelper.OneShot(new Uppercaser(CasingMode.Unicode), input);
            Assert.True(expected.AsSpan().SequenceEqual(output) && ourInvalid == 0, $"seed {Seed + i}: one shot differs from the reference");
            TransformDriver.AssertSameAsLegacy(input, [], input.Length * 3 + 16, $"seed {Seed + i}, one piece");
        }
    }

    [Fact]
    public void Large_text_with_invalid_bytes_equals_main_and_the_reference()
    {
        for (int i = 0; i < Cases; i++)
        {
            var random = new Random(Seed + Cases + i);
            byte[] input = MultilingualText.WithInvalid(random, random.Next(1, 64 * 1024), random.NextDouble());
            (byte[] expected, long expectedInvalid) = UnicodeReference.Transform(input);
            (byte[] output, long invalid) = StreamingHelper.OneShot(new Uppercaser(CasingMode.Unicode), input);
            Assert.True(expected.AsSpan().SequenceEqual(output), $"seed {Seed + Cases + i}: output differs from the reference");
            Assert.True(expectedInvalid == invalid, $"seed {Seed + Cases + i}: {invalid} invalid bytes, reference {expectedInvalid}");
            TransformDriver.AssertSameAsLegacy(input, [], input.Length * 3 + 16, $"seed {Seed + Cases + i}, one piece");
        }
    }

    [Fact]
    public void Random_pieces_and_destinations_behave_as_main_call_by_call()
    {
        for (int i = 0; i < Cases; i++)
        {
            int seed = Seed + (2 * Cases) + i;
            var random = new Random(seed);
            byte[] input = random.Next(2) == 0
                ? MultilingualText.Valid(random, random.Next(1, 8192))
                : MultilingualText.WithInvalid(random, random.Next(1, 8192), random.NextDouble() / 4);
            int[] cuts = [.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(input.Length + 1)).Order()];
            int destination = random.Next(3) switch
            {
                0 => Uppercaser.MinimumDestinationLength + random.Next(24),
                1 => random.Next(32, 300),
                _ => (input.Length * 3) + 16,
            };
            TransformDriver.AssertSameAsLegacy(input, cuts, destination, $"seed {seed}");
        }
    }

    [Fact]
    public void Latin1_text_sent_as_utf8_equals_main()
    {
        // Lone high bytes between ASCII (é as E9), now and then two or three in a row or one or two ASCII bytes apart,
        // some of them real UTF-8 sequences: the isolated-byte fast path and its edges.
        for (int i = 0; i < Cases; i++)
        {
            int seed = Seed + (3 * Cases) + i;
            var random = new Random(seed);
            byte[] input = new byte[random.Next(1, 4096)];
            double density = random.NextDouble() / 2;
            for (int j = 0; j < input.Length; j++)
            {
                input[j] = random.NextDouble() < density ? (byte)random.Next(0x80, 0x100) : (byte)random.Next(0x20, 0x7F);
            }

            if (random.Next(2) == 0)
            {
                byte[] word = Encoding.UTF8.GetBytes("é€😀ß");
                int at = random.Next(input.Length);
                word.AsSpan(0, Math.Min(word.Length, input.Length - at)).CopyTo(input.AsSpan(at));
            }

            (byte[] expected, long expectedInvalid) = UnicodeReference.Transform(input);
            (byte[] output, long invalid) = StreamingHelper.OneShot(new Uppercaser(CasingMode.Unicode), input);
            Assert.True(expected.AsSpan().SequenceEqual(output) && expectedInvalid == invalid, $"seed {seed}: differs from the reference ({invalid} invalid, expected {expectedInvalid})");
            int[] cuts = [.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => random.Next(input.Length + 1)).Order()];
            TransformDriver.AssertSameAsLegacy(input, cuts, random.Next(2) == 0 ? input.Length * 3 + 16 : random.Next(16, 200), $"seed {seed}");
        }
    }

    [Fact]
    public void Every_code_point_in_shuffled_buffers_equals_the_reference()
    {
        // All code points again (the exhaustive test keeps them in order, so each window holds one script): shuffled,
        // every window mixes lengths, leads and blocks.
        var all = new List<int>();
        for (int cp = 0x80; cp <= UnicodeReference.MaxCodePoint; cp++)
        {
            if (!UnicodeReference.IsSurrogate(cp))
            {
                all.Add(cp);
            }
        }

        var random = new Random(Seed);
        int[] shuffled = [.. all.OrderBy(_ => random.Next())];
        var text = new StringBuilder();
        foreach (int cp in shuffled)
        {
            text.Append(char.ConvertFromUtf32(cp));
            if (random.Next(5) == 0)
            {
                text.Append((char)random.Next('a', 'z' + 1));
            }
        }

        byte[] input = Encoding.UTF8.GetBytes(text.ToString());
        (byte[] expected, _) = UnicodeReference.Transform(input);
        (byte[] output, long invalid) = StreamingHelper.OneShot(new Uppercaser(CasingMode.Unicode), input);
        Assert.Equal(0, invalid);
        Assert.True(expected.AsSpan().SequenceEqual(output), "shuffled code points differ from the reference");
    }
}
