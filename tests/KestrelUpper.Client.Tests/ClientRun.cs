using KestrelUpper.Client.Cli;
using KestrelUpper.Testing;

namespace KestrelUpper.Client.Tests;

/// <summary>What one in-process run of `upper` did.</summary>
internal sealed record ClientOutcome(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs the real entry point in-process with stdin redirected from a string; bounded by a timeout.</summary>
internal static class ClientRun
{
    public static async Task<ClientOutcome> RunWithInputAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var console = new ClientConsole(new StringReader(stdin), TextWriter.Synchronized(output), TextWriter.Synchronized(error), isInputRedirected: true, isOutputTerminal: false);
        int code = await UpperCli.RunAsync(args, console, handleSignals: false, CancellationToken.None).WaitAsync(TestTimeouts.Extended);
        return new ClientOutcome(code, output.ToString(), error.ToString());
    }

    public static Task<ClientOutcome> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);
}
