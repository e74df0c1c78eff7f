using KestrelUpper.Client.Bench;

namespace KestrelUpper.Client.Tests.Bench;

public sealed class UdpTagTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(25L)]
    [InlineData(26L)]
    [InlineData(123_456_789L)]
    [InlineData(UdpTag.Modulus - 1)]
    public void Uppercased_tag_reads_back(long sequence)
    {
        byte[] tag = new byte[UdpTag.Length];
        UdpTag.Write(sequence, tag);
        Assert.All(tag, b => Assert.InRange(b, (byte)'a', (byte)'z'));

        byte[] reply = [.. tag.Select(b => (byte)(b - 32))];

        Assert.True(UdpTag.TryReadReply(reply, out long read));
        Assert.Equal(sequence, read);
    }

    [Fact]
    public void Lowercase_or_short_replies_are_not_tags()
    {
        Assert.False(UdpTag.TryReadReply("aaaaaa"u8, out _));
        Assert.False(UdpTag.TryReadReply("AAAA"u8, out _));
    }

    [Fact]
    public void Payload_replies_are_the_uppercase_of_requests()
    {
        var payload = BenchPayload.Ascii(40);
        for (long message = 0; message < 30; message++)
        {
            byte[] request = payload.Request(message).ToArray();
            Assert.Equal((byte)'\n', request[^1]);
            Assert.Equal(request.Select(b => b == '\n' ? b : (byte)(b - 32)), payload.Reply(message).ToArray());
        }

        Assert.NotEqual(payload.Request(0).ToArray(), payload.Request(1).ToArray());
    }
}
