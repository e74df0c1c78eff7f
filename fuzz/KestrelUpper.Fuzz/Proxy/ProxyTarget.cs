using System.Buffers;
using System.Net;
using System.Net.Sockets;
using KestrelUpper.Proxy;
using static KestrelUpper.Fuzz.FuzzCheckException;

namespace KestrelUpper.Fuzz.Proxy;

/// <summary>
/// The PROXY v1/v2 header parser on the whole input as the bytes a connection starts with. Checks: it never throws
/// and never reads outside the sequence it is given (each segment is its own exact-length array); the result does
/// not depend on how the bytes are cut into segments; every prefix either needs more data or already gives the full
/// input's result (so a header cut anywhere by TCP is read the same); an accepted header writes back (our own v1/v2
/// writer) to the same addresses and ports and parses again to the same header.
/// </summary>
internal static class ProxyTarget
{
    /// <summary>Prefixes up to this length are all tried; past it only those around the header's end (keeps runs linear).</summary>
    private const int AllPrefixesUpTo = 128;

    public static void Check(ReadOnlySpan<byte> data)
    {
        Result full = Parse(new ReadOnlySequence<byte>(data.ToArray()));
        CheckResult(data, full);

        // The same bytes cut into segments at the header's landmarks, then one byte per segment.
        int headerEnd = full.Status == ProxyParseStatus.Complete ? full.Header.Length : data.Length;
        ReadOnlySpan<int> landmarks = [1, 5, 6, 11, 12, 13, 14, 15, 16, 28, 52, headerEnd - 1, headerEnd, headerEnd + 1];
        foreach (int cut in landmarks)
        {
            RequireSame(full, Parse(ChainedSegment.Split(data, [cut])), $"cut at {cut}");
        }

        RequireSame(full, Parse(ChainedSegment.Split(data, landmarks.ToArray().Order().ToArray())), "cut at every landmark");
        int[] everyByte = Enumerable.Range(1, Math.Min(data.Length, AllPrefixesUpTo)).ToArray();
        RequireSame(full, Parse(ChainedSegment.Split(data, everyByte)), "one byte per segment");

        CheckPrefixes(data, full);
        if (full.Status == ProxyParseStatus.Complete)
        {
            CheckRoundTrip(data, full.Header);
        }
    }

    private static void CheckResult(ReadOnlySpan<byte> data, Result result)
    {
        Require(Enum.IsDefined(result.Status), $"status {(int)result.Status} is not a ProxyParseStatus");
        var sequence = new ReadOnlySequence<byte>(data.ToArray());
        bool signature = ProxyHeaderParser.StartsWithSignature(sequence);
        switch (result.Status)
        {
            case ProxyParseStatus.Complete:
                ProxyHeader header = result.Header;
                Require(header.Version is 1 or 2, $"version {header.Version}");
                Require(header.Length > 0 && header.Length <= data.Length, $"header length {header.Length} outside the {data.Length} bytes given");
                Require(result.Consumed == header.Length, $"consumed {result.Consumed}, header length {header.Length}");
                Require(header.Version != 1 || header.Length <= ProxyHeaderParser.MaxV1Length, $"v1 header of {header.Length} bytes");
                Require((header.Source is null) == (header.Destination is null), "only one of source and destination");
                Require(signature, "Complete without a signature");
                break;
            case ProxyParseStatus.Invalid:
                Require(signature && result.Consumed == 0, "Invalid without a signature, or consumed bytes");
                break;
            case ProxyParseStatus.NotProxy:
                Require(!signature && result.Consumed == 0, "NotProxy with a signature, or consumed bytes");
                break;
            default:
                Require(result.Consumed == 0, "NeedMoreData consumed bytes");
                // A v1 header is decided within 107 bytes; a v2 one within its declared length.
                Require(!(data.StartsWith("PROXY "u8) && data.Length >= ProxyHeaderParser.MaxV1Length), $"NeedMoreData on {data.Length} bytes of v1");
                Require(!(data.StartsWith(ProxyHeaderWriter.V2Signature) && data.Length >= 16 && data.Length >= 16 + ((data[14] << 8) | data[15])), "NeedMoreData on a whole v2 header");
                break;
        }
    }

    /// <summary>Once a prefix decides (anything but NeedMoreData), every longer prefix decides the same.</summary>
    private static void CheckPrefixes(ReadOnlySpan<byte> data, Result full)
    {
        var lengths = new SortedSet<int>(Enumerable.Range(0, Math.Min(data.Length, AllPrefixesUpTo) + 1));
        if (full.Status == ProxyParseStatus.Complete)
        {
            lengths.UnionWith([full.Header.Length - 1, full.Header.Length]);
        }

        lengths.Add(data.Length - 1);
        Result? decided = null;
        foreach (int length in lengths)
        {
            if (length < 0 || length > data.Length)
            {
                continue;
            }

            Result prefix = Parse(new ReadOnlySequence<byte>(data[..length].ToArray()));
            if (decided is { } earlier)
            {
                RequireSame(earlier, prefix, $"prefix of {length} bytes after a shorter prefix decided");
            }
            else if (prefix.Status != ProxyParseStatus.NeedMoreData)
            {
                RequireSame(full, prefix, $"prefix of {length} bytes");
                decided = prefix;
            }
        }
    }

    private static void CheckRoundTrip(ReadOnlySpan<byte> data, ProxyHeader header)
    {
        ReadOnlySpan<byte> original = data[..header.Length];
        if (header.Source is { } source && header.Destination is { } destination)
        {
            Require(source.AddressFamily == destination.AddressFamily, "source and destination of different families");
            if (header.Version == 1)
            {
                bool tcp4 = original.StartsWith("PROXY TCP4 "u8);
                Require(tcp4 == (source.AddressFamily == AddressFamily.InterNetwork), "v1 family keyword does not match the addresses");

                // Dotted quads have one spelling (no leading zeros): an IPv4 header writes back byte for byte.
                Require(!tcp4 || original.SequenceEqual(ProxyHeaderWriter.V1(source, destination)), "TCP4 header does not write back to the same bytes");
            }
            else
            {
                byte[] written = ProxyHeaderWriter.V2(source, destination);
                int addressBlock = written.Length - 16;
                Require(original[13] == written[13] && original.Slice(16, addressBlock).SequenceEqual(written.AsSpan(16)), "v2 address block does not write back to the same bytes");
            }
        }

        foreach (byte[] written in (byte[][])[ProxyHeaderWriter.V1(header.Source, header.Destination), ProxyHeaderWriter.V2(header.Source, header.Destination)])
        {
            Result again = Parse(new ReadOnlySequence<byte>(written));
            Require(again.Status == ProxyParseStatus.Complete && again.Header.Length == written.Length, $"written header {Convert.ToHexString(written)} parses as {again.Status}");
            Require(Equals(again.Header.Source, header.Source) && Equals(again.Header.Destination, header.Destination), $"written header {Convert.ToHexString(written)} parses to {again.Header.Source} -> {again.Header.Destination}, not {header.Source} -> {header.Destination}");
        }
    }

    private static Result Parse(ReadOnlySequence<byte> sequence)
    {
        ProxyParseStatus status = ProxyHeaderParser.TryParse(sequence, out ProxyHeader header, out SequencePosition consumed);
        return new Result(status, header, sequence.Slice(0, consumed).Length);
    }

    private static void RequireSame(Result expected, Result actual, string how) =>
        Require(expected == actual, $"{how}: {actual} instead of {expected}");

    private readonly record struct Result(ProxyParseStatus Status, ProxyHeader Header, long Consumed);
}
