using System.Globalization;
using System.Text;

namespace KestrelUpper.Hosting;

/// <summary>A configuration value is unusable; the message is meant for the operator, as is.</summary>
internal sealed class ConfigurationErrorException : Exception
{
    public ConfigurationErrorException(string message)
        : base(OneLine(message))
    {
    }

    public ConfigurationErrorException(string message, Exception innerException)
        : base(OneLine(message), innerException)
    {
    }

    /// <summary>
    /// Messages quote the offending value, and it is printed as one line ("kestrelupper: configuration error: ..."):
    /// control and line-separator characters are escaped, so a value cannot split that line or drive the terminal
    /// (found by fuzzing, fuzz/README.md).
    /// </summary>
    private static string OneLine(string message)
    {
        if (!message.Any(BreaksLine))
        {
            return message;
        }

        var line = new StringBuilder(message.Length + 8);
        foreach (char c in message)
        {
            _ = c switch
            {
                '\n' => line.Append(@"\n"),
                '\r' => line.Append(@"\r"),
                '\t' => line.Append(@"\t"),
                _ when BreaksLine(c) => line.Append(CultureInfo.InvariantCulture, $@"\u{(int)c:X4}"),
                _ => line.Append(c),
            };
        }

        return line.ToString();
    }

    private static bool BreaksLine(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
