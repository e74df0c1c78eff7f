using System.Buffers;
using System.Net;
using KestrelUpper.Proxy;
using static KestrelUpper.Tests.Proxy.ProxyHeaders;

namespace KestrelUpper.Tests.Proxy;

public sealed class ProxyHeaderParserTests
{
    private static readonly IPEndPoint Client4 = IPEndPoint.Parse("192.168.0.1:56324");
    private static readonly IPEndPoint Server4 = IPEndPoint.Parse("10.0.0.2:443");
    private static readonly IPEndPoint Client6 = IPEndPoint.Parse("[2001:db8::1]:1");
    private static readonly IPEndPoint Server6 = IPEndPoint.Parse("[::1]:65535");

    internal static (ProxyParseStatus Status, ProxyHeader Header, long Consumed) Parse(ReadOnlySequence<byte> buffer)
    {
        ProxyParseStatus status = ProxyHeaderParser.TryParse(buffer, out ProxyHeader header, out SequencePosition consumed);
        return (status, header, buffer.Slice(buffer.Start, consumed).Length);
    }

    internal static (ProxyParseStatus Status, ProxyHeader Header, long Consumed) Parse(byte[] data) => Parse(new ReadOnlySequence<byte>(data));

    /// <summary>Valid headers of every shape, with what they should parse to.</summary>
    public static TheoryData<string, byte[], int, string?, string?> ValidHeaders => new()
    {
        { "v1 TCP4", Ascii("PROXY TCP4 192.168.0.1 10.0.0.2 56324 443\r\n"), 1, "192.168.0.1:56324", "10.0.0.2:443" },
        { "v1 TCP4 edges", Ascii("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"), 1, "0.0.0.0:0", "255.255.255.255:65535" },
        { "v1 TCP6", Ascii("PROXY TCP6 2001:db8::1 ::1 1 65535\r\n"), 1, "[2001:db8::1]:1", "[::1]:65535" },
        { "v1 TCP6 full", Ascii("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"), 1, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535" },
        { "v1 TCP6 mapped", Ascii("PROXY TCP6 ::ffff:1.2.3.4 ::1 80 81\r\n"), 1, "[::ffff:1.2.3.4]:80", "[::1]:81" },
        { "v1 UNKNOWN", Ascii("PROXY UNKNOWN\r\n"), 1, null, null },
        { "v1 UNKNOWN with junk", Ascii("PROXY UNKNOWN ffff:f...f:ffff 1.2.3 x y z\r\n"), 1, null, null },
        { "v1 at 107 bytes", Ascii("PROXY UNKNOWN " + new string('x', 107 - 16) + "\r\n"), 1, null, null },
        { "v2 PROXY IPv4", V2Proxy(Client4, Server4), 2, "192.168.0.1:56324", "10.0.0.2:443" },
        { "v2 PROXY IPv6", V2Proxy(Client6, Server6), 2, "[2001:db8::1]:1", "[::1]:65535" },
        { "v2 PROXY IPv4 TLVs", V2Proxy(Client4, Server4, Tlv(0x04, []), Tlv(0x01, Ascii("h2")), Tlv(0x20, new byte[300])), 2, "192.168.0.1:56324", "10.0.0.2:443" },
        { "v2 PROXY IPv6 TLVs", V2Proxy(Client6, Server6, Tlv(0xEA, Ascii("vpce-0123456789abcdef"))), 2, "[2001:db8::1]:1", "[::1]:65535" },
        { "v2 LOCAL", V2(0x20, 0x00, []), 2, null, null },
        { "v2 LOCAL with addresses and TLVs", V2(0x20, 0x11, [.. new byte[12], .. Tlv(0x03, new byte[4])]), 2, null, null },
        { "v2 LOCAL with junk", V2(0x20, 0x11, [0xFF, 0xFF, 0xFF]), 2, null, null },
        { "v2 PROXY UNSPEC", V2(0x21, 0x00, []), 2, null, null },
        { "v2 PROXY UDP4", V2(0x21, 0x12, new byte[12]), 2, null, null },
        { "v2 PROXY UDP6", V2(0x21, 0x22, new byte[36]), 2, null, null },
        { "v2 PROXY unix stream", V2(0x21, 0x31, new byte[216]), 2, null, null },
        { "v2 PROXY TCP4 zero addresses", V2(0x21, 0x11, new byte[12]), 2, "0.0.0.0:0", "0.0.0.0:0" },
    };

    /// <summary>Signatures followed by headers that break the spec.</summary>
    public static TheoryData<string, byte[]> MalformedHeaders => new()
    {
        { "v1 port too big", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 65536 80\r\n") },
        { "v1 negative port", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 -1 80\r\n") },
        { "v1 port leading zero", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 080 80\r\n") },
        { "v1 port not a number", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 8x 80\r\n") },
        { "v1 port six digits", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 000080 80\r\n") },
        { "v1 octet too big", Ascii("PROXY TCP4 256.2.3.4 5.6.7.8 1 80\r\n") },
        { "v1 three octets", Ascii("PROXY TCP4 1.2.3 5.6.7.8 1 80\r\n") },
        { "v1 five octets", Ascii("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 80\r\n") },
        { "v1 octet leading zero", Ascii("PROXY TCP4 01.2.3.4 5.6.7.8 1 80\r\n") },
        { "v1 empty octet", Ascii("PROXY TCP4 1..3.4 5.6.7.8 1 80\r\n") },
        { "v1 hex octet", Ascii("PROXY TCP4 0x7f.0.0.1 5.6.7.8 1 80\r\n") },
        { "v1 IPv6 in TCP4", Ascii("PROXY TCP4 ::1 5.6.7.8 1 80\r\n") },
        { "v1 IPv4 in TCP6", Ascii("PROXY TCP6 1.2.3.4 ::1 1 80\r\n") },
        { "v1 scope id", Ascii("PROXY TCP6 fe80::1%eth0 ::1 1 80\r\n") },
        { "v1 bracketed IPv6", Ascii("PROXY TCP6 [::1] ::1 1 80\r\n") },
        { "v1 bad IPv6", Ascii("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 80\r\n") },
        { "v1 missing field", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 80\r\n") },
        { "v1 extra field", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 80 9\r\n") },
        { "v1 double space", Ascii("PROXY TCP4 1.2.3.4  5.6.7.8 1 80\r\n") },
        { "v1 trailing space", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 80 \r\n") },
        { "v1 unknown protocol", Ascii("PROXY TCP5 1.2.3.4 5.6.7.8 1 80\r\n") },
        { "v1 lower case protocol", Ascii("PROXY tcp4 1.2.3.4 5.6.7.8 1 80\r\n") },
        { "v1 UNKNOWN glued", Ascii("PROXY UNKNOWNX\r\n") },
        { "v1 empty", Ascii("PROXY \r\n") },
        { "v1 LF without CR", Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 80\n") },
        { "v1 CR inside", Ascii("PROXY TCP4 1.2.3.4\r5.6.7.8 1 80\r\n") },
        { "v1 no CRLF in 107 bytes", Ascii("PROXY UNKNOWN " + new string('x', 93)) },
        { "v1 108 bytes", Ascii("PROXY UNKNOWN " + new string('x', 92) + "\r\n") },
        { "v2 version 1", V2(0x11, 0x11, new byte[12]) },
        { "v2 version 3", V2(0x31, 0x11, new byte[12]) },
        { "v2 version 0", V2(0x01, 0x11, new byte[12]) },
        { "v2 command 2", V2(0x22, 0x11, new byte[12]) },
        { "v2 command F", V2(0x2F, 0x00, []) },
        { "v2 family 4", V2(0x21, 0x41, new byte[12]) },
        { "v2 protocol 3", V2(0x21, 0x13, new byte[12]) },
        { "v2 TCP4 length short of addresses", V2(0x21, 0x11, new byte[8]) },
        { "v2 TCP6 length short of addresses", V2(0x21, 0x21, new byte[12]) },
        { "v2 TCP4 declared 0 with addresses after", V2(0x21, 0x11, new byte[12], declaredLength: 0) },
        { "v2 TLV overruns the length", V2Proxy(Client4, Server4, [0x01, 0x00, 0x05, 0x41, 0x42]) },
        { "v2 TLV length FFFF", V2Proxy(Client4, Server4, [0x01, 0xFF, 0xFF]) },
        { "v2 TLV header cut (1 byte)", V2Proxy(Client4, Server4, [0x01]) },
        { "v2 TLV header cut (2 bytes)", V2Proxy(Client4, Server4, Tlv(0x02, Ascii("x")), [0x01, 0x00]) },
    };

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void Parses_every_valid_shape_and_leaves_the_data_after_it(string name, byte[] header, int version, string? source, string? destination)
    {
        byte[] data = Concat(header, Ascii("hello"));
        var (status, parsed, consumed) = Parse(data);
        Assert.True(status == ProxyParseStatus.Complete, name);
        Assert.Equal(version, parsed.Version);
        Assert.Equal(header.Length, parsed.Length);
        Assert.Equal(header.Length, consumed);
        Assert.Equal(source is null ? null : IPEndPoint.Parse(source), parsed.Source);
        Assert.Equal(destination is null ? null : IPEndPoint.Parse(destination), parsed.Destination);
        Assert.Equal(source is not null, parsed.HasAddresses);
        Assert.True(ProxyHeaderParser.StartsWithSignature(new ReadOnlySequence<byte>(data)));
    }

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Refuses_malformed_headers(string name, byte[] header)
    {
        var (status, _, consumed) = Parse(Concat(header, Ascii("hello\r\n"), new byte[200]));
        Assert.True(status == ProxyParseStatus.Invalid, $"{name}: {status}");
        Assert.Equal(0, consumed);
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void Every_truncation_of_a_valid_header_needs_more_data(string name, byte[] header, int version, string? source, string? destination)
    {
        _ = (version, source, destination);
        for (int length = 0; length < header.Length; length++)
        {
            var (status, _, consumed) = Parse(header[..length]);
            Assert.True(status == ProxyParseStatus.NeedMoreData, $"{name} cut at {length}: {status}");
            Assert.Equal(0, consumed);
        }
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void Split_at_every_offset_gives_the_same_result(string name, byte[] header, int version, string? source, string? destination)
    {
        _ = (version, source, destination);
        byte[] data = Concat(header, Ascii("tail"));
        var expected = Parse(data);
        for (int cut = 1; cut < data.Length; cut++)
        {
            Assert.True(expected == Parse(Segmented(data, cut)), $"{name} split at {cut}");
            Assert.True(expected == Parse(Segmented(data, cut, cut + 1, cut + 7)), $"{name} split at {cut}, {cut + 1}, {cut + 7}");
        }

        Assert.True(expected == Parse(ByteByByte(data)), $"{name} byte by byte");
    }

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Split_at_every_offset_gives_the_same_refusal(string name, byte[] header)
    {
        byte[] data = Concat(header, Ascii("tail"));
        for (int cut = 1; cut < data.Length; cut++)
        {
            Assert.True(Parse(Segmented(data, cut)).Status == ProxyParseStatus.Invalid, $"{name} split at {cut}");
        }

        Assert.Equal(ProxyParseStatus.Invalid, Parse(ByteByByte(data)).Status);
    }

    [Theory]
    [InlineData("h")]
    [InlineData("hi")]
    [InlineData("hello\n")]
    [InlineData("PRX")]
    [InlineData("PROXY\r\n")]
    [InlineData("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData(" PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("\r\r")]
    [InlineData("\r\n\r\n\0\r\nQUIT\r")]
    public void Plain_data_is_told_apart_from_the_first_differing_byte(string text)
    {
        byte[] data = Ascii(text);
        var (status, _, consumed) = Parse(data);
        Assert.Equal(ProxyParseStatus.NotProxy, status);
        Assert.Equal(0, consumed);
        Assert.False(ProxyHeaderParser.StartsWithSignature(new ReadOnlySequence<byte>(data)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PROXY")]
    [InlineData("\r")]
    [InlineData("\r\n")]
    [InlineData("\r\n\r\n")]
    [InlineData("\r\n\r\n\0\r\nQUI")]
    [InlineData("\r\n\r\n\0\r\nQUIT")]
    public void A_strict_prefix_of_a_signature_is_undecided(string text)
    {
        byte[] data = Ascii(text);
        Assert.Equal(ProxyParseStatus.NeedMoreData, Parse(data).Status);
        Assert.False(ProxyHeaderParser.StartsWithSignature(new ReadOnlySequence<byte>(data)));
    }

    [Fact]
    public void A_whole_signature_commits_the_peer_to_a_header()
    {
        Assert.True(ProxyHeaderParser.StartsWithSignature(new ReadOnlySequence<byte>(Ascii("PROXY "))));
        Assert.True(ProxyHeaderParser.StartsWithSignature(new ReadOnlySequence<byte>(V2Signature)));
        Assert.Equal(ProxyParseStatus.NeedMoreData, Parse(V2Signature).Status);
    }

    [Fact]
    public void A_v1_line_without_crlf_waits_until_107_bytes_then_is_refused()
    {
        byte[] line = Ascii("PROXY UNKNOWN " + new string('x', 200));
        Assert.Equal(ProxyParseStatus.NeedMoreData, Parse(line[..106]).Status);
        Assert.Equal(ProxyParseStatus.Invalid, Parse(line[..107]).Status);
        Assert.Equal(ProxyHeaderParser.MaxV1Length, 107);
    }

    [Fact]
    public void A_v2_header_with_a_huge_length_waits_for_it_and_a_bad_fixed_part_fails_at_once()
    {
        byte[] header = V2(0x21, 0x11, new byte[12], declaredLength: 65535);
        Assert.Equal(ProxyParseStatus.NeedMoreData, Parse(header).Status);

        // The fixed 16 bytes are enough to refuse a wrong version: no need to wait for the length.
        Assert.Equal(ProxyParseStatus.Invalid, Parse(V2(0x31, 0x11, [], declaredLength: 65535)).Status);
    }

    [Fact]
    public void Consumed_points_into_a_multi_segment_buffer_right_after_the_header()
    {
        byte[] header = V2Proxy(Client6, Server6, Tlv(0x05, new byte[40]));
        byte[] data = Concat(header, Ascii("payload"));
        ReadOnlySequence<byte> buffer = Segmented(data, 3, 20, header.Length - 1, header.Length + 2);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.TryParse(buffer, out _, out SequencePosition consumed));
        Assert.Equal("payload"u8.ToArray(), buffer.Slice(consumed).ToArray());
    }
}
