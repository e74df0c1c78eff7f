using System.Globalization;
using BenchmarkDotNet.Running;
using KestrelUpper.Benchmarks;

if (args is ["profile", string kind, string seconds])
{
    return ProfileLoop.Run(kind, double.Parse(seconds, CultureInfo.InvariantCulture));
}

UpperComparison.Print(BenchmarkSwitcher.FromAssembly(typeof(UppercaserBenchmarks).Assembly).Run(args));
return 0;
