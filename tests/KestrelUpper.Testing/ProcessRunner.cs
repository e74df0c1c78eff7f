using System.Diagnostics;
using System.Text;

namespace KestrelUpper.Testing;

/// <summary>What a finished program left behind.</summary>
public sealed record ProcessResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

/// <summary>Runs a real program to completion with the given standard input, bounded by <see cref="TestTimeouts"/>.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> args, byte[]? stdin = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        using var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        await Task.WhenAll(copy, stderr, process.WaitForExitAsync()).WaitAsync(timeout ?? TestTimeouts.Extended).ConfigureAwait(false);
        return new ProcessResult(process.ExitCode, stdout.ToArray(), await stderr.ConfigureAwait(false));
    }
}
