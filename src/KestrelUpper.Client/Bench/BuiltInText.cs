namespace KestrelUpper.Client.Bench;

/// <summary>
/// The text of `upper bench tcp --payload multilingual`: English, Russian, Ukrainian, Greek, French, German, Spanish,
/// Portuguese, Polish, Czech, Turkish, Armenian, Japanese, Chinese, Korean and emoji, about a third of it ASCII.
/// Chosen so that .NET's invariant upper-casing (simple case mapping) gives exactly Python's <c>str.upper()</c>:
/// nothing whose uppercase is longer (no ß, ligatures, ŉ, ΐ, polytonic Greek with a mapping of its own) and no
/// dotless ı (which .NET leaves as it is), which a test checks against python3. That lets the client verify every
/// reply without the service's casing table.
/// </summary>
internal static class BuiltInText
{
    public const string MultilingualName = "multilingual";

    /// <summary>Bytes of the built-in payload: the text below repeated, cut at a character.</summary>
    public const int MultilingualBytes = 64 * 1024;

    public const string Multilingual =
        "The quick brown fox jumps over the lazy dog while the service uppercases every byte it is sent. " +
        "Съешь же ещё этих мягких французских булок, да выпей чаю. Сервис переводит текст в верхний регистр. " +
        "Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів! " +
        "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Η υπηρεσία γράφει κάθε γράμμα με κεφαλαία, ακόμη και τα τονισμένα. " +
        "Voix ambiguë d'un cœur qui au zéphyr préfère les jattes de kiwis; le café est déjà prêt à côté de l'hôtel. " +
        "Falsches Üben von Xylophonmusik quält jeden kleineren Zwerg; Bäume, Öfen und Türen öffnen sich. " +
        "El pingüino Wenceslao hizo kilómetros bajo exhaustiva lluvia y frío, añoraba a su querido cachorro. " +
        "À noite, vovô Kowalsky vê o ímã cair no pé do pinguim queixoso e vovó põe açúcar no chá de tâmaras. " +
        "Pchnąć w tę łódź jeża lub ośm skrzyń fig. Příliš žluťoučký kůň úpěl ďábelské ódy. " +
        "Öğle yemeği için çorba, köfte ve pilav; şeker ve çay da var. " +
        "Բարեւ, աշխարհ։ Ես սիրում եմ իմ քաղաքը։ " +
        "日本語のテキストと中文文本，東京タワーは高い。北京欢迎你！ 한국어 텍스트도 포함합니다, 서울의 밤은 아름답다. " +
        "Emoji: 😀😃😄 🚀🌍 👍🏽 🇩🇪🇫🇷 👩‍💻 ✓ ★ → € £ ¥ — “quoted” … fin.\n";
}
