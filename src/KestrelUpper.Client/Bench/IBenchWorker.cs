namespace KestrelUpper.Client.Bench;

/// <summary>One connection's load loop.</summary>
internal interface IBenchWorker : IDisposable
{
    WorkerStats Stats { get; }

    /// <summary>
    /// Sends until <paramref name="stopSending"/>, then waits for the replies still owed until <paramref name="abort"/>;
    /// whatever is still owed then counts as errors. Never throws for network trouble: that is counted too.
    /// </summary>
    Task RunAsync(CancellationToken stopSending, CancellationToken abort);
}
