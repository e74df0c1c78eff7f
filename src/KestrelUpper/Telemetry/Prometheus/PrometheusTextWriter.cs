using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>
/// Renders OpenTelemetry metrics as Prometheus text exposition format 0.0.4 (UTF-8).
/// Not thread-safe: it reuses scratch buffers, so callers serialize (the exporter renders under a lock).
/// </summary>
internal sealed class PrometheusTextWriter
{
    private const string TargetInfoName = "target_info";

    // Bounds the label-name cache against unbounded attribute key churn.
    private const int MaxCachedLabelNames = 4096;

    private readonly ConditionalWeakTable<Metric, PrometheusFamily> _families = new();
    private readonly Dictionary<string, byte[]> _labelNames = new(StringComparer.Ordinal);
    private readonly List<Entry> _entries = [];
    private readonly List<LabelPart> _labelParts = [];
    private readonly ArrayBufferWriter<byte> _labels = new(256);

    private Resource? _targetInfoResource;
    private byte[] _targetInfo = [];

    /// <summary>
    /// Writes <c>target_info</c> for <paramref name="resource"/>, then one family per Prometheus name.
    /// Must be called inside the export callback: the batch is only valid there.
    /// </summary>
    public void Write(in Batch<Metric> batch, Resource resource, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(output);

        _entries.Clear();
        foreach (Metric metric in batch)
        {
            PrometheusFamily family = _families.GetValue(metric, PrometheusFamily.Create);
            if (family.Kind != PrometheusMetricKind.Unsupported && family.Name != TargetInfoName)
            {
                _entries.Add(new Entry(family, metric, _entries.Count));
            }
        }

        // Sorting groups OTel metrics that map to the same Prometheus name (a family may appear only once)
        // and gives a stable output order; the index keeps the sort deterministic within a family.
        _entries.Sort(static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Family.Name, b.Family.Name);
            return byName != 0 ? byName : a.Order.CompareTo(b.Order);
        });

        WriteTargetInfo(resource, output);

        int i = 0;
        while (i < _entries.Count)
        {
            PrometheusFamily family = _entries[i].Family;
            WriteHeader(output, family.NameUtf8, family.Help, family.Kind);
            for (; i < _entries.Count && _entries[i].Family.Name == family.Name; i++)
            {
                // A same-named metric of another type cannot share the family's TYPE: drop it.
                if (_entries[i].Family.Kind == family.Kind)
                {
                    WriteMetric(output, family, _entries[i].Metric);
                }
            }
        }

        _entries.Clear();
    }

    private void WriteTargetInfo(Resource resource, IBufferWriter<byte> output)
    {
        if (!ReferenceEquals(resource, _targetInfoResource))
        {
            // The resource is fixed for a provider's lifetime: render once, copy on every scrape.
            var buffer = new ArrayBufferWriter<byte>(256);
            _labels.ResetWrittenCount();
            WriteLabels(_labels, resource.Attributes);
            if (_labels.WrittenCount > 0)
            {
                byte[] name = Encoding.UTF8.GetBytes(TargetInfoName);
                WriteHeader(buffer, name, "Target metadata", PrometheusMetricKind.Gauge);
                WriteSampleStart(buffer, name, default, _labels.WrittenSpan);
                PrometheusText.WriteRaw(buffer, "1\n"u8);
            }

            _targetInfo = buffer.WrittenSpan.ToArray();
            _targetInfoResource = resource;
        }

        PrometheusText.WriteRaw(output, _targetInfo);
    }

    private void WriteMetric(IBufferWriter<byte> output, PrometheusFamily family, Metric metric)
    {
        MetricType type = metric.MetricType;
        foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
        {
            _labels.ResetWrittenCount();
            WriteLabels(_labels, point.Tags);
            ReadOnlySpan<byte> labels = _labels.WrittenSpan;

            if (family.Kind == PrometheusMetricKind.Histogram)
            {
                WriteHistogram(output, family.NameUtf8, labels, point);
                continue;
            }

            // Point timestamps are deliberately omitted: Prometheus stamps samples with the scrape time.
            WriteSampleStart(output, family.NameUtf8, default, labels);
            switch (type)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    PrometheusText.WriteLong(output, point.GetSumLong());
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    PrometheusText.WriteDouble(output, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    PrometheusText.WriteLong(output, point.GetGaugeLastValueLong());
                    break;
                default:
                    PrometheusText.WriteDouble(output, point.GetGaugeLastValueDouble());
                    break;
            }

            PrometheusText.WriteByte(output, (byte)'\n');
        }
    }

    private static void WriteHistogram(IBufferWriter<byte> output, byte[] name, ReadOnlySpan<byte> labels, in MetricPoint point)
    {
        long count = point.GetHistogramCount();

        // OTel bucket counts are per bucket; Prometheus' are cumulative ("le" = less or equal).
        long cumulative = 0;
        bool wroteInfinity = false;
        foreach (HistogramBucket bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            bool infinity = double.IsPositiveInfinity(bucket.ExplicitBound);
            WriteBucket(output, name, labels, bucket.ExplicitBound, infinity ? count : cumulative);
            wroteInfinity |= infinity;
        }

        if (!wroteInfinity)
        {
            // Histograms configured without bounds still need the mandatory +Inf bucket.
            WriteBucket(output, name, labels, double.PositiveInfinity, count);
        }

        WriteSampleStart(output, name, "_sum"u8, labels);
        PrometheusText.WriteDouble(output, point.GetHistogramSum());
        PrometheusText.WriteByte(output, (byte)'\n');

        WriteSampleStart(output, name, "_count"u8, labels);
        PrometheusText.WriteLong(output, count);
        PrometheusText.WriteByte(output, (byte)'\n');
    }

    private static void WriteBucket(IBufferWriter<byte> output, byte[] name, ReadOnlySpan<byte> labels, double bound, long cumulativeCount)
    {
        PrometheusText.WriteRaw(output, name);
        PrometheusText.WriteRaw(output, "_bucket{"u8);
        if (!labels.IsEmpty)
        {
            PrometheusText.WriteRaw(output, labels);
            PrometheusText.WriteByte(output, (byte)',');
        }

        PrometheusText.WriteRaw(output, "le=\""u8);
        PrometheusText.WriteDouble(output, bound);
        PrometheusText.WriteRaw(output, "\"} "u8);
        PrometheusText.WriteLong(output, cumulativeCount);
        PrometheusText.WriteByte(output, (byte)'\n');
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte[] name, string help, PrometheusMetricKind kind)
    {
        PrometheusText.WriteRaw(output, "# HELP "u8);
        PrometheusText.WriteRaw(output, name);
        PrometheusText.WriteByte(output, (byte)' ');
        PrometheusText.WriteHelpEscaped(output, help);
        PrometheusText.WriteRaw(output, "\n# TYPE "u8);
        PrometheusText.WriteRaw(output, name);
        PrometheusText.WriteRaw(output, kind switch
        {
            PrometheusMetricKind.Counter => " counter\n"u8,
            PrometheusMetricKind.Histogram => " histogram\n"u8,
            _ => " gauge\n"u8,
        });
    }

    private static void WriteSampleStart(IBufferWriter<byte> output, byte[] name, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> labels)
    {
        PrometheusText.WriteRaw(output, name);
        PrometheusText.WriteRaw(output, suffix);
        if (!labels.IsEmpty)
        {
            PrometheusText.WriteByte(output, (byte)'{');
            PrometheusText.WriteRaw(output, labels);
            PrometheusText.WriteByte(output, (byte)'}');
        }

        PrometheusText.WriteByte(output, (byte)' ');
    }

    /// <summary>Writes <c>name="value",...</c> (no braces) for a point's tags.</summary>
    private void WriteLabels(IBufferWriter<byte> output, ReadOnlyTagCollection tags)
    {
        _labelParts.Clear();
        bool collision = false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            collision |= AddLabelPart(tag.Key, tag.Value);
        }

        WriteLabelParts(output, collision);
    }

    private void WriteLabels(IBufferWriter<byte> output, IEnumerable<KeyValuePair<string, object>> attributes)
    {
        _labelParts.Clear();
        bool collision = false;
        foreach (KeyValuePair<string, object> attribute in attributes)
        {
            collision |= AddLabelPart(attribute.Key, attribute.Value);
        }

        WriteLabelParts(output, collision);
    }

    /// <summary>Queues a label; returns true when its sanitized name collides with an earlier one.</summary>
    private bool AddLabelPart(string key, object? value)
    {
        byte[] name = GetLabelName(key);
        bool collision = false;
        foreach (LabelPart existing in _labelParts)
        {
            collision |= existing.Name.AsSpan().SequenceEqual(name);
        }

        _labelParts.Add(new LabelPart(name, key, value));
        return collision;
    }

    private void WriteLabelParts(IBufferWriter<byte> output, bool collision)
    {
        if (collision)
        {
            WriteCollidingLabels(output);
            return;
        }

        for (int i = 0; i < _labelParts.Count; i++)
        {
            WriteLabel(output, _labelParts[i].Name, _labelParts[i].Value, i > 0);
        }
    }

    // Rare: keys such as "a.b" and "a_b" sanitize to one label. The spec joins their values
    // with ';' ordered by the original key; duplicate label names would make the scrape invalid.
    private void WriteCollidingLabels(IBufferWriter<byte> output)
    {
        _labelParts.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var written = new List<byte[]>();
        foreach (LabelPart part in _labelParts)
        {
            if (written.Exists(n => n.AsSpan().SequenceEqual(part.Name)))
            {
                continue;
            }

            var values = new List<string>();
            foreach (LabelPart candidate in _labelParts)
            {
                if (candidate.Name.AsSpan().SequenceEqual(part.Name))
                {
                    var single = new ArrayBufferWriter<byte>();
                    PrometheusText.WriteLabelValue(single, candidate.Value);
                    values.Add(Encoding.UTF8.GetString(single.WrittenSpan));
                }
            }

            // Values are already escaped here, so write the joined text raw.
            if (written.Count > 0)
            {
                PrometheusText.WriteByte(output, (byte)',');
            }

            PrometheusText.WriteRaw(output, part.Name);
            PrometheusText.WriteRaw(output, "=\""u8);
            PrometheusText.WriteString(output, string.Join(';', values));
            PrometheusText.WriteByte(output, (byte)'"');
            written.Add(part.Name);
        }
    }

    private static void WriteLabel(IBufferWriter<byte> output, byte[] name, object? value, bool separator)
    {
        if (separator)
        {
            PrometheusText.WriteByte(output, (byte)',');
        }

        PrometheusText.WriteRaw(output, name);
        PrometheusText.WriteRaw(output, "=\""u8);
        PrometheusText.WriteLabelValue(output, value);
        PrometheusText.WriteByte(output, (byte)'"');
    }

    private byte[] GetLabelName(string key)
    {
        if (!_labelNames.TryGetValue(key, out byte[]? name))
        {
            if (_labelNames.Count >= MaxCachedLabelNames)
            {
                _labelNames.Clear();
            }

            name = Encoding.UTF8.GetBytes(PrometheusNaming.SanitizeLabelName(key));
            _labelNames[key] = name;
        }

        return name;
    }

    private readonly record struct Entry(PrometheusFamily Family, Metric Metric, int Order);

    private readonly record struct LabelPart(byte[] Name, string Key, object? Value);
}
