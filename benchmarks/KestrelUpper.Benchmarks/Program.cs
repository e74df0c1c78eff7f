using BenchmarkDotNet.Running;
using KestrelUpper.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(UppercaserBenchmarks).Assembly).Run(args);
