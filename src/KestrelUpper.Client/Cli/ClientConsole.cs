namespace KestrelUpper.Client.Cli;

/// <summary>
/// The standard streams and what they are attached to. Passed in rather than read from <see cref="Console"/>
/// so the whole client runs in-process under test with redirected streams.
/// </summary>
internal sealed class ClientConsole
{
    public ClientConsole(TextReader input, TextWriter output, TextWriter error, bool isInputRedirected, bool isOutputTerminal)
    {
        In = input;
        Out = output;
        Error = error;
        IsInputRedirected = isInputRedirected;
        IsOutputTerminal = isOutputTerminal;
    }

    public TextReader In { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True when stdin is a pipe or file: line mode instead of the interactive prompt.</summary>
    public bool IsInputRedirected { get; }

    /// <summary>True when stdout is a terminal: live progress and colours are allowed.</summary>
    public bool IsOutputTerminal { get; }

    public static ClientConsole FromSystem() => new(
        Console.In,
        Console.Out,
        Console.Error,
        Console.IsInputRedirected,
        !Console.IsOutputRedirected);

    /// <summary>Writes the single `upper: ...` line every failure is reported as.</summary>
    public void Fail(string message) => Error.WriteLine($"upper: {message}");
}
