namespace KestrelUpper.Client.Cli;

/// <summary>The process exit codes `upper` documents.</summary>
internal static class ExitCodes
{
    /// <summary>Everything worked; for bench: no errors and no mismatches.</summary>
    public const int Ok = 0;

    /// <summary>A runtime or network failure, a lost reply, or a bench with errors or mismatches.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
