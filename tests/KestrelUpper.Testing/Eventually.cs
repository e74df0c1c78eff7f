namespace KestrelUpper.Testing;

/// <summary>Polls a condition that the system under test reaches on its own (connections closing, counters settling).</summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; throws after <see cref="TestTimeouts.Default"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token).ConfigureAwait(false);
        }
    }
}
