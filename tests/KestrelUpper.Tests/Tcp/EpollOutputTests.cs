using KestrelUpper.Tcp.Epoll;

namespace KestrelUpper.Tests.Tcp;

/// <summary>The event loop's reply buffer: fixed in the steady state, grown only for an oversized reply.</summary>
public sealed class EpollOutputTests
{
    [Fact]
    public void A_reply_that_fits_stays_in_the_pinned_buffer()
    {
        var output = new EpollOutput(64);
        byte[] fixedArray = output.Array;
        "hello"u8.CopyTo(output.GetSpan(5));
        output.Advance(5);
        Assert.Same(fixedArray, output.Array);
        Assert.Equal("hello"u8.ToArray(), output.Array.AsSpan(0, output.WrittenCount).ToArray());
        Assert.True(output.GetSpan(1).Length >= 59);

        output.Reset();
        Assert.Equal(0, output.WrittenCount);
        Assert.Same(fixedArray, output.Array);
    }

    [Fact]
    public void A_larger_reply_grows_keeping_what_was_written_and_reset_returns_to_the_fixed_buffer()
    {
        var output = new EpollOutput(16);
        byte[] fixedArray = output.Array;
        byte[] first = [.. Enumerable.Range(0, 12).Select(i => (byte)i)];
        first.CopyTo(output.GetSpan(12));
        output.Advance(12);

        Span<byte> more = output.GetSpan(100);
        Assert.True(more.Length >= 100);
        Assert.NotSame(fixedArray, output.Array);
        Assert.Equal(first, output.Array.AsSpan(0, 12).ToArray());
        more[..100].Fill(0xAB);
        output.Advance(100);
        Assert.Equal(112, output.WrittenCount);

        output.Reset();
        Assert.Same(fixedArray, output.Array);
        Assert.Throws<InvalidOperationException>(() => output.Advance(17));
    }
}
