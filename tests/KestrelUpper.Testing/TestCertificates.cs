using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KestrelUpper.Testing;

/// <summary>Self-signed certificates written to a temp folder as PEM files, for the TLS tests.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "kestrelupper-tls-" + Guid.NewGuid().ToString("N"));

    public string CertificatePath => Path.Combine(Folder, "tls.crt");

    public string KeyPath => Path.Combine(Folder, "tls.key");

    /// <summary>Writes a new self-signed certificate for <paramref name="subject"/>; returns its thumbprint.</summary>
    public string Write(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Write to temp names and rename, as kubelet swaps a secret's files: a reader never sees half a file.
        File.WriteAllText(CertificatePath + ".tmp", certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath + ".tmp", key.ExportPkcs8PrivateKeyPem());
        File.Move(KeyPath + ".tmp", KeyPath, overwrite: true);
        File.Move(CertificatePath + ".tmp", CertificatePath, overwrite: true);
        DateTime stamp = DateTime.UtcNow.AddSeconds(File.Exists(CertificatePath + ".stamp") ? 10 : 0);
        File.SetLastWriteTimeUtc(CertificatePath, stamp);
        File.SetLastWriteTimeUtc(KeyPath, stamp);
        File.WriteAllText(CertificatePath + ".stamp", subject);
        return certificate.Thumbprint;
    }

    /// <summary>Writes the key of a different certificate next to the current certificate.</summary>
    public void WriteMismatchedKey()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(KeyPath, other.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
