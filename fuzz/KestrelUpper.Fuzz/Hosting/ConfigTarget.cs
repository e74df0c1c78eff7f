using System.Globalization;
using System.Text;
using KestrelUpper.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static KestrelUpper.Fuzz.FuzzCheckException;

namespace KestrelUpper.Fuzz.Hosting;

/// <summary>
/// The options loader and validator on arbitrary key/value sets through an in-memory configuration, as environment
/// variables or appsettings.json would give them. Input: entries of a key byte (a real key, a real key with a junk
/// suffix, or a junk key) and a value byte (a value that tends to matter, or that many arbitrary bytes). Checks: the
/// only exception is a <see cref="ConfigurationErrorException"/> with a message, and that message stays one line
/// whatever the value (no control or line-separator character); a loaded result passes validation.
/// </summary>
internal static class ConfigTarget
{
    private static readonly string?[] Values =
    [
        null, "", " ", "0", "1", "-1", "65535", "65536", "4096", "1024", "64", "1025", "16777216", "2147483647", "2147483648",
        "-2147483649", "99999999999999999999", "1e3", "0x10", " 12 ", "+5", "1.5", "true", "false", "True", "yes",
        "00:00:00", "00:00:01", "-00:00:01", "1.00:00:00", "1.00:00:01", "10675199.02:48:05.4775807", "00:10:00", "00:10:00.0000001",
        "Unicode", "Ascii", "ascii", "2", "Auto", "Text", "Json", "Off", "Optional", "Required", "Epoll", "Direct", "Kestrel",
        "::", "0.0.0.0", "127.0.0.1", "::1", "fe80::1%eth0", "10.0.0.0/8", "10.0.0.1/8", "::1/128", "::/0", "0.0.0.0/33",
        "/etc/ssl/cert.pem", "\n", "\0", "é",
    ];

    public static void Check(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var pairs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        while (!input.IsEmpty)
        {
            string key = TakeKey(ref input);
            pairs[key] = TakeValue(ref input);
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(pairs).Build();
        UpperOptions options;
        try
        {
            options = UpperOptionsLoader.Load(configuration);
        }
        catch (ConfigurationErrorException ex)
        {
            Require(!string.IsNullOrWhiteSpace(ex.Message), "a configuration error without a message");

            // The service prints it as one line, "kestrelupper: configuration error: ...": a value must not break it.
            Require(!ex.Message.Any(IsLineBreaking), $"a configuration error message with a control or line-separator character: {ex.Message}");
            return;
        }

        ValidateOptionsResult again = new UpperOptionsValidator().Validate(Options.DefaultName, options);
        Require(again.Succeeded, $"loaded options fail validation: {again.FailureMessage}");
        _ = TransportPlan.Decide(options);
        _ = RetiredSettings.Find(configuration);
    }

    private static string TakeKey(ref FuzzInput input)
    {
        IReadOnlyList<string> keys = ConfigKeys.All;
        int choice = input.TakeByte();
        if (choice < keys.Count)
        {
            return keys[choice];
        }

        // A real key with a junk tail (Upper:Tcp:Port:x, Upper:Udp:BlockedSourcePorts:99), or a key of junk.
        string junk = Text(input.Take(input.TakeByte() % 16));
        return choice % 2 == 0 ? $"{keys[input.TakeByte() % keys.Count]}:{junk}" : $"Upper:{junk}";
    }

    private static string? TakeValue(ref FuzzInput input)
    {
        int choice = input.TakeByte();
        return choice < Values.Length ? Values[choice] : Text(input.Take(choice - Values.Length));
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static bool IsLineBreaking(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
