using System.Diagnostics;
using KestrelUpper.Text;

namespace KestrelUpper.Benchmarks;

/// <summary>
/// `profile [before:]CLASS SECONDS`: transforms one input class in a loop (with main's transform after "before:") for a
/// profiler (perf record) to watch, then prints the rate it saw. Not a measurement in itself: BenchmarkDotNet makes those.
/// </summary>
internal static class ProfileLoop
{
    public static int Run(string kind, double seconds)
    {
        bool legacy = kind.StartsWith("before:", StringComparison.Ordinal);
        kind = legacy ? kind["before:".Length..] : kind;
        var upper = new Uppercaser(CasingMode.Unicode);
        byte[] built = BenchmarkInputs.Build(kind);
        var buffers = new AlignedBuffers(built, upper.MaxOutputLength(built.Length));
        long rounds = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 1000; i++)
            {
                var state = default(Utf8UpperState);
                if (legacy)
                {
                    KestrelUpper.Tests.Text.LegacyUppercaser.Transform(buffers.Input, buffers.Destination, ref state, isFinalBlock: true, out _, out _);
                }
                else
                {
                    upper.Transform(buffers.Input, buffers.Destination, ref state, isFinalBlock: true, out _, out _);
                }
            }

            rounds += 1000;
        }

        Console.WriteLine($"{(legacy ? "before:" : "")}{kind}: {rounds * buffers.InputLength / clock.Elapsed.TotalSeconds / 1e9:F2} GB/s over {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
