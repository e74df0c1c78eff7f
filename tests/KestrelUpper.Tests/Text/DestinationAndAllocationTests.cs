using System.Buffers;
using System.Text;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

public sealed class DestinationAndAllocationTests
{
    private static readonly Uppercaser Upper = new(CasingMode.Unicode);

    private static readonly byte[] Mixed =
        [.. Encoding.UTF8.GetBytes("lorem ipsum straße ΐΐΐ ﬃ привет 日本語 😀 𐐨 "), 0xED, 0xA0, 0x80, .. "tail"u8, 0xF0, 0x9F];

    [Fact]
    public void Minimum_destination_always_makes_progress()
    {
        byte[] expected = StreamingHelper.OneShot(Upper, Mixed).Output;
        for (int cut = 0; cut <= Mixed.Length; cut++)
        {
            // Pieces() asserts progress on every DestinationTooSmall.
            Assert.Equal(expected, StreamingHelper.Pieces(Upper, Mixed, [cut], Uppercaser.MinimumDestinationLength).Output);
        }
    }

    [Fact]
    public void Too_small_destination_consumes_nothing_it_cannot_write()
    {
        byte[] input = Encoding.UTF8.GetBytes("aΐ");
        var state = default(Utf8UpperState);
        byte[] destination = new byte[3];
        Assert.Equal(OperationStatus.DestinationTooSmall, Upper.Transform(input, destination, ref state, true, out int consumed, out int written));
        Assert.Equal((1, 1), (consumed, written));
        Assert.Equal((byte)'A', destination[0]);

        Assert.Equal(OperationStatus.DestinationTooSmall, Upper.Transform(input.AsSpan(1), destination, ref state, true, out consumed, out written));
        Assert.Equal((0, 0), (consumed, written));
        Assert.True(state.IsEmpty);
    }

    [Fact]
    public void Too_small_destination_keeps_the_carry()
    {
        byte[] input = Encoding.UTF8.GetBytes("ΐ");
        var state = default(Utf8UpperState);
        Assert.Equal(OperationStatus.Done, Upper.Transform(input.AsSpan(0, 1), new byte[1], ref state, false, out _, out _));
        Utf8UpperState before = state;
        Assert.Equal(OperationStatus.DestinationTooSmall, Upper.Transform(input.AsSpan(1), new byte[5], ref state, false, out int consumed, out int written));
        Assert.Equal((0, 0), (consumed, written));
        Assert.Equal(before, state);

        byte[] destination = new byte[Uppercaser.MinimumDestinationLength];
        Assert.Equal(OperationStatus.Done, Upper.Transform(input.AsSpan(1), destination, ref state, false, out consumed, out written));
        Assert.Equal("\u0399\u0308\u0301", Encoding.UTF8.GetString(destination, 0, written));
        Assert.Equal(1, consumed);
    }

    [Fact]
    public void Transform_allocates_nothing()
    {
        byte[] ascii = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox ", 200)));
        byte[] destination = new byte[Upper.MaxOutputLength(Math.Max(ascii.Length, Mixed.Length))];
        var asciiMode = new Uppercaser(CasingMode.Ascii);
        void Run()
        {
            var state = default(Utf8UpperState);
            for (int i = 0; i < Mixed.Length; i += 7)
            {
                Upper.Transform(Mixed.AsSpan(i, Math.Min(7, Mixed.Length - i)), destination, ref state, false, out _, out _);
            }

            Upper.Transform([], destination, ref state, true, out _, out _);
            Upper.Transform(ascii, destination, ref state, true, out _, out _);
            asciiMode.Transform(Mixed, destination, ref state, true, out _, out _);
            Upper.TryTransformComplete(Mixed, destination, out _, out _);
        }

        for (int i = 0; i < 1000; i++)
        {
            Run();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
