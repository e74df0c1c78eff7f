namespace KestrelUpper.Tcp;

/// <summary>Why <see cref="UppercasePump"/> stopped.</summary>
internal enum PumpOutcome
{
    /// <summary>The client finished sending (FIN) and every reply was flushed.</summary>
    InputCompleted = 0,

    /// <summary>The output closed under us (the client is gone or the connection was aborted).</summary>
    OutputClosed = 1,

    /// <summary>The server cancelled the read (drain or idle timeout) after answering what had arrived.</summary>
    ReadCanceled = 2,
}
