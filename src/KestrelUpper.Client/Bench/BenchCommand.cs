using KestrelUpper.Client.Cli;
using Spectre.Console;

namespace KestrelUpper.Client.Bench;

/// <summary>`upper bench tcp|udp`: connect, run with a live line on a terminal, then the table or the JSON.</summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(ClientConsole console, BenchSettings settings, CancellationToken cancellationToken)
    {
        using var runner = new BenchRunner(settings);
        await runner.ConnectAsync(cancellationToken).ConfigureAwait(false);

        bool fancy = console.IsOutputTerminal && !settings.Json;
        IAnsiConsole screen = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.Out),
            Ansi = fancy ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = fancy ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = fancy ? InteractionSupport.Yes : InteractionSupport.No,
        });

        Task<BenchResult> run = runner.RunAsync(cancellationToken);
        if (fancy)
        {
            await BenchProgress.ShowAsync(screen, runner, settings.Duration, run).ConfigureAwait(false);
        }

        BenchResult result = await run.ConfigureAwait(false);
        if (settings.Json)
        {
            BenchReport.WriteJson(console.Out, result);
        }
        else
        {
            BenchReport.WriteTable(screen, result, fancy);
        }

        if (result.Mismatches > 0 && settings.Payload is { CheckedBySimpleCaseMapping: true })
        {
            console.Fail(
                $"{result.Mismatches} replies differed from {BenchPayload.SimpleCaseMapping}, which does not expand ß, ligatures and the like; "
                + "if the text has those, pass --expect FILE with the reply to expect (e.g. from python3 str.upper())");
        }

        return result.Passed ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
