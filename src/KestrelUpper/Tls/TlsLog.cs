namespace KestrelUpper.Tls;

/// <summary>TLS log events (ids 400-499). Handshake failures are Kestrel's own Debug events and the
/// <c>kestrel.tls_handshake.duration</c> metric's <c>error.type</c>.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 400, EventName = "TlsCertificateLoaded", Level = LogLevel.Information,
        Message = "TLS certificate {Subject} ({Thumbprint}), valid until {NotAfter:u}, with {Intermediates} intermediate certificates")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string thumbprint, DateTime notAfter, int intermediates);

    [LoggerMessage(EventId = 401, EventName = "TlsCertificateReloadFailed", Level = LogLevel.Warning,
        Message = "TLS certificate files changed but could not be loaded; serving the previous certificate: {Error}")]
    public static partial void CertificateReloadFailed(ILogger logger, string error);
}
