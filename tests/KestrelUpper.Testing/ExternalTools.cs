
namespace KestrelUpper.Testing;

/// <summary>
/// Real programs some tests drive (nc, python3, promtool, ...). A missing one is installed from Debian's
/// packages when the tests run as root (so <c>dotnet test</c> on a fresh machine sets itself up), and is
/// otherwise a clear failure naming the package. Never a silent skip.
/// </summary>
public static class ExternalTools
{
    private static readonly SemaphoreSlim AptLock = new(1, 1);
    private static bool s_aptUpdated;

    /// <summary>Returns the full path of <paramref name="command"/>, installing <paramref name="debianPackage"/> if needed.</summary>
    public static async Task<string> RequireAsync(string command, string debianPackage)
    {
        if (Find(command) is { } found)
        {
            return found;
        }

        await InstallAsync(debianPackage, command).ConfigureAwait(false);
        return Find(command) ?? throw new InvalidOperationException($"Installed '{debianPackage}' but '{command}' is still not on PATH.");
    }

    private static async Task InstallAsync(string debianPackage, string needed)
    {
        await AptLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || Find("apt-get") is null)
            {
                throw new InvalidOperationException($"This test needs '{needed}': install the Debian package '{debianPackage}' (apt-get install -y {debianPackage}).");
            }

            if (!s_aptUpdated)
            {
                await RunAsync("apt-get", "update", "-q").ConfigureAwait(false);
                s_aptUpdated = true;
            }

            await RunAsync("apt-get", "install", "-y", "-q", "--no-install-recommends", debianPackage).ConfigureAwait(false);
        }
        finally
        {
            AptLock.Release();
        }
    }

    /// <summary>Returns <paramref name="path"/>, installing <paramref name="debianPackage"/> if the file is missing.</summary>
    public static async Task<string> RequireFileAsync(string path, string debianPackage)
    {
        if (!File.Exists(path))
        {
            await InstallAsync(debianPackage, path).ConfigureAwait(false);
        }

        return File.Exists(path) ? path : throw new InvalidOperationException($"Installed '{debianPackage}' but '{path}' is still missing.");
    }

    /// <summary>The full path of <paramref name="command"/> on PATH, or null.</summary>
    public static string? Find(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);

    private static async Task RunAsync(string program, params string[] args)
    {
        ProcessResult result = await ProcessRunner.RunAsync(program, args, environment: new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }, timeout: TimeSpan.FromMinutes(10)).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}{result.StdoutText}");
        }
    }
}
