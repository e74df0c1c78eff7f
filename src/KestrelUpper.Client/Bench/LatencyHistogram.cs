using System.Numerics;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// Log-linear latency histogram in microseconds, HDR style: 0..255 µs are counted exactly, and above that every
/// power-of-two range is split into 128 equal buckets, so any recorded value is known to better than 1%
/// (two significant digits) up to 60 s, in a fixed 2,560 counters. Values above 60 s are counted as 60 s;
/// the exact maximum is kept aside. Not thread-safe: one per recording thread, merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>The largest value with its own bucket: 60 s.</summary>
    public const long HighestTrackable = 60_000_000;

    private const int SubBucketBits = 7;
    private const int HalfCount = 1 << SubBucketBits;
    private const int LinearLimit = HalfCount * 2;

    private readonly long[] _counts = new long[IndexOf(HighestTrackable) + 1];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public double Mean => Count == 0 ? 0 : (double)_sum / Count;

    private long _sum;

    public void Record(long microseconds)
    {
        long value = Math.Max(0, microseconds);
        _counts[IndexOf(Math.Min(value, HighestTrackable))]++;
        Count++;
        _sum += value;
        Max = Math.Max(Max, value);
        Min = Math.Min(Min, value);
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sum += other._sum;
        Max = Math.Max(Max, other.Max);
        Min = Math.Min(Min, other.Min);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0..100): the highest value its bucket stands for, so it never
    /// understates; never above the recorded maximum. 0 when nothing was recorded.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestInBucket(i), Max);
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        // Shift so the value lands in [128, 256): the shift is the bucket's power of two, the rest its sub-bucket.
        int shift = (63 - BitOperations.LeadingZeroCount((ulong)value)) - SubBucketBits;
        int subBucket = (int)(value >> shift) - HalfCount;
        return LinearLimit + ((shift - 1) * HalfCount) + subBucket;
    }

    private static long HighestInBucket(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        int shift = ((index - LinearLimit) / HalfCount) + 1;
        long subBucket = ((index - LinearLimit) % HalfCount) + HalfCount;
        return ((subBucket + 1) << shift) - 1;
    }
}
