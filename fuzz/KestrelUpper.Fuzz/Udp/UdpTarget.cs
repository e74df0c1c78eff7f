using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using KestrelUpper.Text;
using KestrelUpper.Udp;
using Microsoft.Extensions.Options;
using static KestrelUpper.Fuzz.FuzzCheckException;

namespace KestrelUpper.Fuzz.Udp;

/// <summary>
/// The UDP datagram rules (<see cref="UdpDatagramProcessor"/> with its rate limiter and <see cref="SourceKey"/>) on a
/// run of datagrams: the settings come from the first bytes, then each datagram is a header (source, port, time
/// step, length) and its bytes. Checks per datagram: never throws; a blocked source port is never answered; a reply
/// is exactly the one-shot transform of the datagram and never longer than MaxReplyBytes; a too-large drop only when
/// the transform really is too large; a rate-limit drop only when limiting is on; a source's first datagram is
/// answered when its cost fits the burst; and for at most two buckets (no eviction possible) the tokens spent never
/// exceed burst plus rate times elapsed time.
/// </summary>
internal static class UdpTarget
{
    private const int MaxDatagramLength = 4096;

    private static readonly IPAddress[] KnownSources =
    [
        IPAddress.Parse("127.0.0.1"),
        IPAddress.Parse("192.0.2.7"),
        IPAddress.Parse("::1"),
        IPAddress.Parse("2001:db8::1"),
        IPAddress.Parse("2001:db8::2"), // the same /64 as the one before: the same bucket
        IPAddress.Parse("2001:db8:0:1::1"),
        IPAddress.Parse("::ffff:127.0.0.1"), // the same bucket as 127.0.0.1
    ];

    public static void Check(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        byte flags = input.TakeByte();
        var udp = new UdpOptions
        {
            MaxReplyBytes = input.TakeUInt16() % (UdpOptions.MaxDatagramPayload + 1),
            RatePerSource = input.TakeByte(),
            BurstPerSource = input.TakeByte() + 1,
            MaxTrackedSources = input.TakeByte() + 1,
        };
        if ((flags & 0x02) != 0)
        {
            int[] ports = new int[input.TakeByte() % 5];
            for (int i = 0; i < ports.Length; i++)
            {
                ports[i] = input.TakeUInt16();
            }

            udp.BlockedSourcePorts = ports;
        }

        var options = Options.Create(new UpperOptions { Casing = (flags & 1) == 0 ? CasingMode.Unicode : CasingMode.Ascii, Udp = udp });
        var time = new SteppedTimeProvider();
        var counters = new UpperCounters();
        var processor = new UdpDatagramProcessor(new Uppercaser(options.Value.Casing), new SourceRateLimiter(options, time), counters, options);
        var blocked = new HashSet<int>(udp.EffectiveBlockedSourcePorts);
        if ((flags & 0x04) != 0)
        {
            int ownPort = input.TakeUInt16();
            processor.BlockSourcePort(ownPort);
            blocked.Add(ownPort);
        }

        var reference = new Uppercaser(options.Value.Casing);
        var buckets = new Dictionary<UInt128, Bucket>();
        byte[] reply = new byte[processor.ReplyBufferLength];
        long received = 0;
        var drops = new long[Enum.GetValues<UdpDropReason>().Length];
        while (!input.IsEmpty)
        {
            byte header = input.TakeByte();
            SourceKey source = ReadSource(ref input, header);
            time.Advance(TimeSpan.FromMilliseconds(input.TakeByte() * (((header & 0x80) != 0) ? 64 : 1)));
            ReadOnlySpan<byte> request = input.Take(input.TakeUInt16() % (MaxDatagramLength + 1));

            UdpDropReason? dropped = processor.Process(request, source, reply, out int replyLength);
            received++;
            if (dropped is { } reason)
            {
                drops[(int)reason]++;
            }

            CheckDatagram(request, source, dropped, reply.AsSpan(0, replyLength), blocked, reference, udp, buckets, time.GetTimestamp());
        }

        Require(counters.UdpDatagramsReceived == received, $"counted {counters.UdpDatagramsReceived} datagrams received, {received} processed");
        foreach (UdpDropReason reason in Enum.GetValues<UdpDropReason>())
        {
            Require(counters.UdpDropped(reason) == drops[(int)reason], $"counted {counters.UdpDropped(reason)} {reason} drops, {drops[(int)reason]} returned");
        }
    }

