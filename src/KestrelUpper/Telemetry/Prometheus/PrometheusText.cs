using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;

namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>UTF-8 primitives of text exposition format 0.0.4, written straight into an <see cref="IBufferWriter{T}"/>.</summary>
internal static class PrometheusText
{
    // Enough for any double in "R" format (at most ~24 chars) and any long.
    private const int MaxNumberLength = 32;

    public static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    public static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    /// <summary>Writes text that needs no escaping (sanitized names).</summary>
    public static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        int written = Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        output.Advance(written);
    }

    /// <summary>HELP text: backslash and line feed are escaped; quotes are legal as-is.</summary>
    public static void WriteHelpEscaped(IBufferWriter<byte> output, ReadOnlySpan<char> text) =>
        WriteEscaped(output, text, escapeQuote: false);

    /// <summary>Label values: backslash, double quote and line feed are escaped.</summary>
    public static void WriteLabelValueEscaped(IBufferWriter<byte> output, ReadOnlySpan<char> text) =>
        WriteEscaped(output, text, escapeQuote: true);

    public static void WriteLong(IBufferWriter<byte> output, long value)
    {
        Span<byte> span = output.GetSpan(MaxNumberLength);
        value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    /// <summary>Shortest round-trip invariant form, with Prometheus' spellings of the non-finite values.</summary>
    public static void WriteDouble(IBufferWriter<byte> output, double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            WriteRaw(output, "+Inf"u8);
        }
        else if (double.IsNegativeInfinity(value))
        {
            WriteRaw(output, "-Inf"u8);
        }
        else if (double.IsNaN(value))
        {
            WriteRaw(output, "NaN"u8);
        }
        else
        {
            Span<byte> span = output.GetSpan(MaxNumberLength);
            value.TryFormat(span, out int written, "R", CultureInfo.InvariantCulture);
            output.Advance(written);
        }
    }

    /// <summary>
    /// An attribute value as a label value: strings as-is, booleans lower-case, numbers invariant,
    /// arrays JSON-encoded (as the compatibility specification asks).
    /// </summary>
    public static void WriteLabelValue(IBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                WriteLabelValueEscaped(output, text);
                return;
            case bool flag:
                WriteRaw(output, flag ? "true"u8 : "false"u8);
                return;
            case double number:
                WriteDouble(output, number);
                return;
            case IEnumerable sequence:
                WriteLabelValueEscaped(output, FormatJsonArray(sequence));
                return;
            case ISpanFormattable formattable:
                Span<char> chars = stackalloc char[64];
                if (formattable.TryFormat(chars, out int length, default, CultureInfo.InvariantCulture))
                {
                    WriteLabelValueEscaped(output, chars[..length]);
                    return;
                }

                break;
        }

        WriteLabelValueEscaped(output, Convert.ToString(value, CultureInfo.InvariantCulture));
    }

    // Rare (array-valued attributes), so a string allocation is acceptable here.
    private static string FormatJsonArray(IEnumerable sequence)
    {
        var builder = new StringBuilder("[");
        bool first = true;
        foreach (object? item in sequence)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            switch (item)
            {
                case null:
                    builder.Append("null");
                    break;
                case bool flag:
                    builder.Append(flag ? "true" : "false");
                    break;
                case string text:
                    AppendJsonString(builder, text);
                    break;
                case double or float or long or int or short or sbyte or ulong or uint or ushort or byte or decimal:
                    builder.Append(Convert.ToString(item, CultureInfo.InvariantCulture));
                    break;
                default:
                    AppendJsonString(builder, Convert.ToString(item, CultureInfo.InvariantCulture) ?? string.Empty);
                    break;
            }
        }

        return builder.Append(']').ToString();
    }

    private static void AppendJsonString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ':
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }

    private static void WriteEscaped(IBufferWriter<byte> output, ReadOnlySpan<char> text, bool escapeQuote)
    {
        // Write unescaped runs in one go; only the (rare) special characters break a run.
        while (!text.IsEmpty)
        {
            int special = escapeQuote ? text.IndexOfAny('\\', '\n', '"') : text.IndexOfAny('\\', '\n');
            if (special < 0)
            {
                WriteString(output, text);
                return;
            }

            WriteString(output, text[..special]);
            WriteRaw(output, text[special] switch
            {
                '\\' => "\\\\"u8,
                '\n' => "\\n"u8,
                _ => "\\\""u8,
            });
            text = text[(special + 1)..];
        }
    }
}
