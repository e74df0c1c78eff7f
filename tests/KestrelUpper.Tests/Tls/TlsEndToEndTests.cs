using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Tests.Tls;

public sealed class TlsEndToEndTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    private Dictionary<string, string?> TlsSettings() => new()
    {
        ["Upper:Tls:Port"] = SocketExtensions.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Upper:Tls:CertificatePath"] = _certificates.CertificatePath,
        ["Upper:Tls:KeyPath"] = _certificates.KeyPath,
    };

    [Fact]
    public async Task Uppercases_inside_tls_with_the_configured_certificate()
    {
        string thumbprint = _certificates.Write("first");
        await using UpperHost host = await UpperHost.StartAsync(TlsSettings());
        (string reply, string served) = await ExchangeAsync(host, "hello tls");
        Assert.Equal("HELLO TLS", reply);
        Assert.Equal(thumbprint, served);
    }

    [Fact]
    public async Task A_rotated_certificate_is_served_to_new_connections_without_restart()
    {
        var clock = new ManualTimeProvider();
        string first = _certificates.Write("first");
        await using UpperHost host = await UpperHost.StartAsync(TlsSettings(), services => services.AddSingletonTimeProvider(clock));
        Assert.Equal(first, (await ExchangeAsync(host, "a")).Thumbprint);

        string second = _certificates.Write("second");
        clock.Advance(TimeSpan.FromSeconds(6)); // past Upper:Tls:ReloadCheckInterval
        Assert.Equal(second, (await ExchangeAsync(host, "b")).Thumbprint);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_kubernetes_style_symlink_swap_is_picked_up()
    {
        using var mounted = new TestCertificates(kubernetesLayout: true);
        var clock = new ManualTimeProvider();
        string first = mounted.Write("first");
        var settings = new Dictionary<string, string?>
        {
            ["Upper:Tls:Port"] = SocketExtensions.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Upper:Tls:CertificatePath"] = mounted.CertificatePath,
            ["Upper:Tls:KeyPath"] = mounted.KeyPath,
        };
        await using UpperHost host = await UpperHost.StartAsync(settings, services => services.AddSingletonTimeProvider(clock));
        Assert.Equal(first, (await ExchangeAsync(host, "a")).Thumbprint);

        string second = mounted.Write("second");
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(second, (await ExchangeAsync(host, "b")).Thumbprint);
    }

    [Fact]
    public void Intermediates_in_the_certificate_file_are_served_with_the_leaf()
    {
        _certificates.WriteWithIntermediate("chained");
        var options = new UpperOptions();
        options.Tls.Port = 12443;
        options.Tls.CertificatePath = _certificates.CertificatePath;
        options.Tls.KeyPath = _certificates.KeyPath;
        var context = KestrelUpper.Tls.CertificateLoader.LoadContext(options.Tls);
        Assert.Equal("CN=chained", context.TargetCertificate.Subject);
        Assert.Equal("CN=chained intermediate", Assert.Single(context.IntermediateCertificates).Subject);
    }

    [Fact]
    public async Task A_failed_handshake_does_not_disturb_the_service()
    {
        _certificates.Write("first");
        await using UpperHost host = await UpperHost.StartAsync(TlsSettings());
        using (Socket garbage = await SocketExtensions.ConnectTcpAsync(TlsEndPoint(host)))
        {
            await garbage.SendAllAsync("this is not a client hello\r\n\r\n"u8.ToArray());
            Assert.Empty(await garbage.ReceiveToEndAsync()); // the server drops it
        }

        Assert.Equal("STILL FINE", (await ExchangeAsync(host, "still fine")).Reply);
    }

    [Fact]
    public async Task A_failed_handshake_is_counted_with_its_error_type()
    {
        _certificates.Write("first");
        int tlsPort = SocketExtensions.FreeTcpPort();
        await using ServiceProcess service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Upper__Tls__Port"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Upper__Tls__CertificatePath"] = _certificates.CertificatePath,
            ["Upper__Tls__KeyPath"] = _certificates.KeyPath,
        });
        using (Socket garbage = await SocketExtensions.ConnectTcpAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, tlsPort)))
        {
            await garbage.SendAllAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            Assert.Empty(await garbage.ReceiveToEndAsync());
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://{service.HttpEndPoint}/"), Timeout = TestTimeouts.Default };
        string port = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string? failed = null;
        await Eventually.UntilAsync(() =>
        {
            failed = http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).Result.Split('\n').FirstOrDefault(l =>
                l.StartsWith("kestrel_tls_handshake_duration_seconds_count{", StringComparison.Ordinal)
                && l.Contains("error_type=", StringComparison.Ordinal)
                && l.Contains($"server_port=\"{port}\"", StringComparison.Ordinal));
            return failed is not null;
        });
        Assert.EndsWith(" 1", failed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openssl_s_client_talks_to_the_tls_port()
    {
        _certificates.Write("first");
        await using UpperHost host = await UpperHost.StartAsync(TlsSettings());
        string openssl = await ExternalTools.RequireAsync("openssl", "openssl");
        var start = new System.Diagnostics.ProcessStartInfo(openssl)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "s_client", "-connect", TlsEndPoint(host).ToString(), "-quiet", "-tls1_2" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            // Keep stdin open until the reply is in: s_client ends the session when its input ends.
            await process.StandardInput.WriteAsync("hello from openssl\n");
            await process.StandardInput.FlushAsync();
            string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Default);
            Assert.Equal("HELLO FROM OPENSSL", line);
        }
        finally
        {
            process.Kill();
        }
    }

    [Fact]
    public async Task A_proxy_header_before_the_handshake_names_the_client_of_the_tls_connection()
    {
        _certificates.Write("first");
        Dictionary<string, string?> settings = TlsSettings();
        settings["Upper:Tcp:ProxyProtocol"] = "Required";
        settings["Upper:Tcp:TrustedProxies:0"] = "127.0.0.1/32";
        await using UpperHost host = await UpperHost.StartAsync(settings);
        TcpConnectionLimiter limiter = host.Services.GetRequiredService<TcpConnectionLimiter>();

        using Socket socket = await SocketExtensions.ConnectTcpAsync(TlsEndPoint(host));
        await socket.SendAllAsync("PROXY TCP4 203.0.113.9 192.0.2.10 40000 12443\r\n"u8.ToArray());
        await using SslStream tls = await HandshakeAsync(socket);
        await tls.WriteAsync("through the proxy"u8.ToArray());
        byte[] reply = new byte[17];
        await tls.ReadExactlyAsync(reply).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal("THROUGH THE PROXY", Encoding.UTF8.GetString(reply));
        Assert.Equal(1, limiter.OpenFrom(System.Net.IPAddress.Parse("203.0.113.9")));
        Assert.Equal(0, limiter.OpenFrom(System.Net.IPAddress.Loopback));
    }

    [Fact]
    public async Task A_tls_connection_without_the_required_header_is_refused_before_the_handshake()
    {
        _certificates.Write("first");
        Dictionary<string, string?> settings = TlsSettings();
        settings["Upper:Tcp:ProxyProtocol"] = "Required";
        settings["Upper:Tcp:TrustedProxies:0"] = "127.0.0.1/32";
        await using UpperHost host = await UpperHost.StartAsync(settings);
        using Socket socket = await SocketExtensions.ConnectTcpAsync(TlsEndPoint(host));
        await Assert.ThrowsAnyAsync<Exception>(async () => await HandshakeAsync(socket));
        await Eventually.UntilAsync(() => host.Counters.ProxyRejected(KestrelUpper.Telemetry.ProxyRejectReason.Missing) == 1);
    }

    [Fact]
    public async Task A_drain_ends_a_tls_connection_cleanly_after_answering()
    {
        _certificates.Write("first");
        UpperHost host = await UpperHost.StartAsync(TlsSettings());
        using Socket socket = await SocketExtensions.ConnectTcpAsync(TlsEndPoint(host));
        await using SslStream tls = await HandshakeAsync(socket);
        await tls.WriteAsync("bye"u8.ToArray());
        byte[] reply = new byte[3];
        await tls.ReadExactlyAsync(reply).AsTask().WaitAsync(TestTimeouts.Default);

        Task stopping = host.StopAsync();
        // close_notify, then the FIN: a clean end of the TLS stream, not a reset or a truncation error.
        Assert.Equal(0, await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Default));
        socket.Shutdown(SocketShutdown.Send); // ends the server's linger
        await stopping;
        Assert.Equal(1, host.Counters.TcpClosed(KestrelUpper.Telemetry.TcpCloseReason.Shutdown));
        await host.DisposeAsync();
    }

    [Fact]
    public void A_missing_certificate_is_a_configuration_error()
    {
        var options = new UpperOptions();
        options.Tls.Port = 12443;
        options.Tls.CertificatePath = Path.Combine(_certificates.Folder, "missing.crt");
        var ex = Assert.Throws<ConfigurationErrorException>(() => KestrelUpper.Tls.CertificateLoader.LoadContext(options.Tls));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_does_not_match_the_certificate_exits_with_code_2()
    {
        _certificates.Write("first");
        _certificates.WriteMismatchedKey();
        await using ServiceProcess service = ServiceProcess.Launch(new Dictionary<string, string>
        {
            ["Upper__Tls__Port"] = SocketExtensions.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Upper__Tls__CertificatePath"] = _certificates.CertificatePath,
            ["Upper__Tls__KeyPath"] = _certificates.KeyPath,
        });
        Assert.Equal(2, await service.WaitForExitAsync(TestTimeouts.Default));
        string error = Assert.Single(service.StandardError);
        Assert.StartsWith("kestrelupper: configuration error: Upper:Tls: cannot load the certificate", error, StringComparison.Ordinal);
    }

    private static System.Net.IPEndPoint TlsEndPoint(UpperHost host) =>
        new(System.Net.IPAddress.Loopback, host.Services.GetRequiredService<ListenerEndpoints>().Tls!.Port);

    private static async Task<SslStream> HandshakeAsync(Socket socket)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 }).WaitAsync(TestTimeouts.Default);
        return tls;
    }

    private static async Task<(string Reply, string Thumbprint)> ExchangeAsync(UpperHost host, string text)
    {
        using Socket socket = await SocketExtensions.ConnectTcpAsync(TlsEndPoint(host));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        X509Certificate2? served = null;
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            served = certificate is null ? null : new X509Certificate2(certificate);
            return true; // self-signed test certificate
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 }).WaitAsync(TestTimeouts.Default);
        byte[] request = Encoding.UTF8.GetBytes(text);
        await tls.WriteAsync(request).AsTask().WaitAsync(TestTimeouts.Default);
        byte[] reply = new byte[request.Length];
        await tls.ReadExactlyAsync(reply).AsTask().WaitAsync(TestTimeouts.Default);
        using (served)
        {
            return (Encoding.UTF8.GetString(reply), served!.Thumbprint);
        }
    }
}
