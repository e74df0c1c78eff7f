using System.Globalization;
using System.Text;

namespace KestrelUpper.Testing;

/// <summary>
/// A log event's message as Microsoft.Extensions.Logging renders it: the template's holes filled with the values as
/// they are (no quotes). Serilog, which the service logs through, hands other providers events whose own rendering
/// quotes strings (<c>"tcp"</c>); tests that read messages should not depend on which logger rendered them.
/// </summary>
public static class TemplateMessage
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    /// <summary>The rendered message, or null when <paramref name="state"/> carries no template.</summary>
    public static string? Render(object? state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return null;
        }

        string? template = values.FirstOrDefault(kv => kv.Key == OriginalFormatKey).Value as string;
        if (template is null)
        {
            return null;
        }

        var message = new StringBuilder(template.Length);
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                message.Append(c); // {{ and }} are literal braces
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i) is int close and > 0)
            {
                message.Append(Hole(template[(i + 1)..close], values));
                i = close;
            }
            else
            {
                message.Append(c);
            }
        }

        return message.ToString();
    }

    private static string Hole(string hole, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        int formatAt = hole.IndexOf(':', StringComparison.Ordinal);
        string name = (formatAt < 0 ? hole : hole[..formatAt]).Split(',')[0].TrimStart('@', '$');
        string? format = formatAt < 0 ? null : hole[(formatAt + 1)..];
        object? value = values.FirstOrDefault(kv => kv.Key == name).Value;
        return value switch
        {
            null => "(null)",
            IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        };
    }
}
