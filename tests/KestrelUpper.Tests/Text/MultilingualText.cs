using System.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// Seeded random text shaped like real multilingual traffic: runs of words from one script at a time (so the fast
/// paths get long runs and many run boundaries), spaces and punctuation between them, characters that change length
/// (ß, ΐ, ﬁ, ı, ɐ) now and then, and optionally invalid bytes of every kind.
/// </summary>
internal static class MultilingualText
{
    // Each entry: characters a word of that script is drawn from.
    private static readonly string[] Scripts =
    [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿÀÉÎÕÜÇÑÆØÅµ",
        "āăąćĉċčďđēĕėęěĝğġģĥħĩīĭįĵķĺļľŀłńņňŋōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżžƀƃƅƈƌƒƙơƣƥƨƭưƴƶƹƽǆǉǌǎǐǒǔǖǘǚǜǝǟǡǣǥǧǩǫǭǯǳǵ",
        "ɓɔɖɗəɛɠɣɨɩɯɲɵʀʃʈʉʊʋʌʒ",
        "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋςΑΒΓΔΩϐϑϕϖϗϙϛϝϟϡϣϥϧϩϫϭϯϰϱϲϳϵϸϻ",
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗЯѐёђѓєѕіїјљњћќѝўџѡѣѥѧѩѫѭѯѱѳѵѷѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӂӄӆӈӊӌӎӏӑӓӕӗәӛӝӟӡӣӥӧөӫӭӯӱӳӵӷӹ",
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆԱԲԳ",
        "אבגדהוזחטיכלמנסעפצקרשת",
        "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
        "日本語中文文本東京北京漢字简体繁體的一是不了人我在有他这为之大来以个中上们",
        "ひらがなカタカナのをにはがとでもテキストワー",
        "한국어텍스트도포함합니다서울의밤가나다라마바사",
        "ḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
        "ἀἁἂἃἄἅἆἇἐἑἒἓἔἕἠἡἢἣἤἥἦἧἰἱἲἳἴἵἶἷὀὁὂὃὄὅὑὓὕὗὠὡὢὣὤὥὦὧὰάὲέὴήὶίὸόὺύὼώ",
        "ⓐⓑⓒⓓⓔⅰⅱⅲⅳⅴⰰⰱⰲⱡⱨⱪⱬⲁⲃⲅⴀⴁⴂꙁꙃꙅꜣꜥꜧꝁꝃꝅꞁꞃꞅꭓꭰꭱａｂｃｄｅｆｇ",
        "—–“”‘’…•€£¥©®™°±×÷§¶←→↑↓★☆✓✗♠♣♥♦",
        "😀😃😄😁🎉🚀🌍👍🏽🧪🐍🦀🔥💯🇩🇪",
        "𐐨𐐩𐐪𐐫𐓘𐓙𐳀𐳁𑣀𑣁𖹠𖹡𞤢𞤣𝐀𝐁𝐚𝐛",
    ];

    // Mappings that change length, and characters of unusual shape: the fast paths must hand these over intact.
    private const string Specials = "ßŉǰΐΰևﬁﬂﬀﬃﬄﬅﬆẞıſɐɑɒɜɡɥɦɪɫɬɱɽʂʇʝʞȿɀⱥⱦᾳᾷῃῇῳῷᾀᾁẖẗẘẙẚͅΐ";

    private static readonly byte[][] InvalidPieces =
    [
        [0x80], [0xBF], [0xC0], [0xC1], [0xC2], [0xDF], [0xE0], [0xED], [0xF0], [0xF4], [0xF5], [0xF8], [0xFE], [0xFF],
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF0, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
        [0xE2, 0x82], [0xF0, 0x9F], [0xF0, 0x9F, 0x98], [0xE1, 0xB8], [0xC3], [0xD0], [0xCE, 0xCE], [0x80, 0x80, 0x80],
    ];

    /// <summary>Valid UTF-8 text of about <paramref name="bytes"/> bytes.</summary>
    public static byte[] Valid(Random random, int bytes) => Build(random, bytes, invalidRate: 0);

    /// <summary>Text with an invalid piece after about one word in <c>1 / invalidRate</c>.</summary>
    public static byte[] WithInvalid(Random random, int bytes, double invalidRate) => Build(random, bytes, invalidRate);

    private static byte[] Build(Random random, int bytes, double invalidRate)
    {
        var output = new List<byte>(bytes + 64);
        var word = new StringBuilder();
        string script = Scripts[random.Next(Scripts.Length)];
        while (output.Count < bytes)
        {
            if (random.Next(6) == 0)
            {
                // Scripts change every few words, as in mixed-language text.
                script = Scripts[random.Next(Scripts.Length)];
            }

            word.Clear();
            int letters = random.Next(1, 12);
            for (int i = 0; i < letters; i++)
            {
                word.Append(random.Next(40) == 0 ? Pick(Specials, random) : Pick(script, random));
            }

            output.AddRange(Encoding.UTF8.GetBytes(word.ToString()));
            if (invalidRate > 0 && random.NextDouble() < invalidRate)
            {
                output.AddRange(InvalidPieces[random.Next(InvalidPieces.Length)]);
            }

            output.Add(random.Next(8) switch
            {
                0 => (byte)',',
                1 => (byte)'\n',
                _ => (byte)' ',
            });
        }

        return [.. output];
    }

    /// <summary>One text element of <paramref name="alphabet"/> (a surrogate pair or a flag's two regional indicators stay whole).</summary>
    private static string Pick(string alphabet, Random random)
    {
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(alphabet);
        int count = new System.Globalization.StringInfo(alphabet).LengthInTextElements;
        int target = random.Next(count);
        for (int i = 0; elements.MoveNext(); i++)
        {
            if (i == target)
            {
                return (string)elements.Current;
            }
        }

        return alphabet;
    }
}
