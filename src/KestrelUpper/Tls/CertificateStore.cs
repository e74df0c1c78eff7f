using System.Security.Cryptography.X509Certificates;
using KestrelUpper.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tls;

/// <summary>
/// The certificate new TLS connections get. cert-manager and kubelet rotate the mounted files in place, so
/// on a handshake, at most once per <c>ReloadCheckInterval</c>, the files' timestamps are compared and a
/// changed pair is loaded; a half-written or bad pair keeps the current certificate and logs a warning.
/// Established connections keep the certificate they were made with.
/// </summary>
internal sealed class CertificateStore : IDisposable
{
    private readonly TlsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateStore> _logger;
    private readonly long _checkIntervalTicks;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key) _loadedStamp;
    private long _nextCheck;

    public CertificateStore(X509Certificate2 initial, IOptions<UpperOptions> options, TimeProvider time, ILogger<CertificateStore> logger)
    {
        _options = options.Value.Tls;
        _time = time;
        _logger = logger;
        _current = initial;
        _loadedStamp = Stamp();
        _checkIntervalTicks = (long)(_options.ReloadCheckInterval.TotalSeconds * time.TimestampFrequency);
        _nextCheck = time.GetTimestamp() + _checkIntervalTicks;
        TlsLog.CertificateLoaded(logger, initial.Subject, initial.Thumbprint, initial.NotAfter);
    }

    /// <summary>The certificate to serve now, reloaded first if its files changed.</summary>
    public X509Certificate2 Current
    {
        get
        {
            long now = _time.GetTimestamp();
            if (now >= Volatile.Read(ref _nextCheck))
            {
                ReloadIfChanged(now);
            }

            return Volatile.Read(ref _current);
        }
    }

    public void Dispose() => _current.Dispose();

    private void ReloadIfChanged(long now)
    {
        lock (_lock)
        {
            if (now < _nextCheck)
            {
                return;
            }

            _nextCheck = now + _checkIntervalTicks;
            (DateTime, DateTime) stamp = Stamp();
            if (stamp == _loadedStamp)
            {
                return;
            }

            try
            {
                X509Certificate2 fresh = CertificateLoader.Load(_options);
                _loadedStamp = stamp;

                // The old certificate may still be in use by a handshake in flight; let the GC finalize it.
                Volatile.Write(ref _current, fresh);
                TlsLog.CertificateLoaded(_logger, fresh.Subject, fresh.Thumbprint, fresh.NotAfter);
            }
            catch (ConfigurationErrorException ex)
            {
                TlsLog.CertificateReloadFailed(_logger, ex.Message);
            }
        }
    }

    private (DateTime Certificate, DateTime Key) Stamp() => (
        LastWrite(_options.CertificatePath),
        LastWrite(_options.KeyPath));

    private static DateTime LastWrite(string? path) =>
        string.IsNullOrEmpty(path) ? default : File.GetLastWriteTimeUtc(path);
}
