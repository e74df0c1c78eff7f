using System.Buffers;
using System.Text;

namespace KestrelUpper.Benchmarks;

/// <summary>The 16 KiB inputs of the uppercaser benchmarks, one per class of text; the same bytes go to ICU and Python.</summary>
internal static class BenchmarkInputs
{
    public const int Bytes = 16 * 1024;

    public static readonly string[] Classes =
        ["ascii", "latin1", "greek-cyrillic", "cjk", "emoji", "caseless", "uppercase", "multilingual", "invalid"];

    private const int Seed = 1234;
    private const int InvalidEvery = 8;

    /// <summary>The input of <paramref name="kind"/>: its sample repeated to 16 KiB (cut at a character), padded with spaces.</summary>
    public static byte[] Build(string kind)
    {
        var bytes = new ArrayBufferWriter<byte>(Bytes);
        if (kind == "invalid")
        {
            // Lowercase ASCII with an invalid byte (stray continuation, overlong or surrogate lead, F5..FF) every 8 bytes.
            var random = new Random(Seed);
            byte[] bad = [0x80, 0xBF, 0xC0, 0xED, 0xF5, 0xFF];
            for (int i = 0; i < Bytes; i++)
            {
                bytes.Write([i % InvalidEvery == 0 ? bad[random.Next(bad.Length)] : (byte)random.Next('a', 'z' + 1)]);
            }

            return bytes.WrittenSpan.ToArray();
        }

        byte[] encoded = Encoding.UTF8.GetBytes(Sample(kind));
        while (bytes.WrittenCount + encoded.Length <= Bytes)
        {
            bytes.Write(encoded);
        }

        while (bytes.WrittenCount < Bytes)
        {
            bytes.Write(" "u8);
        }

        return bytes.WrittenSpan.ToArray();
    }

    private static string Sample(string kind) => kind switch
    {
        "ascii" => "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. ",
        "latin1" => "Voilà l'été: façade, naïve, Straße, Ærø, señor, smørrebrød, crème brûlée. ",
        "greek-cyrillic" => "ἀλήθεια καὶ ζωή, ελληνικά γράμματα; съешь же ещё этих мягких французских булок. ",
        "cjk" => "日本語のテキストと中文文本，한국어 텍스트도 포함합니다。",
        "emoji" => "😀😃😄😁🎉🚀🌍👍🏽🧪 ",
        // Caseless scripts and symbols only, no ASCII letters: nothing may change.
        "caseless" => "東京タワーは高い。北京欢迎你！서울의 밤 مرحبا بالعالم שלום עולם สวัสดี नमस्ते ★→✓€ 😀🎉 ",
        // Already uppercase: every letter is looked up and found unchanged.
        "uppercase" => "PACK MY BOX ÀÉÎÕÜ ÇÑ ÆØÅ ΑΛΉΘΕΙΑ ΚΑΙ ΖΩΉ СЪЕШЬ ЖЕ ЕЩЁ ЭТИХ ԲԱՐԵՎ ",
        // The end-to-end payload's mix: English, Russian, Greek, French/German, Japanese/Chinese, emoji.
        "multilingual" => "The service uppercases text. Сервис переводит текст в верхний регистр. Η υπηρεσία γράφει κεφαλαία. " +
            "Le café déjà prêt, über größere Bäume. 日本語と中文のテキスト。 Emoji 😀🚀👍🏽 too. ",
        _ => throw new ArgumentException($"unknown input class '{kind}'", nameof(kind)),
    };
}
