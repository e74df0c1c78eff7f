using System.Text;
using OpenTelemetry.Metrics;

namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>
/// OpenTelemetry → Prometheus name translation, following the OpenTelemetry
/// "Prometheus and OpenMetrics compatibility" specification.
/// </summary>
internal static class PrometheusNaming
{
    public static PrometheusMetricKind GetKind(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => PrometheusMetricKind.Counter,
        // UpDownCounters are not monotonic, so Prometheus must not apply rate() semantics: gauge.
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => PrometheusMetricKind.Gauge,
        MetricType.LongGauge or MetricType.DoubleGauge => PrometheusMetricKind.Gauge,
        MetricType.Histogram => PrometheusMetricKind.Histogram,
        _ => PrometheusMetricKind.Unsupported,
    };

    /// <summary>Full family name: sanitized name, unit suffix, and <c>_total</c> for counters.</summary>
    public static string GetFamilyName(string name, string? unit, PrometheusMetricKind kind)
    {
        string result = SanitizeMetricName(name);
        bool counter = kind == PrometheusMetricKind.Counter;

        // Strip an existing _total so the unit suffix lands before it and _total is never doubled.
        if (counter && result.EndsWith("_total", StringComparison.Ordinal))
        {
            result = result[..^"_total".Length];
        }

        string suffix = GetUnitSuffix(unit, kind);
        if (suffix.Length > 0 && result != suffix && !result.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            result = result + "_" + suffix;
        }

        if (counter)
        {
            result += "_total";
        }

        // Appending may have produced "__" (name ending in '_'); sanitizing again is idempotent otherwise.
        return SanitizeMetricName(result);
    }

    /// <summary>Metric names: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Label names: <c>[a-zA-Z_][a-zA-Z0-9_]*</c> (no colons).</summary>
    public static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    /// <summary>The Prometheus suffix for a UCUM unit, or empty when the unit adds none.</summary>
    public static string GetUnitSuffix(string? unit, PrometheusMetricKind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return string.Empty;
        }

        string cleaned = RemoveAnnotations(unit).Trim();
        if (cleaned.Length == 0)
        {
            return string.Empty;
        }

        if (cleaned == "1")
        {
            // A dimensionless gauge is a ratio; on counters/histograms "1" just means "a count of things".
            return kind == PrometheusMetricKind.Gauge ? "ratio" : string.Empty;
        }

        int slash = cleaned.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return SanitizeUnitPart(MapUnit(cleaned));
        }

        string numerator = cleaned[..slash].Trim();
        string denominator = cleaned[(slash + 1)..].Trim();
        string left = numerator.Length == 0 || numerator == "1" ? string.Empty : SanitizeUnitPart(MapUnit(numerator));
        string right = denominator.Length == 0 ? string.Empty : SanitizeUnitPart(MapPerUnit(denominator));
        if (right.Length == 0)
        {
            return left;
        }

        return left.Length == 0 ? "per_" + right : left + "_per_" + right;
    }

    private static string MapUnit(string unit) => unit switch
    {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tebibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        _ => unit,
    };

    // The denominator of a rate reads singular: bytes_per_second, not bytes_per_seconds.
    private static string MapPerUnit(string unit) => unit switch
    {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => MapUnit(unit),
    };

    private static string RemoveAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        int depth = 0;
        foreach (char c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // A unit part is glued after "_", so a leading digit is fine here; only the character set matters.
    private static string SanitizeUnitPart(string part) => Sanitize(part, allowColon: false).TrimStart('_');

    private static string Sanitize(string name, bool allowColon)
    {
        if (IsAlreadyValid(name, allowColon))
        {
            // Hot path: names are re-sanitized on cache misses only, but avoid a copy when nothing changes.
            return name;
        }

        var builder = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (char c in name)
        {
            char mapped = IsValidChar(c, allowColon) ? c : '_';
            if (mapped == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(mapped);
        }

        return builder.ToString();
    }

    private static bool IsAlreadyValid(string name, bool allowColon)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        char previous = '\0';
        foreach (char c in name)
        {
            if (!IsValidChar(c, allowColon) || (c == '_' && previous == '_'))
            {
                return false;
            }

            previous = c;
        }

        return true;
    }

    private static bool IsValidChar(char c, bool allowColon) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
}