    /// <summary>A raw sockaddr_in/sockaddr_in6 as recvmmsg fills it in, read back by <see cref="SourceKey.From(ReadOnlySpan{byte}, AddressFamily)"/>.</summary>
    private static SourceKey ReadSource(ref FuzzInput input, byte header)
    {
        int choice = header & 0x0F;
        IPAddress address = choice < KnownSources.Length ? KnownSources[choice]
            : choice < 12 ? new IPAddress(input.Take(4).ToArray() is { Length: 4 } v4 ? v4 : new byte[4])
            : new IPAddress(input.Take(16).ToArray() is { Length: 16 } v6 ? v6 : new byte[16]);
        int port = input.TakeUInt16();
        bool ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        Span<byte> sockaddr = stackalloc byte[ipv6 ? 28 : 16];
        sockaddr.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(sockaddr[2..], (ushort)port);
        address.TryWriteBytes(sockaddr[(ipv6 ? 8 : 4)..], out _);
        SourceKey key = SourceKey.From(sockaddr, address.AddressFamily);
        Require(key.Port == port, $"SourceKey port {key.Port}, sockaddr port {port}");
        Require(key.ToIPAddress().Equals(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address), $"SourceKey address {key.ToIPAddress()}, sockaddr address {address}");
        return key;
    }

    private static void CheckDatagram(ReadOnlySpan<byte> request, SourceKey source, UdpDropReason? dropped, ReadOnlySpan<byte> reply, HashSet<int> blocked, Uppercaser reference, UdpOptions udp, Dictionary<UInt128, Bucket> buckets, long now)
    {
        string what = $"{request.Length}-byte datagram from {source.ToIPAddress()} port {source.Port}: {dropped?.ToString() ?? "answered"}";
        if (blocked.Contains(source.Port))
        {
            Require(dropped == UdpDropReason.BlockedSourcePort && reply.IsEmpty, $"{what}, but the port is blocked");
            return;
        }

        Require(dropped != UdpDropReason.BlockedSourcePort, $"{what}, but the port is not blocked");
        byte[] expected = new byte[reference.MaxOutputLength(request.Length)];
        Require(reference.TryTransformComplete(request, expected, out int expectedLength, out _), "the one-shot transform refused MaxOutputLength bytes");
        bool fits = expectedLength <= udp.MaxReplyBytes;
        int cost = expectedLength > request.Length ? 1 + ((expectedLength - 1) / request.Length) : 1;

        UInt128 bucketKey = (source.Address >> 32) == 0xFFFF ? source.Address : source.Address & (UInt128.MaxValue << 64);
        bool fresh = !buckets.TryGetValue(bucketKey, out Bucket bucket);
        if (fresh)
        {
            bucket = new Bucket(now, 0);
        }

        switch (dropped)
        {
            case null:
                Require(reply.Length <= udp.MaxReplyBytes, $"{what} with {reply.Length} bytes, over MaxReplyBytes {udp.MaxReplyBytes}");
                Require(reply.SequenceEqual(expected.AsSpan(0, expectedLength)), $"{what} with {Convert.ToHexString(reply)}, not the one-shot transform {Convert.ToHexString(expected, 0, expectedLength)}");
                bucket = bucket with { Spent = bucket.Spent + cost };
                break;
            case UdpDropReason.ReplyTooLarge:
                Require(!fits, $"{what}, but its {expectedLength}-byte reply fits MaxReplyBytes {udp.MaxReplyBytes}");
                break;
            case UdpDropReason.RateLimited:
                Require(udp.RatePerSource > 0, $"{what}, but rate limiting is off");
                Require(!fresh || (fits && cost > udp.BurstPerSource), $"{what}: a new source's first datagram costing {cost} of a {udp.BurstPerSource} burst");
                break;
            default:
                throw new FuzzCheckException($"{what}: not a reason the processor gives");
        }

        if (fits && (fresh || udp.RatePerSource == 0))
        {
            // Nothing spent from the bucket yet (or no bucket at all): the answer depends only on the datagram's cost.
            bool answerable = udp.RatePerSource == 0 || cost <= udp.BurstPerSource;
            Require((dropped is null) == answerable, $"{what}: a datagram costing {cost} tokens of a full {udp.BurstPerSource} burst (rate {udp.RatePerSource})");
        }

        buckets[bucketKey] = bucket;
        if (udp.RatePerSource > 0 && buckets.Count <= 2)
        {
            double allowance = udp.BurstPerSource + (udp.RatePerSource * (double)(now - bucket.FirstSeen) / TimeSpan.TicksPerSecond);
            Require(bucket.Spent <= allowance + 1e-6, $"{what}: the source spent {bucket.Spent} tokens, more than {allowance} (burst + rate x elapsed)");
        }
    }

    private readonly record struct Bucket(long FirstSeen, long Spent);
}
