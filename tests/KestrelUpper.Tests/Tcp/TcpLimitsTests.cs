using System.Net.Sockets;
using System.Text;
using KestrelUpper.Telemetry;
using KestrelUpper.Tcp;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Tests.Tcp;

public sealed class TcpLimitsEpollTests() : TcpLimitsTests(TcpTransports.Epoll);

public sealed class TcpLimitsKestrelTransportTests() : TcpLimitsTests(TcpTransports.Kestrel);

public abstract class TcpLimitsTests(string transport)
{
    [Theory]
    [InlineData("Upper:Tcp:MaxConnectionsPerIp", TcpRejectReason.MaxConnectionsPerIp)]
    [InlineData("Upper:Tcp:MaxConnections", TcpRejectReason.MaxConnections)]
    internal async Task Exactly_the_limit_is_served_and_the_rest_closed_at_once(string key, TcpRejectReason reason)
    {
        const int limit = 5;
        await using UpperHost host = await TcpTransports.StartAsync(transport, new Dictionary<string, string?> { [key] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var clients = new List<Socket>();
        try
        {
            int served = 0;
            for (int i = 0; i < limit + 3; i++)
            {
                Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
                clients.Add(client);
                if (await TryExchange(client))
                {
                    served++;
                }
            }

            Assert.Equal(limit, served);
            Assert.Equal(3, host.Counters.TcpRejected(reason));

            // A slot freed is a slot reusable.
            clients[0].Dispose();
            await Eventually.UntilAsync(() => host.Counters.TcpActiveConnections == limit - 1);
            using Socket again = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
            Assert.True(await TryExchange(again));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Connections_still_in_the_tls_handshake_count_against_the_global_cap()
    {
        using var certificates = new TestCertificates();
        certificates.Write("cap");
        int tlsPort = SocketExtensions.FreeTcpPort();
        await using UpperHost host = await TcpTransports.StartAsync(transport, new Dictionary<string, string?>
        {
            ["Upper:Tcp:MaxConnections"] = "2",
            ["Upper:Tls:Port"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Upper:Tls:CertificatePath"] = certificates.CertificatePath,
            ["Upper:Tls:KeyPath"] = certificates.KeyPath,
        });

        // Two clients that connect to the TLS port and never start the handshake hold both slots.
        using Socket first = await SocketExtensions.ConnectTcpAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, tlsPort));
        using Socket second = await SocketExtensions.ConnectTcpAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, tlsPort));
        var limiter = host.Services.GetRequiredService<TcpConnectionLimiter>();
        await Eventually.UntilAsync(() => limiter.OpenConnections == 2); // both accepted and counted by the server
        using Socket third = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        Assert.False(await TryExchange(third));
        Assert.Equal(1, host.Counters.TcpRejected(TcpRejectReason.MaxConnections));

        first.Dispose();
        second.Dispose();
        await Eventually.UntilAsync(() =>
        {
            using Socket probe = SocketExtensions.ConnectTcpAsync(host.TcpEndPoint).GetAwaiter().GetResult();
            return TryExchange(probe).GetAwaiter().GetResult();
        });
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_timeout_and_activity_postpones_it()
    {
        var clock = new ManualTimeProvider();
        await using UpperHost host = await TcpTransports.StartAsync(
            transport,
            new Dictionary<string, string?> { ["Upper:Tcp:IdleTimeout"] = "00:01:00" },
            services => services.AddSingletonTimeProvider(clock));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        Assert.True(await TryExchange(client));

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.True(await TryExchange(client)); // activity at t=40s
        clock.Advance(TimeSpan.FromSeconds(40)); // t=80s: idle for 40s only
        Assert.Equal(0, host.Counters.TcpClosed(TcpCloseReason.IdleTimeout));
        Assert.True(await TryExchange(client));

        clock.Advance(TimeSpan.FromSeconds(61));
        await Eventually.UntilAsync(() => host.Counters.TcpActiveConnections == 0);
        Assert.Equal(1, host.Counters.TcpClosed(TcpCloseReason.IdleTimeout));
        Assert.False(await TryExchange(client));
    }

    [Fact]
    public async Task Idle_timeout_zero_disables_it()
    {
        var clock = new ManualTimeProvider();
        await using UpperHost host = await TcpTransports.StartAsync(
            transport,
            new Dictionary<string, string?> { ["Upper:Tcp:IdleTimeout"] = "00:00:00" },
            services => services.AddSingletonTimeProvider(clock));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        Assert.True(await TryExchange(client));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.True(await TryExchange(client));
        Assert.Equal(0, clock.ActiveTimers);
    }

    [Fact]
    public async Task Drain_answers_what_arrived_then_closes_the_connection()
    {
        UpperHost host = await TcpTransports.StartAsync(transport);
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        Assert.True(await TryExchange(client));
        await client.SendAllAsync("last words"u8.ToArray());
        Assert.Equal("LAST WORDS", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(10)));

        Task stopping = host.StopAsync();
        Assert.Empty(await client.ReceiveToEndAsync()); // the server closes its side
        await stopping;
        Assert.Equal(1, host.Counters.TcpClosed(TcpCloseReason.Shutdown));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task While_draining_new_connections_are_refused_and_readiness_is_down()
    {
        UpperHost host = await TcpTransports.StartAsync(transport, new Dictionary<string, string?> { ["Upper:Shutdown:Timeout"] = "00:00:05" });
        var readiness = host.Services.GetRequiredService<KestrelUpper.Health.ReadinessState>();

        // A client that never reads its replies keeps the drain busy until the timeout aborts it.
        using Socket stubborn = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        stubborn.ReceiveBufferSize = 4096;
        stubborn.Blocking = false;
        byte[] burst = new byte[256 * 1024];
        await FillUntilStalled(stubborn, burst, host);

        Task stopping = host.StopAsync();
        await Eventually.UntilAsync(() => readiness.IsDraining);
        Assert.False(readiness.IsReady);
        await Eventually.UntilAsync(() => !stopping.IsCompleted && !CanConnect(host.TcpEndPoint));
        Assert.False(stopping.IsCompleted, "the drain should still be waiting on the non-reading client");

        await stopping;
        await host.DisposeAsync();
    }

    /// <summary>Writes until every buffer between us and the server's pump is full: the server has stopped reading.</summary>
    private static async Task FillUntilStalled(Socket socket, byte[] chunk, UpperHost host)
    {
        long lastReceived = -1;
        for (int round = 0; round < 1000; round++)
        {
            try
            {
                while (true)
                {
                    socket.Send(chunk);
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
            {
                // Full for now; see whether the server is still draining our side.
            }

            await Task.Delay(50);
            long received = host.Counters.TcpBytesReceived;
            if (received == lastReceived)
            {
                return;
            }

            lastReceived = received;
        }
    }

    private static bool CanConnect(System.Net.IPEndPoint endPoint)
    {
        using var probe = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Connect(endPoint);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    /// <summary>Sends a probe and reports whether it was answered (false when the server closed the connection).</summary>
    private static async Task<bool> TryExchange(Socket client)
    {
        try
        {
            await client.SendAllAsync("ping"u8.ToArray());
            return Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(4)) == "PING";
        }
        catch (Exception ex) when (ex is SocketException or EndOfStreamException)
        {
            return false;
        }
    }
}
