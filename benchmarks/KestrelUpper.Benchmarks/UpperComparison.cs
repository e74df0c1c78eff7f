using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using KestrelUpper.Benchmarks.Anchors;

namespace KestrelUpper.Benchmarks;

/// <summary>
/// After a run that included <see cref="UppercaserBenchmarks"/>: times Python's str.upper() on the same inputs (same
/// machine, same run) and prints one table, every class with ours, main's, ICU's and Python's throughput and the
/// ratios, to the console and to BenchmarkDotNet.Artifacts/results/uppercaser-comparison.md.
/// </summary>
internal static class UpperComparison
{
    private const double NanosecondsPerSecond = 1e9;

    // Issue 15's targets: GB/s per class; each class also at least 5x ICU and 5x Python.
    private static readonly Dictionary<string, double> Targets = new()
    {
        ["ascii"] = 15, ["latin1"] = 1.5, ["greek-cyrillic"] = 1.5, ["cjk"] = 6, ["emoji"] = 6, ["caseless"] = 6, ["invalid"] = 1,
    };

    private const double AnchorRatioTarget = 5;

    public static void Print(IEnumerable<Summary> summaries)
    {
        var means = new Dictionary<(string Method, string Input), double>();
        foreach (BenchmarkReport report in summaries.SelectMany(s => s.Reports))
        {
            if (report.BenchmarkCase.Descriptor.Type != typeof(UppercaserBenchmarks) || report.ResultStatistics is not { } stats)
            {
                continue;
            }

            string input = (string)report.BenchmarkCase.Parameters["Input"];
            means[(report.BenchmarkCase.Descriptor.WorkloadMethod.Name, input)] = stats.Mean;
        }

        string[] inputs = [.. BenchmarkInputs.Classes.Where(c => means.ContainsKey((nameof(UppercaserBenchmarks.Unicode), c)))];
        if (inputs.Length == 0)
        {
            return;
        }

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Uppercaser comparison, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {BenchmarkInputs.Bytes}-byte inputs, GB/s = 1e9 input bytes/s; {PythonUpper.Version()} timed with timeit (best of 7) right after the BenchmarkDotNet run.");
        table.AppendLine();
        table.AppendLine("| class | before (main) | ours | streamed 4 KiB | ICU | Python | ours / before | ours / ICU | ours / Python | target |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (string input in inputs)
        {
            double? python = PythonUpper.SecondsPerCall(BenchmarkInputs.Build(input)) * NanosecondsPerSecond;
            double? before = Mean(means, nameof(UppercaserBenchmarks.Before), input);
            double? ours = Mean(means, nameof(UppercaserBenchmarks.Unicode), input);
            double? streamed = Mean(means, nameof(UppercaserBenchmarks.UnicodeStreamed), input);
            double? icu = Mean(means, nameof(UppercaserBenchmarks.Icu), input);
            string target = Targets.TryGetValue(input, out double gbps)
                ? $"{gbps} GB/s: {Verdict(ours is { } o && Rate(o) >= gbps)}"
                : "-";
            target += $"; 5x ICU: {Verdict(ours < icu / AnchorRatioTarget)}; 5x Python: {Verdict(ours < python / AnchorRatioTarget)}";
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {input} | {Gbps(before)} | **{Gbps(ours)}** | {Gbps(streamed)} | {Gbps(icu)} | {Gbps(python)} | {Ratio(before, ours)} | {Ratio(icu, ours)} | {Ratio(python, ours)} | {target} |");
        }

        string text = table.ToString();
        Console.WriteLine();
        Console.WriteLine(text);
        string directory = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "uppercaser-comparison.md"), text);
    }

    private static double? Mean(Dictionary<(string, string), double> means, string method, string input) =>
        means.TryGetValue((method, input), out double mean) ? mean : null;

    private static double Rate(double nanoseconds) => BenchmarkInputs.Bytes / nanoseconds;

    private static string Gbps(double? nanoseconds) => nanoseconds is { } ns ? Rate(ns).ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>How many times faster ours is than <paramref name="other"/> (both mean nanoseconds per call).</summary>
    private static string Ratio(double? other, double? ours) =>
        other is { } o && ours is { } x ? (o / x).ToString(o / x >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture) + "x" : "n/a";

    private static string Verdict(bool met) => met ? "met" : "**not met**";
}
