using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KestrelUpper.Hosting;

namespace KestrelUpper.Tls;

/// <summary>Loads the serving certificate from PEM (certificate + key) or PKCS#12, with errors an operator can act on.</summary>
internal static class CertificateLoader
{
    /// <exception cref="ConfigurationErrorException">The files are missing, unreadable, or the key does not match.</exception>
    public static X509Certificate2 Load(TlsOptions options)
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

        X509Certificate2 certificate;
        try
        {
            certificate = IsPkcs12(path)
                ? X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword)
                : LoadPem(path, options.KeyPath, options.CertificatePassword);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationErrorException($"Upper:Tls: cannot load the certificate from '{path}'{(string.IsNullOrEmpty(options.KeyPath) ? string.Empty : $" and key '{options.KeyPath}'")}: {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ConfigurationErrorException($"Upper:Tls: the certificate '{path}' has no private key; set Upper:Tls:KeyPath.");
        }

        return certificate;
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static X509Certificate2 LoadPem(string certificatePath, string? keyPath, string? password) =>
        string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(certificatePath, string.IsNullOrEmpty(keyPath) ? null : keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, string.IsNullOrEmpty(keyPath) ? null : keyPath);
}
