using System.Buffers;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

public sealed class AsciiModeTests
{
    private static readonly Uppercaser Upper = new(CasingMode.Ascii);

    [Fact]
    public void Only_a_to_z_change_for_every_byte_value()
    {
        byte[] all = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];
        (byte[] output, long invalid) = StreamingHelper.OneShot(Upper, all);
        for (int b = 0; b < 256; b++)
        {
            byte expected = b is >= 'a' and <= 'z' ? (byte)(b - ('a' - 'A')) : (byte)b;
            Assert.Equal(expected, output[b]);
        }

        Assert.Equal(0, invalid);
    }

    [Fact]
    public void Utf8_is_not_interpreted()
    {
        byte[] input = "straße ﬁ é"u8.ToArray();
        Assert.Equal("STRAßE ﬁ é"u8.ToArray(), StreamingHelper.OneShot(Upper, input).Output);
        Assert.Equal(input.Length, Upper.MaxOutputLength(input.Length));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(4096)]
    public void Lengths_around_vector_sizes_match(int length)
    {
        var random = new Random(length);
        byte[] input = new byte[length];
        random.NextBytes(input);
        Assert.Equal(UnicodeReference.AsciiUpper(input), StreamingHelper.OneShot(Upper, input).Output);
        Assert.Equal(UnicodeReference.AsciiUpper(input), StreamingHelper.Pieces(Upper, input, [length / 3, length / 2], Uppercaser.MinimumDestinationLength).Output);
    }

    [Fact]
    public void Small_destination_reports_partial_progress()
    {
        var state = default(Utf8UpperState);
        OperationStatus status = Upper.Transform("abcdef"u8, new byte[4], ref state, true, out int consumed, out int written);
        Assert.Equal(OperationStatus.DestinationTooSmall, status);
        Assert.Equal((4, 4), (consumed, written));
    }
}
