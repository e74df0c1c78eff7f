using System.Net.Sockets;
using System.Text;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;

namespace KestrelUpper.Tests.Tcp;

public sealed class TcpLimitsTests
{
    [Theory]
    [InlineData("Upper:Tcp:MaxConnectionsPerIp", TcpRejectReason.MaxConnectionsPerIp)]
    [InlineData("Upper:Tcp:MaxConnections", TcpRejectReason.MaxConnections)]
    internal async Task Exactly_the_limit_is_served_and_the_rest_closed_at_once(string key, TcpRejectReason reason)
    {
        const int limit = 5;
        await using UpperHost host = await UpperHost.StartAsync(new Dictionary<string, string?> { [key] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
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
            await TcpEndToEndTests.WaitUntil(() => host.Counters.TcpActiveConnections == limit - 1);
            using Socket again = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
            Assert.True(await TryExchange(again));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_timeout_and_activity_postpones_it()
    {
        var clock = new ManualTimeProvider();
        await using UpperHost host = await UpperHost.StartAsync(
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
        await TcpEndToEndTests.WaitUntil(() => host.Counters.TcpActiveConnections == 0);
        Assert.Equal(1, host.Counters.TcpClosed(TcpCloseReason.IdleTimeout));
        Assert.False(await TryExchange(client));
    }

    [Fact]
    public async Task Idle_timeout_zero_disables_it()
    {
        var clock = new ManualTimeProvider();
        await using UpperHost host = await UpperHost.StartAsync(
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
        UpperHost host = await UpperHost.StartAsync();
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
