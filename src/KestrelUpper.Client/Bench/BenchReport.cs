using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace KestrelUpper.Client.Bench;

/// <summary>The end-of-run table, or with --json exactly one JSON object on one line.</summary>
internal static class BenchReport
{
    private static readonly (string Label, double Percentile)[] Percentiles =
        [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)];

    public static void WriteTable(IAnsiConsole console, BenchResult result, bool fancy)
    {
        BenchSettings s = result.Settings;
        string protocol = s.Protocol.ToString().ToLowerInvariant();
        string rate = s.Rate > 0 ? Format(s.Rate) + " msg/s (paced)" : "unpaced";
        var table = new Table()
            .Border(fancy ? TableBorder.Rounded : TableBorder.Ascii)
            .Title(Markup.Escape($"upper bench {protocol} {result.EndPoint}"))
            .AddColumn("metric")
            .AddColumn(new TableColumn("value").RightAligned());

        table.AddRow("connections x pipeline", $"{s.Connections} x {s.Pipeline}");
        table.AddRow("payload", Markup.Escape(s.Payload?.Description ?? "lowercase ASCII"));
        table.AddRow("message size (B)", Format(s.Size));
        if (s.Payload is { } payload)
        {
            table.AddRow("reply size (B)", Format(payload.ReplySize));
            table.AddRow("replies checked against", Markup.Escape(payload.Verification));
        }

        table.AddRow("load", rate);
        table.AddRow("duration (s)", result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("messages", Format(result.Messages));
        table.AddRow("messages/s", Format(result.MessagesPerSecond));
        table.AddRow("MB/s", result.MegabytesPerSecond.ToString("0.00", CultureInfo.InvariantCulture));
        foreach ((string label, double percentile) in Percentiles)
        {
            table.AddRow($"{label} latency (µs)", Format(result.Latency.ValueAtPercentile(percentile)));
        }

        table.AddRow("max latency (µs)", Format(result.Latency.Max));
        table.AddRow("errors", Flag(result.Errors, fancy));
        table.AddRow("mismatches", Flag(result.Mismatches, fancy));
        console.Write(table);
    }

    public static void WriteJson(TextWriter output, BenchResult result)
    {
        BenchSettings s = result.Settings;
        LatencyHistogram latency = result.Latency;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("protocol", s.Protocol.ToString().ToLowerInvariant());
            json.WriteString("endpoint", result.EndPoint);
            json.WriteNumber("connections", s.Connections);
            json.WriteNumber("pipeline", s.Pipeline);
            json.WriteNumber("sizeBytes", s.Size);
            json.WriteString("payload", s.Payload?.Description ?? "lowercase ASCII");
            json.WriteNumber("replySizeBytes", s.Payload?.ReplySize ?? s.Size);
            json.WriteNumber("targetRate", s.Rate);
            json.WriteNumber("durationSeconds", Math.Round(result.Elapsed.TotalSeconds, 3));
            json.WriteNumber("messages", result.Messages);
            json.WriteNumber("messagesPerSecond", Math.Round(result.MessagesPerSecond, 1));
            json.WriteNumber("megabytesPerSecond", Math.Round(result.MegabytesPerSecond, 3));
            json.WriteNumber("p50Microseconds", latency.ValueAtPercentile(50));
            json.WriteNumber("p90Microseconds", latency.ValueAtPercentile(90));
            json.WriteNumber("p99Microseconds", latency.ValueAtPercentile(99));
            json.WriteNumber("p999Microseconds", latency.ValueAtPercentile(99.9));
            json.WriteNumber("maxMicroseconds", latency.Max);
            json.WriteNumber("meanMicroseconds", Math.Round(latency.Mean, 1));
            json.WriteNumber("errors", result.Errors);
            json.WriteNumber("mismatches", result.Mismatches);
            json.WriteBoolean("passed", result.Passed);
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Flush();
    }

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Flag(long count, bool fancy)
    {
        string text = Format(count);
        return fancy && count > 0 ? $"[red]{text}[/]" : text;
    }
}
