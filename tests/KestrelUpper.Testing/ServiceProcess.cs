using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace KestrelUpper.Testing;

/// <summary>
/// The service as a real child process (<c>dotnet KestrelUpper.dll</c>) on ephemeral loopback ports, for what
/// only a process shows: signals, exit codes, standard output. The ports are read from its JSON (compact) start-up log.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<JsonElement> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IPEndPoint TcpEndPoint { get; private set; } = null!;

    public IPEndPoint UdpEndPoint { get; private set; } = null!;

    public IPEndPoint HttpEndPoint { get; private set; } = null!;

    public int ProcessId => _process.Id;

    public IReadOnlyCollection<string> StandardOutput => _stdout;

    public IReadOnlyCollection<string> StandardError => _stderr;

    /// <summary>The service's assembly, next to the test binaries (the project reference copies it there).</summary>
    public static string ServicePath => Path.Combine(AppContext.BaseDirectory, "KestrelUpper.dll");

    /// <summary>Starts the process without waiting for it to become ready (for start-up failure tests).</summary>
    public static ServiceProcess Launch(IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(ServicePath);
        start.Environment["Upper__Address"] = "127.0.0.1";
        start.Environment["Upper__Tcp__Port"] = "0";
        start.Environment["Upper__Udp__Port"] = "0";
        start.Environment["Upper__Http__Port"] = "0";
        start.Environment["Upper__Log__Format"] = "Json";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>Starts the process and waits until it logs that it is ready.</summary>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        ServiceProcess service = Launch(environment);
        Task exited = service._process.WaitForExitAsync();
        Task first = await Task.WhenAny(service._started.Task, exited).WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        if (first == exited)
        {
            throw new InvalidOperationException($"The service exited with {service._process.ExitCode}: {string.Join('\n', service._stderr)}");
        }

        JsonElement properties = await service._started.Task.ConfigureAwait(false);
        service.TcpEndPoint = IPEndPoint.Parse(properties.GetProperty("TcpEndPoint").GetString()!);
        service.UdpEndPoint = IPEndPoint.Parse(properties.GetProperty("UdpEndPoint").GetString()!);
        service.HttpEndPoint = IPEndPoint.Parse(properties.GetProperty("HttpEndPoint").GetString()!);
        return service;
    }

    /// <summary>Sends SIGTERM, as Kubernetes and <c>docker stop</c> do.</summary>
    public void Terminate()
    {
        using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            return;
        }

        _stdout.Enqueue(line);
        if (!line.StartsWith('{'))
        {
            return;
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            // Compact JSON (Serilog.Formatting.Compact): the event's properties sit beside @t and @m.
            if (json.RootElement.TryGetProperty("EventId", out JsonElement eventId)
                && eventId.TryGetProperty("Name", out JsonElement name)
                && name.GetString() == "Started")
            {
                _started.TrySetResult(json.RootElement.Clone());
            }
        }
        catch (JsonException)
        {
            // Not every line need be ours; the test that cares about JSON asserts it.
        }
    }
}
