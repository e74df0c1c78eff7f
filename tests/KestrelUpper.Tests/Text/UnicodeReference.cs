using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// Independent oracle: parses the Unicode data files itself (not the generated table) and decodes with
/// <see cref="Rune.DecodeFromUtf8"/>, whose invalid-data lengths are the maximal subparts.
/// </summary>
internal static partial class UnicodeReference
{
    public const int MaxCodePoint = 0x10FFFF;
    public const int SurrogateFirst = 0xD800;
    public const int SurrogateLast = 0xDFFF;

    private static readonly Lazy<Data> Loaded = new(Load);

    public static string Directory =>
        Environment.GetEnvironmentVariable("KESTRELUPPER_UCD") is { Length: > 0 } dir ? dir : "/usr/share/unicode";

    public static string Version => Loaded.Value.Version;

    /// <summary>Full uppercase mapping of every code point that changes.</summary>
    public static IReadOnlyDictionary<int, int[]> Changed => Loaded.Value.Changed;

    public static bool IsSurrogate(int cp) => cp is >= SurrogateFirst and <= SurrogateLast;

    public static int[] Upper(int cp) => Changed.TryGetValue(cp, out int[]? mapped) ? mapped : [cp];

    /// <summary>Expected Unicode-mode output and invalid-byte count for a complete input.</summary>
    public static (byte[] Output, long Invalid) Transform(ReadOnlySpan<byte> input)
    {
        var output = new ArrayBufferWriter<byte>();
        long invalid = 0;
        Span<byte> encoded = stackalloc byte[4];
        while (!input.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(input, out Rune rune, out int consumed);
            if (status == OperationStatus.Done)
            {
                foreach (int cp in Upper(rune.Value))
                {
                    int n = new Rune(cp).EncodeToUtf8(encoded);
                    output.Write(encoded.Slice(0, n));
                }
            }
            else
            {
                output.Write(input.Slice(0, consumed));
                invalid += consumed;
            }

            input = input.Slice(consumed);
        }

        return (output.WrittenSpan.ToArray(), invalid);
    }

    public static byte[] AsciiUpper(ReadOnlySpan<byte> input)
    {
        byte[] result = input.ToArray();
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] is >= (byte)'a' and <= (byte)'z')
            {
                result[i] -= 'a' - 'A';
            }
        }

        return result;
    }

    public static string ReadFile(string name)
    {
        string path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} is missing: install the Debian package 'unicode-data' (apt-get install -y unicode-data) or set KESTRELUPPER_UCD.");
        }

        return File.ReadAllText(path);
    }

    private static Data Load()
    {
        if (Environment.GetEnvironmentVariable("KESTRELUPPER_UCD") is not { Length: > 0 })
        {
            // The Debian package unicode-data ships the files; installed on demand when running as root.
            KestrelUpper.Testing.ExternalTools.RequireFileAsync("/usr/share/unicode/UnicodeData.txt", "unicode-data").GetAwaiter().GetResult();
        }

        var simple = new Dictionary<int, int[]>();
        foreach (string line in ReadFile("UnicodeData.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(';');
            if (f[12].Length > 0)
            {
                simple[Hex(f[0])] = [Hex(f[12])];
            }
        }

        string special = ReadFile("SpecialCasing.txt");
        foreach (string raw in special.Split('\n'))
        {
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split(';').Select(s => s.Trim()).ToArray();
            bool conditional = f.Length > 5 && f[4].Length > 0;
            if (!conditional)
            {
                simple[Hex(f[0])] = f[3].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Hex).ToArray();
            }
        }

        var changed = simple.Where(kv => !(kv.Value.Length == 1 && kv.Value[0] == kv.Key)).ToDictionary();
        string version = VersionPattern().Match(special).Groups[1].Value;
        return new Data(version, changed);
    }

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"SpecialCasing-(\d+\.\d+\.\d+)\.txt")]
    private static partial Regex VersionPattern();

    private sealed record Data(string Version, Dictionary<int, int[]> Changed);
}
