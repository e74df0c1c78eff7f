using KestrelUpper.Client.Cli;
using KestrelUpper.Testing;

namespace KestrelUpper.Client.Tests;

/// <summary>Runs the real entry point in-process with stdin redirected from a string; bounded by a timeout.</summary>
internal static class ClientRun
{
    public static Task<ClientOutcome> RunWithInputAsync(string stdin, params string[] args) => RunCoreAsync(stdin, isInputRedirected: true, args);

    /// <summary>As if typed at a terminal: the prompt and "From Server:" replies.</summary>
    public static Task<ClientOutcome> RunInteractiveAsync(string typed, params string[] args) => RunCoreAsync(typed, isInputRedirected: false, args);

    private static async Task<ClientOutcome> RunCoreAsync(string stdin, bool isInputRedirected, string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var console = new ClientConsole(new StringReader(stdin), TextWriter.Synchronized(output), TextWriter.Synchronized(error), isInputRedirected, isOutputTerminal: false);
        int code = await UpperCli.RunAsync(args, console, handleSignals: false, CancellationToken.None).WaitAsync(TestTimeouts.Extended);
        return new ClientOutcome(code, output.ToString(), error.ToString());
    }

    public static Task<ClientOutcome> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);
}
