using System.Net.Sockets;
using System.Text;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelUpper.Tests.Tcp;

/// <summary>The network's normal weather: resets, vanishing readers, abandoned connections. No errors, counters right.</summary>
public sealed class TcpFaultEpollTests() : TcpFaultTests(TcpTransports.Epoll);

public sealed class TcpFaultKestrelTransportTests() : TcpFaultTests(TcpTransports.Kestrel);

public abstract class TcpFaultTests(string transport)
{
    private async Task<(UpperHost Host, CapturingLoggerProvider Logs)> StartAsync()
    {
        var logs = new CapturingLoggerProvider();
        UpperHost host = await TcpTransports.StartAsync(
            transport,
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Debug" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        return (host, logs);
    }

    [Fact]
    public async Task Resets_mid_sequence_and_clients_that_vanish_while_the_server_flushes_log_nothing_above_debug()
    {
        (UpperHost host, CapturingLoggerProvider logs) = await StartAsync();
        await using (host)
        {
            var random = new Random(5);
            for (int i = 0; i < 30; i++)
            {
                using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
                client.ReceiveBufferSize = 4096;

                // Enough that the replies back up (the client never reads), then go away: half with RST, half with FIN.
                byte[] burst = new byte[random.Next(64 * 1024, 1024 * 1024)];
                burst.AsSpan().Fill((byte)'q');
                client.Blocking = false;
                try
                {
                    client.Send(burst);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
                {
                    // The server stopped reading: backpressure reached us.
                }

                if (i % 2 == 0)
                {
                    client.LingerState = new LingerOption(true, 0);
                }

                client.Close();
            }

            // Kestrel may still be dispatching connections the clients already left: wait for every one to be served.
            await Eventually.UntilAsync(() => host.Counters.TcpTotalConnections == 30 && host.Counters.TcpActiveConnections == 0);
            Assert.Equal(30, host.Counters.TcpTotalConnections);

            using Socket healthy = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
            await healthy.SendAllAsync("alive"u8.ToArray());
            Assert.Equal("ALIVE", Encoding.ASCII.GetString(await healthy.ReceiveExactlyAsync(5)));

            Assert.DoesNotContain(logs.Events, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("KestrelUpper", StringComparison.Ordinal));
            Assert.Contains(logs.Events, e => e.EventId.Name == "TcpConnectionClosed");
        }
    }

    [Fact]
    public async Task A_half_closed_client_gets_every_reply_before_the_server_closes()
    {
        (UpperHost host, _) = await StartAsync();
        await using (host)
        {
            using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
            byte[] input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("half close then read everything\n", 20_000)));
            await client.SendAllAsync(input);
            client.Shutdown(SocketShutdown.Send); // FIN before reading a single byte
            byte[] reply = await client.ReceiveToEndAsync();
            Assert.Equal(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(input).ToUpperInvariant()), reply);
        }
    }
}
