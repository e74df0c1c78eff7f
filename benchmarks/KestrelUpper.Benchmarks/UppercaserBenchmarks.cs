using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using KestrelUpper.Text;

namespace KestrelUpper.Benchmarks;

/// <summary>
/// Uppercaser throughput over 16 KiB inputs of different scripts. Each invocation transforms the whole input,
/// so "Throughput" (bytes/s) = InputBytes / Mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class UppercaserBenchmarks
{
    public const int InputBytes = 16 * 1024;

    private const int Seed = 1234;
    private const int InvalidEvery = 8;

    private readonly Uppercaser _unicode = new(CasingMode.Unicode);
    private readonly Uppercaser _ascii = new(CasingMode.Ascii);
    private byte[] _input = [];
    private byte[] _destination = [];

    [Params("ascii", "latin1", "greek-cyrillic", "cjk", "emoji", "invalid")]
    public string Input { get; set; } = "ascii";

    [GlobalSetup]
    public void Setup()
    {
        _input = Build(Input);
        _destination = new byte[_unicode.MaxOutputLength(_input.Length)];
    }

    [Benchmark(Baseline = true)]
    public int Unicode()
    {
        var state = default(Utf8UpperState);
        _unicode.Transform(_input, _destination, ref state, isFinalBlock: true, out _, out int written);
        return written;
    }

    [Benchmark]
    public int Ascii()
    {
        var state = default(Utf8UpperState);
        _ascii.Transform(_input, _destination, ref state, isFinalBlock: true, out _, out int written);
        return written;
    }

    /// <summary>The TCP shape: 4 KiB pieces (carries across piece boundaries), then an empty final block.</summary>
    [Benchmark]
    public int UnicodeStreamed()
    {
        const int PieceBytes = 4096;
        var state = default(Utf8UpperState);
        int total = 0;
        for (int start = 0; start < _input.Length; start += PieceBytes)
        {
            ReadOnlySpan<byte> piece = _input.AsSpan(start, Math.Min(PieceBytes, _input.Length - start));
            _unicode.Transform(piece, _destination, ref state, isFinalBlock: false, out _, out int written);
            total += written;
        }

        _unicode.Transform([], _destination, ref state, isFinalBlock: true, out _, out int last);
        return total + last;
    }

    private static byte[] Build(string kind)
    {
        string sample = kind switch
        {
            "ascii" => "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. ",
            "latin1" => "Voilà l'été: façade, naïve, Straße, Ærø, señor, smørrebrød, crème brûlée. ",
            "greek-cyrillic" => "ἀλήθεια καὶ ζωή, ελληνικά γράμματα; съешь же ещё этих мягких французских булок. ",
            "cjk" => "日本語のテキストと中文文本，한국어 텍스트도 포함합니다。",
            "emoji" => "😀😃😄😁🎉🚀🌍👍🏽🧪 ",
            _ => "",
        };
        var bytes = new ArrayBufferWriter<byte>(InputBytes);
        if (kind == "invalid")
        {
            // Lowercase ASCII with an invalid byte (stray continuation, surrogate lead, F5..FF) every few bytes.
            var random = new Random(Seed);
            byte[] bad = [0x80, 0xBF, 0xC0, 0xED, 0xF5, 0xFF];
            for (int i = 0; i < InputBytes; i++)
            {
                bytes.Write([i % InvalidEvery == 0 ? bad[random.Next(bad.Length)] : (byte)random.Next('a', 'z' + 1)]);
            }
        }
        else
        {
            byte[] encoded = Encoding.UTF8.GetBytes(sample);
            while (bytes.WrittenCount + encoded.Length <= InputBytes)
            {
                bytes.Write(encoded);
            }

            while (bytes.WrittenCount < InputBytes)
            {
                bytes.Write(" "u8);
            }
        }

        return bytes.WrittenSpan.ToArray();
    }
}
