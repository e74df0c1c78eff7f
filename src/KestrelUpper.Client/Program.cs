using KestrelUpper.Client.Cli;

namespace KestrelUpper.Client;

internal static class Program
{
    public static Task<int> Main(string[] args) =>
        UpperCli.RunAsync(args, ClientConsole.FromSystem(), handleSignals: true, CancellationToken.None);
}
