using System.Buffers;
using System.Text;
using System.Text.Unicode;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// Seeded, reproducible randomized tests: the seed is in every failure message. KESTRELUPPER_FUZZ_CASES and
/// KESTRELUPPER_FUZZ_SEED override the case count and base seed for longer soak runs.
/// </summary>
public sealed class PropertyTests
{
    private static readonly int Cases = EnvironmentInt("KESTRELUPPER_FUZZ_CASES", 5000);
    private static readonly int BaseSeed = EnvironmentInt("KESTRELUPPER_FUZZ_SEED", 20261121);
    private const int MaxInputLength = 200;

    private static readonly Uppercaser Upper = new(CasingMode.Unicode);

    [Fact]
    public void Random_bytes_in_random_pieces_equal_one_piece_and_the_reference()
    {
        for (int i = 0; i < Cases; i++)
        {
            int seed = BaseSeed + i;
            var random = new Random(seed);
            byte[] input = RandomBytes(random);
            CheckSplitInvariance(input, random, seed);
        }
    }

    [Fact]
    public void Random_valid_text_in_random_pieces_equals_one_piece_and_the_reference()
    {
        for (int i = 0; i < Cases; i++)
        {
            int seed = BaseSeed + Cases + i;
            var random = new Random(seed);
            byte[] input = RandomText(random);
            (byte[] output, long invalid) = CheckSplitInvariance(input, random, seed);
            Assert.True(invalid == 0, $"seed {seed}: valid text reported invalid bytes");
            Assert.True(Utf8.IsValid(output), $"seed {seed}: output of valid UTF-8 is not valid UTF-8");
        }
    }

    [Fact]
    public void Fuzz_invariants_hold()
    {
        var ascii = new Uppercaser(CasingMode.Ascii);
        for (int i = 0; i < Cases; i++)
        {
            int seed = BaseSeed + (2 * Cases) + i;
            var random = new Random(seed);
            byte[] input = random.Next(3) switch
            {
                0 => RandomBytes(random),
                1 => RandomText(random),
                _ => Mutate(RandomText(random), random),
            };

            (byte[] output, long invalid) one;
            try
            {
                one = StreamingHelper.OneShot(Upper, input);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"seed {seed}: threw on {Convert.ToHexString(input)}", e);
            }

            bool isAscii = Ascii.IsValid(input);
            if (isAscii)
            {
                Assert.True(UnicodeReference.AsciiUpper(input).AsSpan().SequenceEqual(one.output), $"seed {seed}: ASCII input");
            }

            if (Utf8.IsValid(input))
            {
                Assert.True(Utf8.IsValid(one.output), $"seed {seed}: valid in, invalid out");
            }

            Assert.True(one.output.Length <= Upper.MaxOutputLength(input.Length), $"seed {seed}: MaxOutputLength exceeded");
            int[] cuts = RandomCuts(random, input.Length);
            Assert.True(one.output.AsSpan().SequenceEqual(StreamingHelper.Pieces(Upper, input, cuts, Uppercaser.MinimumDestinationLength).Output), $"seed {seed}: split changed output");
            Assert.True(UnicodeReference.AsciiUpper(input).AsSpan().SequenceEqual(StreamingHelper.Pieces(ascii, input, cuts, Uppercaser.MinimumDestinationLength).Output), $"seed {seed}: ASCII mode");
        }
    }

    private static (byte[] Output, long Invalid) CheckSplitInvariance(byte[] input, Random random, int seed)
    {
        (byte[] expected, long expectedInvalid) = UnicodeReference.Transform(input);
        (byte[] one, long oneInvalid) = StreamingHelper.OneShot(Upper, input);
        Assert.True(expected.AsSpan().SequenceEqual(one) && expectedInvalid == oneInvalid, $"seed {seed}: one piece differs from reference for {Convert.ToHexString(input)}");

        int[] cuts = RandomCuts(random, input.Length);
        int destinationLength = random.Next(Uppercaser.MinimumDestinationLength, 100);
        (byte[] pieces, long piecesInvalid) = StreamingHelper.Pieces(Upper, input, cuts, destinationLength);
        Assert.True(
            one.AsSpan().SequenceEqual(pieces) && oneInvalid == piecesInvalid,
            $"seed {seed}: pieces [{string.Join(',', cuts)}] dst {destinationLength} differ for {Convert.ToHexString(input)}");
        return (one, oneInvalid);
    }

    private static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int value) ? value : fallback;

    private static int[] RandomCuts(Random random, int length)
    {
        int count = random.Next(Math.Min(length, 12) + 1);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(length + 1)).Order()];
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(MaxInputLength)];
        random.NextBytes(bytes);
        // Bias towards UTF-8 shaped bytes and lowercase ASCII so sequences, near-misses and letters all occur.
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = random.Next(4) switch
            {
                0 => (byte)random.Next('a', 'z' + 1),
                1 => (byte)random.Next(0x80, 0xC0),
                2 => (byte)random.Next(0xC0, 0x100),
                _ => bytes[i],
            };
        }

        return bytes;
    }

    private static byte[] RandomText(Random random)
    {
        var text = new StringBuilder();
        int count = random.Next(MaxInputLength / 2);
        int[] changed = [.. UnicodeReference.Changed.Keys];
        for (int i = 0; i < count; i++)
        {
            int cp = random.Next(4) switch
            {
                0 => random.Next(0x80),
                1 => changed[random.Next(changed.Length)],
                2 => random.Next(0x80, 0x800),
                _ => random.Next(UnicodeReference.MaxCodePoint + 1),
            };
            if (!UnicodeReference.IsSurrogate(cp))
            {
                text.Append(char.ConvertFromUtf32(cp));
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        if (input.Length == 0)
        {
            return input;
        }

        int edits = random.Next(1, 4);
        for (int i = 0; i < edits; i++)
        {
            input[random.Next(input.Length)] = (byte)random.Next(0x100);
        }

        return random.Next(2) == 0 ? input : input.AsSpan(0, random.Next(input.Length)).ToArray();
    }
}
