using System.CommandLine.Parsing;
using System.Globalization;

namespace KestrelUpper.Client.Cli;

/// <summary>
/// Number parsers that check their range too, so a bad value ("abc", "-1", "70000") is one plain parse error
/// naming the option, and validation never sees an unparsed value.
/// </summary>
internal static class OptionParsers
{
    public static Func<ArgumentResult, int> Int(string name, int min, int max) => result =>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min} to {max}, not '{text}'"));
        }

        return value;
    };

    /// <summary>A number in (min, max], or [min, max] when <paramref name="allowMin"/>.</summary>
    public static Func<ArgumentResult, double> Double(string name, double min, double max, bool allowMin) => result =>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        bool parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value);
        bool aboveMin = allowMin ? value >= min : value > min;
        if (!parsed || !double.IsFinite(value) || !aboveMin || value > max)
        {
            string lower = allowMin ? $"from {min}" : $"more than {min}";
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a number {lower} up to {max}, not '{text}'"));
        }

        return value;
    };
}
