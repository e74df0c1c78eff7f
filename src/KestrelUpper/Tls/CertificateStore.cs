using System.Net.Security;
using System.Security.Cryptography;
using KestrelUpper.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tls;

/// <summary>
/// The certificate context new TLS connections get. cert-manager and kubelet rotate a mounted secret by
/// swapping a symlinked directory, which leaves the files' own timestamps unchanged, so on a handshake, at
/// most once per <c>ReloadCheckInterval</c>, the files' contents are hashed and a changed pair is loaded;
/// a half-written or bad pair keeps the current certificate and logs a warning. Established connections keep
/// the certificate they were made with.
/// </summary>
internal sealed class CertificateStore
{
    private readonly TlsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateStore> _logger;
    private readonly long _checkIntervalTicks;
    private readonly Lock _lock = new();
    private SslStreamCertificateContext _current;
    private byte[] _loadedHash;
    private long _nextCheck;

    public CertificateStore(SslStreamCertificateContext initial, IOptions<UpperOptions> options, TimeProvider time, ILogger<CertificateStore> logger)
    {
        _options = options.Value.Tls;
        _time = time;
        _logger = logger;
        _current = initial;
        _loadedHash = Hash();
        _checkIntervalTicks = (long)(_options.ReloadCheckInterval.TotalSeconds * time.TimestampFrequency);
        _nextCheck = time.GetTimestamp() + _checkIntervalTicks;
        Log(initial);
    }

    /// <summary>The certificate context to serve now, reloaded first if the files changed.</summary>
    public SslStreamCertificateContext Current
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

    private void ReloadIfChanged(long now)
    {
        lock (_lock)
        {
            if (now < _nextCheck)
            {
                return;
            }

            _nextCheck = now + _checkIntervalTicks;
            byte[] hash;
            try
            {
                hash = Hash();
            }
            catch (IOException ex)
            {
                TlsLog.CertificateReloadFailed(_logger, ex.Message);
                return;
            }

            if (hash.AsSpan().SequenceEqual(_loadedHash))
            {
                return;
            }

            try
            {
                SslStreamCertificateContext fresh = CertificateLoader.LoadContext(_options);
                _loadedHash = hash;

                // The previous context may still be in use by a handshake in flight; the GC finalizes it.
                Volatile.Write(ref _current, fresh);
                Log(fresh);
            }
            catch (ConfigurationErrorException ex)
            {
                TlsLog.CertificateReloadFailed(_logger, ex.Message);
            }
        }
    }

    /// <summary>SHA-256 over both files' bytes (read through any symlinks): a few KiB every few seconds at most.</summary>
    private byte[] Hash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(_options.CertificatePath!));
        if (!string.IsNullOrEmpty(_options.KeyPath))
        {
            hash.AppendData(File.ReadAllBytes(_options.KeyPath));
        }

        return hash.GetHashAndReset();
    }

    private void Log(SslStreamCertificateContext context) =>
        TlsLog.CertificateLoaded(_logger, context.TargetCertificate.Subject, context.TargetCertificate.Thumbprint, context.TargetCertificate.NotAfter, context.IntermediateCertificates.Count);
}
