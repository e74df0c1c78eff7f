namespace KestrelUpper.Hosting;

/// <summary>How log events are written to standard output.</summary>
internal enum LogFormat
{
    /// <summary>Text when standard output is a terminal, JSON otherwise.</summary>
    Auto = 0,

    /// <summary>One human-readable line per event.</summary>
    Text = 1,

    /// <summary>One JSON object per line.</summary>
    Json = 2,
}
