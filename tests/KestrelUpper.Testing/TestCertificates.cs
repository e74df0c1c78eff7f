using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KestrelUpper.Testing;

/// <summary>Self-signed certificates written to a temp folder as PEM files, for the TLS tests.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly bool _kubernetesLayout;
    private int _generation;

    /// <param name="kubernetesLayout">
    /// Lay the files out as kubelet mounts a secret: <c>tls.crt -> ..data/tls.crt</c>, <c>..data -> ..gen-N</c>,
    /// rotated by swapping the <c>..data</c> symlink (the visible files' own timestamps never change).
    /// </param>
    public TestCertificates(bool kubernetesLayout = false)
    {
        _kubernetesLayout = kubernetesLayout;
        Directory.CreateDirectory(Folder);
        if (kubernetesLayout)
        {
            File.CreateSymbolicLink(CertificatePath, Path.Combine("..data", "tls.crt"));
            File.CreateSymbolicLink(KeyPath, Path.Combine("..data", "tls.key"));
        }
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

        WritePair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        return certificate.Thumbprint;
    }

    /// <summary>
    /// Writes a leaf issued by an intermediate CA (itself issued by a root), leaf then intermediate in the
    /// certificate file, as cert-manager writes <c>tls.crt</c>.
    /// </summary>
    public void WriteWithIntermediate(string subject)
    {
        DateTimeOffset from = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 root = CaRequest($"CN={subject} root", rootKey).CreateSelfSigned(from, from.AddDays(3));
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 intermediatePublic = CaRequest($"CN={subject} intermediate", intermediateKey).Create(root, from, from.AddDays(2), [5, 6, 7, 8]);
        using X509Certificate2 intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        using X509Certificate2 leaf = request.Create(intermediate, from, from.AddDays(1), [1, 2, 3, 4]);
        WritePair(leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static CertificateRequest CaRequest(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request;
    }

    /// <summary>Writes the key of a different certificate next to the current certificate.</summary>
    public void WriteMismatchedKey()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(KeyPath, other.ExportPkcs8PrivateKeyPem());
    }

    private void WritePair(string certificatePem, string keyPem)
    {
        if (_kubernetesLayout)
        {
            // kubelet: write a new generation directory, then atomically repoint ..data at it.
            string generation = $"..gen-{++_generation}";
            Directory.CreateDirectory(Path.Combine(Folder, generation));
            File.WriteAllText(Path.Combine(Folder, generation, "tls.crt"), certificatePem);
            File.WriteAllText(Path.Combine(Folder, generation, "tls.key"), keyPem);
            string next = Path.Combine(Folder, "..data_tmp");
            File.CreateSymbolicLink(next, generation);
            Rename(next, Path.Combine(Folder, "..data"));
            return;
        }

        // Write to temp names and rename: a reader never sees half a file.
        File.WriteAllText(CertificatePath + ".tmp", certificatePem);
        File.WriteAllText(KeyPath + ".tmp", keyPem);
        File.Move(KeyPath + ".tmp", KeyPath, overwrite: true);
        File.Move(CertificatePath + ".tmp", CertificatePath, overwrite: true);
    }

    /// <summary>rename(2), which replaces a symlink atomically (File.Move refuses a link to a directory).</summary>
    private static void Rename(string from, string to)
    {
        ProcessResult result = ProcessRunner.RunAsync("mv", ["-T", from, to]).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new IOException($"mv -T {from} {to}: {result.Stderr}");
        }
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
