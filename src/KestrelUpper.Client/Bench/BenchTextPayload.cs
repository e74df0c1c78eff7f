using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// Builds the payload of `--payload multilingual|FILE [--expect FILE]`. The client has no casing table of its own
/// (it must not need the service's), so each reply is checked against either the file given with `--expect`, or
/// .NET's invariant upper-casing of the text — an independent implementation of Unicode's simple case mapping, which
/// equals the service's full mapping except where an uppercase is longer (ß→SS, ligatures, ŉ, ΐ) and for the
/// dotless ı (.NET keeps it): text with those needs `--expect`, and a run without it reports them as mismatches. Without `--expect` the text is sent in a few
/// rotations, each with its own expected reply, so a reply delivered twice or out of order cannot pass.
/// </summary>
internal static class BenchTextPayload
{
    /// <summary>Rotations of a text checked against .NET's upper-casing (each one computed).</summary>
    public const int Rotations = 8;

    /// <summary>Loads the payload, or returns false with one line saying what is wrong.</summary>
    public static bool TryLoad(string payload, string? expectFile, int maxBytes, out BenchPayload? result, out string error)
    {
        result = null;
        byte[] request;
        string description;
        if (payload == BuiltInText.MultilingualName)
        {
            description = $"{BuiltInText.MultilingualName} (built-in)";
            request = BuiltInMultilingual();
        }
        else
        {
            description = payload;
            if (!TryRead("--payload", payload, maxBytes, out request, out error))
            {
                return false;
            }
        }

        if (EndsInsideSequence(request))
        {
            error = $"--payload: '{payload}' ends inside a UTF-8 sequence; messages are sent back to back, so its reply would depend on the next one";
            return false;
        }

        if (expectFile is not null)
        {
            // Replies are the stream's bytes in order: the expected file is the reply to one copy of the payload.
            if (!TryRead("--expect", expectFile, maxBytes * 3, out byte[] expected, out error))
            {
                return false;
            }

            result = BenchPayload.Text(description, $"--expect {expectFile}", [request], [expected]);
            return true;
        }

        if (!Utf8.IsValid(request))
        {
            int at = Encoding.UTF8.GetString(request).IndexOf('\uFFFD', StringComparison.Ordinal);
            error = $"--payload: '{payload}' is not valid UTF-8 (near character {at}); pass --expect FILE with the reply to expect";
            return false;
        }

        string text = Encoding.UTF8.GetString(request);
        var requests = new byte[Rotations][];
        var replies = new byte[Rotations][];
        for (int i = 0; i < Rotations; i++)
        {
            string rotated = Rotate(text, i * text.Length / Rotations);
            requests[i] = Encoding.UTF8.GetBytes(rotated);
            replies[i] = Encoding.UTF8.GetBytes(rotated.ToUpperInvariant());
        }

        result = BenchPayload.Text(description, BenchPayload.SimpleCaseMapping, requests, replies);
        error = string.Empty;
        return true;
    }

    /// <summary>The built-in text repeated to about <see cref="BuiltInText.MultilingualBytes"/>, cut before a character.</summary>
    public static byte[] BuiltInMultilingual()
    {
        var text = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(BuiltInText.Multilingual) <= BuiltInText.MultilingualBytes)
        {
            text.Append(BuiltInText.Multilingual);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static bool TryRead(string option, string path, int maxBytes, out byte[] bytes, out string error)
    {
        bytes = [];
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"{option}: no such file '{path}'";
                return false;
            }

            if (info.Length == 0 || info.Length > maxBytes)
            {
                error = info.Length == 0
                    ? $"{option}: '{path}' is empty"
                    : string.Create(CultureInfo.InvariantCulture, $"{option}: '{path}' is {info.Length} bytes; at most {maxBytes}");
                return false;
            }

            bytes = File.ReadAllBytes(path);
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{option}: cannot read '{path}': {ex.Message}";
            return false;
        }
    }

    /// <summary>True when the last bytes are a valid but unfinished sequence (a lead and some of its continuations).</summary>
    private static bool EndsInsideSequence(ReadOnlySpan<byte> bytes)
    {
        for (int back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            byte b = bytes[^back];
            if (b < 0x80)
            {
                return false;
            }

            if (b >= 0xC0)
            {
                int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return back < length && b <= 0xF4;
            }
        }

        return false;
    }

    /// <summary>The text rotated to start at <paramref name="start"/>, moved forward off a low surrogate.</summary>
    private static string Rotate(string text, int start)
    {
        while (start < text.Length && char.IsLowSurrogate(text[start]))
        {
            start++;
        }

        return start >= text.Length ? text : string.Concat(text.AsSpan(start), text.AsSpan(0, start));
    }
}
