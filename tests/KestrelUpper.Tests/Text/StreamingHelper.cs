using System.Buffers;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>Drives <see cref="Uppercaser.Transform"/> the way the TCP loop does: pieces, then an empty final block.</summary>
internal static class StreamingHelper
{
    public static (byte[] Output, long Invalid) OneShot(Uppercaser upper, ReadOnlySpan<byte> input)
    {
        var state = default(Utf8UpperState);
        byte[] destination = new byte[upper.MaxOutputLength(input.Length)];
        OperationStatus status = upper.Transform(input, destination, ref state, isFinalBlock: true, out int consumed, out int written);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(input.Length, consumed);
        Assert.True(state.IsEmpty);
        return (destination.AsSpan(0, written).ToArray(), state.InvalidBytes);
    }

    /// <summary>Feeds <paramref name="input"/> cut at <paramref name="cuts"/> (ascending offsets) through a destination of the given size.</summary>
    public static (byte[] Output, long Invalid) Pieces(Uppercaser upper, byte[] input, IEnumerable<int> cuts, int destinationLength = 64)
    {
        var output = new ArrayBufferWriter<byte>();
        var state = default(Utf8UpperState);
        byte[] destination = new byte[destinationLength];
        int start = 0;
        foreach (int cut in cuts.Append(input.Length))
        {
            Feed(upper, input.AsSpan(start, cut - start), destination, ref state, isFinal: false, output);
            start = cut;
        }

        Feed(upper, [], destination, ref state, isFinal: true, output);
        Assert.True(state.IsEmpty);
        return (output.WrittenSpan.ToArray(), state.InvalidBytes);
    }

    private static void Feed(Uppercaser upper, ReadOnlySpan<byte> piece, byte[] destination, ref Utf8UpperState state, bool isFinal, ArrayBufferWriter<byte> output)
    {
        while (true)
        {
            OperationStatus status = upper.Transform(piece, destination, ref state, isFinal, out int consumed, out int written);
            output.Write(destination.AsSpan(0, written));
            piece = piece.Slice(consumed);
            if (status == OperationStatus.Done)
            {
                Assert.True(piece.IsEmpty);
                return;
            }

            Assert.Equal(OperationStatus.DestinationTooSmall, status);
            Assert.True(consumed > 0 || written > 0, "a destination of MinimumDestinationLength must always make progress");
        }
    }
}
