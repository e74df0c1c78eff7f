using System.Buffers;
using System.Net;
using KestrelUpper.Proxy;
using static KestrelUpper.Tests.Proxy.ProxyHeaders;

namespace KestrelUpper.Tests.Proxy;

/// <summary>
/// Seeded fuzzing: random and mutated headers, cut into random segments and framed by sentinel bytes the parser
/// must never see. A failure prints the seed and iteration, so it replays exactly.
/// </summary>
public sealed class ProxyHeaderParserFuzzTests
{
    private const byte Sentinel = 0xA5;

    private static readonly byte[][] Seeds =
    [
        Ascii("PROXY TCP4 192.168.0.1 10.0.0.2 56324 443\r\n"),
        Ascii("PROXY TCP6 2001:db8::1 ::1 1 65535\r\n"),
        Ascii("PROXY UNKNOWN\r\n"),
        Ascii("PROXY UNKNOWN " + new string('x', 91) + "\r\n"),
        V2Proxy(IPEndPoint.Parse("1.2.3.4:5"), IPEndPoint.Parse("6.7.8.9:10")),
        V2Proxy(IPEndPoint.Parse("[2001:db8::1]:80"), IPEndPoint.Parse("[::1]:81"), Tlv(0x01, Ascii("h2")), Tlv(0x20, new byte[20])),
        V2Proxy(IPEndPoint.Parse("1.2.3.4:5"), IPEndPoint.Parse("6.7.8.9:10"), Tlv(0x04, []), Tlv(0xEA, new byte[7])),
        V2(0x20, 0x00, []),
        V2(0x21, 0x12, new byte[12]),
        Ascii("hi"),
    ];

    [Theory]
    [InlineData(8)]
    [InlineData(1234)]
    [InlineData(20261121)]
    public void Random_and_mutated_input_never_throws_never_reads_outside_its_buffer_and_agrees_with_itself(int seed)
    {
        var random = new Random(seed);
        for (int iteration = 0; iteration < 4000; iteration++)
        {
            byte[] data = NextInput(random);
            try
            {
                Check(random, data);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"seed {seed}, iteration {iteration}, input {Convert.ToHexString(data)}", ex);
            }
        }
    }

    private static void Check(Random random, byte[] data)
    {
        var expected = ProxyHeaderParserTests.Parse(data);

        // Framed by sentinels: the parser gets a window of a larger array and must not look past it.
        int before = random.Next(0, 8);
        var framed = new byte[before + data.Length + 8];
        framed.AsSpan().Fill(Sentinel);
        data.CopyTo(framed, before);
        Assert.Equal(expected, ProxyHeaderParserTests.Parse(new ReadOnlySequence<byte>(framed, before, data.Length)));

        // Any segmentation: same answer.
        int[] cuts = [.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(0, data.Length + 1))];
        Assert.Equal(expected, ProxyHeaderParserTests.Parse(Segmented(data, cuts)));

        Assert.InRange(expected.Consumed, 0, data.Length);
        if (expected.Status == ProxyParseStatus.Complete)
        {
            Assert.Equal(expected.Header.Length, expected.Consumed);
            Assert.InRange(expected.Header.Length, 8, 16 + 65535);

            // A header does not depend on what follows it.
            Assert.Equal(expected, ProxyHeaderParserTests.Parse(data[..expected.Header.Length]));
        }
        else
        {
            Assert.Equal(0, expected.Consumed);
        }

        // Only NeedMoreData may change as bytes arrive: a prefix's final answer is the whole input's answer.
        int prefix = random.Next(0, data.Length + 1);
        var early = ProxyHeaderParserTests.Parse(data[..prefix]);
        if (early.Status != ProxyParseStatus.NeedMoreData)
        {
            Assert.Equal(early, expected);
        }
    }

    private static byte[] NextInput(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return RandomBytes(random, random.Next(0, 64));
            case 1:
                // A signature followed by noise reaches the deeper code paths.
                byte[] start = random.Next(2) == 0 ? Ascii("PROXY ") : V2Signature;
                return Concat(start, RandomBytes(random, random.Next(0, 120)));
            default:
                return Mutate(random, Seeds[random.Next(Seeds.Length)]);
        }
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        List<byte> bytes = [.. seed];
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 3:
                    bytes.InsertRange(at, RandomBytes(random, random.Next(1, 5)));
                    break;
                case 4:
                    bytes.RemoveAt(at);
                    break;
                default:
                    // Lie about the v2 length or a TLV length: the fields a peer would abuse.
                    if (bytes.Count > 16)
                    {
                        int field = random.Next(2) == 0 ? 14 : random.Next(16, bytes.Count);
                        bytes[field] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        if (random.Next(3) == 0)
        {
            bytes.AddRange(RandomBytes(random, random.Next(1, 40)));
        }

        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
