namespace KestrelUpper.Client.Lines;

/// <summary>Line input that Ctrl-C can abandon: Console.In blocks in ReadLine and ignores cancellation tokens.</summary>
internal static class ConsoleInput
{
    public static Task<string?> ReadLineAsync(TextReader reader, CancellationToken cancellationToken) =>
        Task.Run(reader.ReadLine, cancellationToken).WaitAsync(cancellationToken);
}
