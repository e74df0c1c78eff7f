namespace KestrelUpper.Client.Lines;

/// <summary>The textbook client's wording, kept for the interactive mode.</summary>
internal static class Prompt
{
    public const string Input = "Input lowercase sentence: ";

    public const string ReplyPrefix = "From Server: ";
}
