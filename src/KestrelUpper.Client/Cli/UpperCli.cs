using System.CommandLine;
using System.CommandLine.Help;
using System.Net.Sockets;
using KestrelUpper.Client.Bench;
using KestrelUpper.Client.Lines;
using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Cli;

/// <summary>
/// The `upper` command line. Everything goes through a <see cref="ClientConsole"/>, so tests run the real entry
/// point in-process with their own stdin and stdout.
/// </summary>
internal static class UpperCli
{
    /// <param name="handleSignals">Whether Ctrl-C/SIGTERM cancel the run: on for the real process, off in tests.</param>
    public static async Task<int> RunAsync(string[] args, ClientConsole console, bool handleSignals, CancellationToken cancellationToken)
    {
        RootCommand root = Build(console);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            // An unknown word explains itself better than the "required command" error it also causes.
            string problem = parsed.UnmatchedTokens.Count > 0
                ? $"unknown command or argument '{parsed.UnmatchedTokens[0]}'"
                : parsed.Errors[0].Message;
            console.Fail($"{problem} (see 'upper --help')");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleSignals ? TimeSpan.FromSeconds(3) : null,
        };
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    public static RootCommand Build(ClientConsole console)
    {
        var root = new RootCommand("Client for the KestrelUpper uppercase service: talk to it over TCP or UDP, or load-test it.");

        var tcp = new Command("tcp", "Send lines over one TCP connection: a prompt on a terminal, line by line from a pipe.");
        var tcpOptions = new ServerOptions(5, "Seconds to wait for the connection, and for a reply that is due.");
        tcpOptions.AddTo(tcp);
        tcp.SetAction((result, token) => GuardAsync(console, () =>
            new TcpLineClient(console, new LineClientSettings(tcpOptions.Server(result), tcpOptions.TimeoutOf(result))).RunAsync(token), token));

        var udp = new Command("udp", "Send each line as one UDP datagram and print the reply datagram.");
        var udpOptions = new ServerOptions(2, "Seconds to wait for each reply; a lost one is reported and the next line goes on.");
        udpOptions.AddTo(udp);
        udp.SetAction((result, token) => GuardAsync(console, () =>
            new UdpLineClient(console, new LineClientSettings(udpOptions.Server(result), udpOptions.TimeoutOf(result))).RunAsync(token), token));

        var bench = new Command("bench", "Load-test the server, verifying every reply byte; exit 0 only with no errors and no mismatches.");
        bench.Subcommands.Add(BenchSubcommand(console, BenchProtocol.Tcp));
        bench.Subcommands.Add(BenchSubcommand(console, BenchProtocol.Udp));

        root.Subcommands.Add(tcp);
        root.Subcommands.Add(udp);
        root.Subcommands.Add(bench);
        return root;
    }

    private static Command BenchSubcommand(ClientConsole console, BenchProtocol protocol)
    {
        string name = protocol.ToString().ToLowerInvariant();
        var command = new Command(name, $"Load-test over {name.ToUpperInvariant()}.");
        var options = new BenchOptions(protocol);
        options.AddTo(command);
        command.SetAction((result, token) => GuardAsync(console, () => BenchCommand.RunAsync(console, options.Settings(result), token), token));
        return command;
    }

    /// <summary>Every failure becomes one `upper: ...` line and an exit code; never a stack trace.</summary>
    private static async Task<int> GuardAsync(ClientConsole console, Func<Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (!console.IsInputRedirected)
            {
                // Leave the shell prompt on a line of its own, not after ours.
                console.Out.WriteLine();
            }

            return ExitCodes.Interrupted;
        }
        catch (ClientFailureException ex)
        {
            console.Fail(ex.Message);
        }
        catch (SocketException ex)
        {
            console.Fail(SocketErrors.Describe(ex, "network", "server"));
        }
        catch (IOException ex)
        {
            console.Fail($"i/o error: {ex.Message}");
        }
#pragma warning disable CA1031 // Last resort: the contract is one line on stderr, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            console.Fail($"unexpected error: {ex.Message}");
        }

        return ExitCodes.Failure;
    }
}
