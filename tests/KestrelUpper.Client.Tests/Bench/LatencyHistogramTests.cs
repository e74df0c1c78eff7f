using KestrelUpper.Client.Bench;

namespace KestrelUpper.Client.Tests.Bench;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(0, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (int value = 1; value <= 200; value++)
        {
            histogram.Record(value);
        }

        Assert.Equal(100, histogram.ValueAtPercentile(50));
        Assert.Equal(180, histogram.ValueAtPercentile(90));
        Assert.Equal(198, histogram.ValueAtPercentile(99));
        Assert.Equal(200, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.ValueAtPercentile(0));
        Assert.Equal(200, histogram.Max);
        Assert.Equal(1, histogram.Min);
        Assert.Equal(100.5, histogram.Mean, 6);
    }

    [Fact]
    public void Uniform_data_percentiles_are_within_one_percent_and_never_understated()
    {
        var histogram = new LatencyHistogram();
        const int Count = 1_000_000;
        for (int value = 1; value <= Count; value++)
        {
            histogram.Record(value);
        }

        foreach (double percentile in new[] { 50, 90, 99, 99.9 })
        {
            long exact = (long)Math.Ceiling(percentile / 100 * Count);
            long reported = histogram.ValueAtPercentile(percentile);
            Assert.InRange(reported, exact, exact * 1.01);
        }

        Assert.Equal(Count, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Spread_out_data_matches_sorted_percentiles_within_precision()
    {
        var random = new Random(7);
        long[] samples = new long[200_000];
        var histogram = new LatencyHistogram();
        for (int i = 0; i < samples.Length; i++)
        {
            // Log-uniform from 1 µs to 10 s: every bucket size gets exercised.
            samples[i] = (long)Math.Exp(random.NextDouble() * Math.Log(10_000_000));
            histogram.Record(samples[i]);
        }

        Array.Sort(samples);
        foreach (double percentile in new[] { 1, 10, 50, 75, 90, 99, 99.9, 99.99 })
        {
            long exact = samples[(int)Math.Ceiling(percentile / 100 * samples.Length) - 1];
            long reported = histogram.ValueAtPercentile(percentile);
            Assert.InRange(reported, exact, Math.Max(exact * 1.01, exact + 1));
        }

        Assert.Equal(samples[^1], histogram.Max);
    }

    [Fact]
    public void Values_beyond_sixty_seconds_are_counted_and_the_true_max_kept()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(10);
        histogram.Record(120_000_000);

        Assert.Equal(2, histogram.Count);
        Assert.Equal(120_000_000, histogram.Max);
        Assert.Equal(10, histogram.ValueAtPercentile(50));
        Assert.InRange(histogram.ValueAtPercentile(99), LatencyHistogram.HighestTrackable, 120_000_000);
    }

    [Fact]
    public void Negative_values_count_as_zero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);

        Assert.Equal(0, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.Count);
    }

    [Fact]
    public void Merging_adds_counts()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        for (int i = 1; i <= 100; i++)
        {
            a.Record(i);
            b.Record(i + 100);
        }

        a.Add(b);

        Assert.Equal(200, a.Count);
        Assert.Equal(100, a.ValueAtPercentile(50));
        Assert.Equal(200, a.Max);
        Assert.Equal(1, a.Min);
    }
}
