using System.Buffers;

namespace KestrelUpper.Fuzz.Proxy;

/// <summary>A segment of a multi-segment <see cref="ReadOnlySequence{T}"/>, each over its own exact-length array.</summary>
internal sealed class ChainedSegment : ReadOnlySequenceSegment<byte>
{
    private ChainedSegment(byte[] bytes, long runningIndex)
    {
        Memory = bytes;
        RunningIndex = runningIndex;
    }

    /// <summary>
    /// <paramref name="data"/> cut before each of <paramref name="cuts"/> (ascending, out-of-range ones ignored), every
    /// piece copied to a new array so that reading past a piece cannot silently read its neighbour.
    /// </summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, ReadOnlySpan<int> cuts)
    {
        ChainedSegment? first = null;
        ChainedSegment? last = null;
        int start = 0;
        foreach (int cut in (int[])[.. cuts, data.Length])
        {
            if (cut <= start || cut > data.Length)
            {
                continue;
            }

            var segment = new ChainedSegment(data[start..cut].ToArray(), start);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Next = segment;
            }

            last = segment;
            start = cut;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }
}
