using BenchmarkDotNet.Attributes;
using KestrelUpper.Benchmarks.Anchors;
using KestrelUpper.Tests.Text;
using KestrelUpper.Text;

namespace KestrelUpper.Benchmarks;

/// <summary>
/// Uppercaser throughput over 16 KiB inputs of different scripts. Each invocation transforms the whole input,
/// so "Throughput" (bytes/s) = InputBytes / Mean. "Before" is main's scalar transform (LegacyUppercaser); "Icu" is
/// ICU's ucasemap_utf8ToUpper on the same bytes. Python's str.upper() is timed after the run (UpperComparison).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class UppercaserBenchmarks : IDisposable
{
    public const int InputBytes = BenchmarkInputs.Bytes;

    private readonly Uppercaser _unicode = new(CasingMode.Unicode);
    private readonly Uppercaser _ascii = new(CasingMode.Ascii);
    private AlignedBuffers _buffers = new([0], 1);
    private IcuCaseMap? _icu;

    [ParamsSource(nameof(Classes))]
    public string Input { get; set; } = "ascii";

    public static IEnumerable<string> Classes => BenchmarkInputs.Classes;

    [GlobalSetup]
    public void Setup()
    {
        byte[] input = BenchmarkInputs.Build(Input);
        _buffers = new AlignedBuffers(input, _unicode.MaxOutputLength(input.Length));
        _icu = new IcuCaseMap();
        if (_icu.ToUpper(_buffers.Input, _buffers.Destination, out int error) < 0)
        {
            throw new InvalidOperationException($"ICU {_icu.Version} failed on '{Input}': error {error}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _icu?.Dispose();
        _icu = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int Before()
    {
        var state = default(Utf8UpperState);
        LegacyUppercaser.Transform(_buffers.Input, _buffers.Destination, ref state, isFinalBlock: true, out _, out int written);
        return written;
    }

    [Benchmark]
    public int Unicode()
    {
        var state = default(Utf8UpperState);
        _unicode.Transform(_buffers.Input, _buffers.Destination, ref state, isFinalBlock: true, out _, out int written);
        return written;
    }

    [Benchmark]
    public int Icu() => _icu!.ToUpper(_buffers.Input, _buffers.Destination, out _);

    [Benchmark]
    public int Ascii()
    {
        var state = default(Utf8UpperState);
        _ascii.Transform(_buffers.Input, _buffers.Destination, ref state, isFinalBlock: true, out _, out int written);
        return written;
    }

    /// <summary>The TCP shape: 4 KiB pieces (carries across piece boundaries), then an empty final block.</summary>
    [Benchmark]
    public int UnicodeStreamed()
    {
        const int PieceBytes = 4096;
        var state = default(Utf8UpperState);
        int total = 0;
        ReadOnlySpan<byte> input = _buffers.Input;
        Span<byte> destination = _buffers.Destination;
        for (int start = 0; start < input.Length; start += PieceBytes)
        {
            ReadOnlySpan<byte> piece = input.Slice(start, Math.Min(PieceBytes, input.Length - start));
            _unicode.Transform(piece, destination, ref state, isFinalBlock: false, out _, out int written);
            total += written;
        }

        _unicode.Transform([], destination, ref state, isFinalBlock: true, out _, out int last);
        return total + last;
    }
}
