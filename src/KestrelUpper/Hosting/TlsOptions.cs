namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Tls</c>: the same uppercase protocol inside TLS, on its own port.</summary>
internal sealed class TlsOptions
{
    /// <summary>Port of the TLS listener; 0 (the default) turns TLS off. 12443 is the suggested port.</summary>
    public int Port { get; set; }

    /// <summary>The certificate: a PEM file (with <see cref="KeyPath"/>), or a PKCS#12 (.pfx/.p12) file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key; empty when the key is inside the PEM certificate file or in the PKCS#12 file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of a PKCS#12 file or of an encrypted PEM key; set it from the environment (<c>Upper__Tls__CertificatePassword</c>).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>How often, at most, the certificate files are checked for a change (cert-manager rotates them in place). Defaults to 5 seconds.</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A client that has not finished the handshake by then is dropped. Defaults to 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => Port != 0;
}
