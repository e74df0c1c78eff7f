namespace KestrelUpper.Testing;

/// <summary>Upper bounds for awaits in tests: a hang fails the test instead of the run. Never a speed assertion.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Extended = TimeSpan.FromSeconds(120);
}
