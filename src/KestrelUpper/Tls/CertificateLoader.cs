using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KestrelUpper.Hosting;

namespace KestrelUpper.Tls;

/// <summary>
/// Loads the serving certificate with its chain from PEM (certificate file holding the leaf and any
/// intermediates, as cert-manager writes it, plus a key file) or PKCS#12, with errors an operator can act on.
/// </summary>
internal static class CertificateLoader
{
    /// <summary>Loads the certificate and builds the context served to clients (leaf + intermediates, built once).</summary>
    /// <exception cref="ConfigurationErrorException">The files are missing, unreadable, or the key does not match.</exception>
    public static SslStreamCertificateContext LoadContext(TlsOptions options)
    {
        (X509Certificate2 leaf, X509Certificate2Collection intermediates) = Load(options);
        try
        {
            // offline: never fetch missing intermediates over the network during a handshake.
            return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        }
        catch (CryptographicException ex)
        {
            throw new ConfigurationErrorException($"Upper:Tls: cannot use the certificate '{options.CertificatePath}': {ex.Message}", ex);
        }
    }

    /// <exception cref="ConfigurationErrorException">The files are missing, unreadable, or the key does not match.</exception>
    public static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates) Load(TlsOptions options)
    {
        string path = options.CertificatePath ?? throw new ConfigurationErrorException("Upper:Tls:CertificatePath is required when Upper:Tls:Port is set.");
        if (!File.Exists(path))
        {
            throw new ConfigurationErrorException($"Upper:Tls:CertificatePath '{path}' does not exist.");
        }

        if (!string.IsNullOrEmpty(options.KeyPath) && !File.Exists(options.KeyPath))
        {
            throw new ConfigurationErrorException($"Upper:Tls:KeyPath '{options.KeyPath}' does not exist.");
        }

        X509Certificate2 leaf;
        var intermediates = new X509Certificate2Collection();
        try
        {
            if (IsPkcs12(path))
            {
                X509Certificate2Collection all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, options.CertificatePassword);
                leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? all[0];
                foreach (X509Certificate2 other in all.Where(c => !ReferenceEquals(c, leaf)))
                {
                    intermediates.Add(other);
                }
            }
            else
            {
                leaf = LoadPem(path, options.KeyPath, options.CertificatePassword);
                var all = new X509Certificate2Collection();
                all.ImportFromPemFile(path);
                foreach (X509Certificate2 other in all.Skip(1))
                {
                    intermediates.Add(other);
                }
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationErrorException($"Upper:Tls: cannot load the certificate from '{path}'{(string.IsNullOrEmpty(options.KeyPath) ? string.Empty : $" and key '{options.KeyPath}'")}: {ex.Message}", ex);
        }

        if (!leaf.HasPrivateKey)
        {
            leaf.Dispose();
            throw new ConfigurationErrorException($"Upper:Tls: the certificate '{path}' has no private key; set Upper:Tls:KeyPath.");
        }

        return (leaf, intermediates);
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static X509Certificate2 LoadPem(string certificatePath, string? keyPath, string? password) =>
        string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(certificatePath, string.IsNullOrEmpty(keyPath) ? null : keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, string.IsNullOrEmpty(keyPath) ? null : keyPath);
}
