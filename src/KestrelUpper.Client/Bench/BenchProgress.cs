using System.Globalization;
using Spectre.Console;

namespace KestrelUpper.Client.Bench;

/// <summary>The live line shown while a bench runs on a terminal; gone when the run ends.</summary>
internal static class BenchProgress
{
    public static Task ShowAsync(IAnsiConsole console, BenchRunner runner, TimeSpan duration, Task run) =>
        console.Progress()
            .AutoClear(true)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("starting", maxValue: duration.TotalSeconds);
                while (!run.IsCompleted)
                {
                    BenchSnapshot now = runner.Snapshot();
                    double seconds = Math.Max(now.Elapsed.TotalSeconds, 0.001);
                    task.Value = Math.Min(seconds, duration.TotalSeconds);
                    task.Description = string.Create(
                        CultureInfo.InvariantCulture,
                        $"{now.Messages:N0} msgs  {now.Messages / seconds:N0}/s  errors {now.Errors:N0}  mismatches {now.Mismatches:N0}");
                    await Task.WhenAny(run, Task.Delay(250)).ConfigureAwait(false);
                }

                task.Value = task.MaxValue;
            });
}
