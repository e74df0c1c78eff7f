using System.Buffers;
using KestrelUpper.Hosting;
using KestrelUpper.Proxy;
using KestrelUpper.Tcp;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace KestrelUpper.Tests.Tcp;

/// <summary>One connection's timer, drain and idle abort, on a fake clock with a driver that records what it is told.</summary>
public sealed class ConnectionControlTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly UpperCounters _counters = new();
    private readonly RecordingDriver _driver = new();
    private readonly DefaultConnectionContext _connection = new("control");
    private readonly Lifetime _lifetime = new();

    public ConnectionControlTests() => _connection.Features.Set<IConnectionLifetimeNotificationFeature>(_lifetime);

    [Fact]
    public void The_header_deadline_asks_the_driver_to_decide_when_it_falls()
    {
        using ConnectionControl control = Start(ProxyProtocolMode.Required, out _);
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(_driver.Posted);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal([SessionCommands.Deadline], _driver.Posted);
    }

    [Fact]
    public async Task Activity_moves_the_idle_deadline_and_an_idle_connection_is_aborted_and_counted()
    {
        using ConnectionControl control = Start(ProxyProtocolMode.Off, out UppercaseSession session, idle: TimeSpan.FromSeconds(60));
        _clock.Advance(TimeSpan.FromSeconds(30));
        session.OnReceived(new ReadOnlySequence<byte>("x"u8.ToArray()), new ArrayBufferWriter<byte>(), _clock.GetTimestamp());
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(_connection.ConnectionClosed.IsCancellationRequested);
        Assert.Null(control.Reason);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpCloseReason.IdleTimeout, control.Reason);
        Assert.Equal(1, _counters.TcpClosed(TcpCloseReason.IdleTimeout));
        await Eventually.UntilAsync(() => _connection.ConnectionClosed.IsCancellationRequested); // DefaultConnectionContext aborts on the pool
    }

    [Fact]
    public void A_linger_re_arms_the_timer_for_its_own_shorter_deadline()
    {
        using ConnectionControl control = Start(ProxyProtocolMode.Off, out UppercaseSession session, idle: TimeSpan.FromMinutes(5));
        var output = new ArrayBufferWriter<byte>();
        session.OnCommand(SessionCommands.Drain, output, _clock.GetTimestamp());
        Assert.Equal(SessionAction.Linger, session.OnReceived(ReadOnlySequence<byte>.Empty, output, _clock.GetTimestamp()));
        Assert.Empty(_driver.Posted); // the drain came from the test itself
        _clock.Advance(SessionSettings.LingerTime);
        Assert.Equal([SessionCommands.Deadline], _driver.Posted);
    }

    [Fact]
    public void The_servers_drain_is_posted_and_counted_once()
    {
        using ConnectionControl control = Start(ProxyProtocolMode.Off, out _);
        _lifetime.RequestClose();
        Assert.Equal([SessionCommands.Drain], _driver.Posted);
        Assert.Equal(TcpCloseReason.Shutdown, control.Reason);
        Assert.Equal(1, _counters.TcpClosed(TcpCloseReason.Shutdown));
    }

    [Fact]
    public async Task An_idle_client_is_aborted_even_during_a_drain()
    {
        using ConnectionControl control = Start(ProxyProtocolMode.Off, out _, idle: TimeSpan.FromSeconds(60));
        _lifetime.RequestClose();
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(TcpCloseReason.Shutdown, control.Reason); // the first reason is the one reported
        await Eventually.UntilAsync(() => _connection.ConnectionClosed.IsCancellationRequested);
    }

    [Fact]
    public void Disposing_stops_the_timer_and_a_finished_session_needs_none()
    {
        ConnectionControl control = Start(ProxyProtocolMode.Off, out UppercaseSession session, idle: TimeSpan.FromSeconds(60));
        Assert.Equal(1, _clock.ActiveTimers);
        session.Abandon();
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(control.Reason);
        control.Dispose();
        Assert.Equal(0, _clock.ActiveTimers);
    }

    [Fact]
    public void Without_an_idle_timeout_or_a_header_no_timer_is_made()
    {
        using ConnectionControl control = Start(ProxyProtocolMode.Off, out _, idle: TimeSpan.Zero);
        Assert.Equal(0, _clock.ActiveTimers);
    }

    private ConnectionControl Start(ProxyProtocolMode mode, out UppercaseSession session, TimeSpan? idle = null)
    {
        var options = new UpperOptions();
        options.Tcp.IdleTimeout = idle ?? TimeSpan.FromMinutes(5);
        options.Tcp.TrustedProxies = ["127.0.0.1/32"];
        var settings = new SessionSettings(mode, new TrustedProxyNetworks(options.Tcp.TrustedProxies), options.Tcp, _clock.TimestampFrequency);
        var control = new ConnectionControl(_connection, _counters, _clock);
        session = new UppercaseSession(settings, new Uppercaser(CasingMode.Unicode), _counters, new TcpConnectionLimiter(Microsoft.Extensions.Options.Options.Create(options)), NullLogger.Instance, "control", System.Net.IPEndPoint.Parse("127.0.0.1:5000"), control, _clock.GetTimestamp());
        control.Start(session, _driver);
        session.Start();
        return control;
    }

    private sealed class RecordingDriver : ISessionDriver
    {
        public List<SessionCommands> Posted { get; } = [];

        public void Post(SessionCommands commands) => Posted.Add(commands);

        public Task RunAsync(UppercaseSession session) => Task.CompletedTask;
    }

    private sealed class Lifetime : IConnectionLifetimeNotificationFeature
    {
        private readonly CancellationTokenSource _requested = new();

        public CancellationToken ConnectionClosedRequested { get => _requested.Token; set => throw new NotSupportedException(); }

        public void RequestClose() => _requested.Cancel();
    }
}
