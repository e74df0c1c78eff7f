using System.Net;
using System.Text;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Telemetry;
using static KestrelUpper.Tests.Proxy.ProxyHeaders;
using static KestrelUpper.Tests.Tcp.Protocol.SessionHarness;

namespace KestrelUpper.Tests.Tcp.Protocol;

/// <summary>The protocol core in memory: every state and transition, with no socket, thread or clock.</summary>
public sealed class UppercaseSessionTests
{
    private static readonly IPEndPoint Client = IPEndPoint.Parse("203.0.113.7:40001");
    private static readonly IPEndPoint Destination = IPEndPoint.Parse("192.0.2.10:12000");
    private static readonly byte[] Text = Encoding.UTF8.GetBytes("hello, stra\u00DFe \u03C9");
    private static readonly string TextUpper = "HELLO, STRASSE \u03A9";

    [Fact]
    public void Without_proxy_protocol_it_admits_the_peer_and_answers_each_piece_at_once()
    {
        SessionHarness h = Create();
        Assert.Equal(SessionState.Reading, h.Session.State);
        Assert.Equal(SessionAction.Read, h.Session.Start());
        Assert.Equal(1, h.Limiter.OpenFrom(Peer.Address));
        Assert.Equal(1, h.Counters.TcpActiveConnections);

        Assert.Equal(SessionAction.Read, h.Receive("hi", Seconds(1)));
        Assert.Equal("HI", h.TakeText());
        Assert.Equal(SessionAction.Read, h.Receive(" there\n", Seconds(2)));
        Assert.Equal(" THERE\n", h.TakeText());
        Assert.Equal(9, h.Session.BytesReceived);
        Assert.Equal(9, h.Session.BytesSent);
        Assert.Equal(Seconds(2), h.Session.LastActivity);

        Assert.Equal(SessionAction.Close, h.End(Seconds(3)));
        Assert.Equal(SessionState.Done, h.Session.State);
        Assert.Equal(SessionOutcome.InputCompleted, h.Session.Outcome);
        Assert.Empty(h.TakeOutput());

        h.Session.Release();
        h.Session.Release(); // once only
        Assert.Equal(0, h.Limiter.OpenFrom(Peer.Address));
        Assert.Equal(0, h.Counters.TcpActiveConnections);
    }

    [Fact]
    public void A_sequence_cut_between_pieces_is_carried_and_a_carry_left_at_the_end_passes_through()
    {
        SessionHarness h = Create();
        h.Session.Start();
        byte[] e = Encoding.UTF8.GetBytes("\u00E9"); // C3 A9
        h.Receive([(byte)'a', e[0]]);
        Assert.Equal("A", h.TakeText());
        h.Receive([e[1], (byte)'b', e[0]]);
        Assert.Equal("\u00C9B", h.TakeText());

        Assert.Equal(SessionAction.Close, h.End());
        Assert.Equal(new byte[] { 0xC3 }, h.TakeOutput()); // invalid at the end of the stream: unchanged
        Assert.Equal(1, h.Session.InvalidBytes);
        Assert.Equal(1, h.Counters.TcpInvalidBytes);
    }

    [Fact]
    public void An_address_at_its_cap_is_refused_before_anything_is_read()
    {
        SessionHarness h = Create(configure: o => o.Tcp.MaxConnectionsPerIp = 1);
        Assert.True(h.Limiter.TryAdmitAddress(Peer.Address)); // another connection holds the one slot

        Assert.Equal(SessionAction.Close, h.Session.Start());
        Assert.Equal(SessionOutcome.Rejected, h.Session.Outcome);
        Assert.Equal(1, h.Counters.TcpRejected(TcpRejectReason.MaxConnectionsPerIp));
        Assert.Equal(0, h.Counters.TcpActiveConnections);
        h.Session.Release();
        Assert.Equal(1, h.Limiter.OpenFrom(Peer.Address)); // the other connection's slot is untouched
    }

    [Fact]
    public void Output_the_peer_does_not_take_stops_reading_until_it_does()
    {
        SessionHarness h = Create();
        h.Session.Start();
        Assert.Equal(SessionAction.Read, h.Receive("x", Seconds(1)));
        Assert.Equal(SessionAction.Write, h.Session.OnOutputBlocked());
        Assert.Equal(SessionState.AwaitingPeer, h.Session.State);
        Assert.Throws<InvalidOperationException>(() => h.Receive("y"));

        h.Session.OnOutputProgress(Seconds(5)); // a slow but steady reader is not idle
        Assert.Equal(Seconds(5), h.Session.LastActivity);
        Assert.Equal(SessionAction.Write, h.Command(SessionCommands.Deadline, Seconds(6))); // nothing changes meanwhile

        Assert.Equal(SessionAction.Read, h.Session.OnOutputTaken(Seconds(7)));
        Assert.Equal(SessionState.Reading, h.Session.State);
        Assert.Equal(Seconds(7), h.Session.LastActivity);
    }

    [Fact]
    public void A_drain_answers_the_last_read_and_the_carry_then_fins_and_lingers_until_the_peer_closes()
    {
        SessionHarness h = Create();
        h.Session.Start();
        h.Receive([(byte)'a', 0xC3]);
        Assert.Equal("A", h.TakeText());

        Assert.Equal(SessionAction.ReadLast, h.Command(SessionCommands.Drain, Seconds(1)));
        Assert.Equal(SessionState.Draining, h.Session.State);
        Assert.Equal(SessionAction.ReadLast, h.Command(SessionCommands.Drain, Seconds(1))); // once is enough

        Assert.Equal(SessionAction.Linger, h.Receive("b", Seconds(2))); // what had already arrived
        Assert.Equal(new byte[] { 0xC3, (byte)'B' }, h.TakeOutput()); // the carry could not complete: passed through
        Assert.Equal(SessionState.Lingering, h.Session.State);

        Assert.Equal(SessionAction.Read, h.Receive("ignored")); // after our FIN nothing is answered, nor counted
        Assert.Empty(h.TakeOutput());
        Assert.Equal(3, h.Session.BytesReceived);

        Assert.Equal(SessionAction.Close, h.End());
        Assert.Equal(SessionOutcome.Drained, h.Session.Outcome);
    }

    [Fact]
    public void A_drain_with_nothing_more_received_still_flushes_the_carry()
    {
        SessionHarness h = Create();
        h.Session.Start();
        h.Receive([0xE2, 0x82]);
        Assert.Empty(h.TakeOutput());
        h.Command(SessionCommands.Drain);
        Assert.Equal(SessionAction.Linger, h.Receive([]));
        Assert.Equal(new byte[] { 0xE2, 0x82 }, h.TakeOutput());
    }

    [Fact]
    public void A_drain_whose_peer_already_finished_closes_without_lingering()
    {
        SessionHarness h = Create();
        h.Session.Start();
        h.Command(SessionCommands.Drain);
        Assert.Equal(SessionAction.Close, h.End());
        Assert.Equal(SessionOutcome.Drained, h.Session.Outcome);
    }

    [Fact]
    public void A_drain_while_output_waits_follows_once_the_peer_has_taken_it()
    {
        SessionHarness h = Create();
        h.Session.Start();
        h.Receive("x");
        h.Session.OnOutputBlocked();
        Assert.Equal(SessionAction.Write, h.Command(SessionCommands.Drain, Seconds(1)));
        Assert.Equal(SessionState.AwaitingPeer, h.Session.State);

        Assert.Equal(SessionAction.ReadLast, h.Session.OnOutputTaken(Seconds(2)));
        Assert.Equal(SessionState.Draining, h.Session.State);
        Assert.Equal(SessionAction.Linger, h.Receive([], Seconds(3)));
    }

    [Fact]
    public void A_blocked_final_reply_defers_the_fin_and_the_linger_is_timed_from_when_it_went_out()
    {
        SessionHarness h = Create();
        h.Session.Start();
        h.Command(SessionCommands.Drain, Seconds(1));
        Assert.Equal(SessionAction.Linger, h.Receive("last", Seconds(1)));
        Assert.Equal(SessionAction.Write, h.Session.OnOutputBlocked());

        Assert.Equal(SessionAction.Linger, h.Session.OnOutputTaken(Seconds(30)));
        Assert.Equal(SessionDeadline.Linger, h.Session.NextDeadline(out long due));
        Assert.Equal(Seconds(32), due);
    }

    [Fact]
    public void The_linger_ends_at_its_deadline_if_the_peer_never_closes()
    {
        SessionHarness h = Create();
        h.Session.Start();
        h.Command(SessionCommands.Drain, Seconds(10));
        h.Receive([], Seconds(10));
        Assert.Equal(SessionDeadline.Linger, h.Session.NextDeadline(out long due));
        Assert.Equal(Seconds(10) + Seconds(SessionSettings.LingerTime.TotalSeconds), due);

        Assert.Equal(SessionAction.Read, h.Command(SessionCommands.Deadline, due - 1));
        Assert.Equal(SessionAction.Close, h.Command(SessionCommands.Deadline, due));
        Assert.Equal(SessionOutcome.Drained, h.Session.Outcome);
        Assert.Equal(SessionDeadline.None, h.Session.NextDeadline(out _));
    }

    [Fact]
    public void The_idle_deadline_follows_the_last_activity_and_is_off_with_a_zero_timeout()
    {
        SessionHarness h = Create(configure: o => o.Tcp.IdleTimeout = TimeSpan.FromSeconds(60), now: Seconds(1));
        h.Session.Start();
        Assert.Equal(SessionDeadline.Idle, h.Session.NextDeadline(out long due));
        Assert.Equal(Seconds(61), due);
        h.Receive("x", Seconds(50));
        Assert.Equal(SessionDeadline.Idle, h.Session.NextDeadline(out due));
        Assert.Equal(Seconds(110), due);

        SessionHarness off = Create(configure: o => o.Tcp.IdleTimeout = TimeSpan.Zero);
        off.Session.Start();
        Assert.Equal(SessionDeadline.None, off.Session.NextDeadline(out _));
    }

    [Fact]
    public void The_timer_is_told_only_when_the_kind_of_deadline_changes()
    {
        SessionHarness h = Create(ProxyProtocolMode.Optional);
        h.Session.Start();
        Assert.Equal(0, h.DeadlineChanges);
        h.Receive("plain"); // header phase over: idle from now on
        Assert.Equal(1, h.DeadlineChanges);
        h.Receive("more");
        h.Session.OnOutputBlocked();
        h.Session.OnOutputTaken(0); // backpressure keeps the idle deadline
        Assert.Equal(1, h.DeadlineChanges);
        h.Command(SessionCommands.Drain);
        Assert.Equal(1, h.DeadlineChanges); // draining is idle-timed too
        h.Receive([]);
        Assert.Equal(2, h.DeadlineChanges); // lingering
        h.End();
        Assert.Equal(3, h.DeadlineChanges); // done
    }

    public static TheoryData<string> Headers => new() { "v1", "v1-tcp6", "v2", "v2-tlvs", "v2-ipv6" };

    [Theory]
    [MemberData(nameof(Headers))]
    public void A_header_split_at_every_byte_and_the_text_after_it_are_read_exactly_once(string kind)
    {
        byte[] header = HeaderOf(kind, out IPEndPoint client, out IPEndPoint destination);
        byte[] stream = Concat(header, Text);
        for (int cut = 1; cut < stream.Length; cut++)
        {
            SessionHarness h = Create(ProxyProtocolMode.Required);
            Assert.Equal(SessionAction.Read, h.Session.Start());
            Assert.Equal(SessionAction.Read, h.Receive(stream[..cut]));
            Assert.Equal(SessionAction.Read, h.Receive(stream[cut..]));

            Assert.Equal(TextUpper, h.TakeText());
            Assert.Equal((client, destination), Assert.Single(h.Identified));
            Assert.Equal(client, h.Session.ClientEndPoint);
            Assert.Equal(SessionState.Reading, h.Session.State);
            Assert.Equal(Text.Length, h.Session.BytesReceived);
            Assert.Equal(1, h.Limiter.OpenFrom(client.Address));
            Assert.Equal(0, h.Limiter.OpenFrom(Peer.Address));
            Assert.Equal(0, h.Counters.ProxyRejectedTotal);
        }
    }

    [Theory]
    [MemberData(nameof(Headers))]
    public void A_header_sent_one_byte_at_a_time_is_read_as_one(string kind)
    {
        byte[] header = HeaderOf(kind, out IPEndPoint client, out _);
        SessionHarness h = Create(ProxyProtocolMode.Optional);
        h.Session.Start();
        foreach (byte b in Concat(header, Text))
        {
            Assert.Equal(SessionAction.Read, h.Receive([b]));
        }

        Assert.Equal(TextUpper, h.TakeText());
        Assert.Equal(client, h.Session.ClientEndPoint);
    }

    [Fact]
    public void A_local_header_leaves_the_real_peer_as_the_client()
    {
        SessionHarness h = Create(ProxyProtocolMode.Required);
        h.Session.Start();
        h.Receive(Concat(V2(0x20, 0x00, []), Ascii("health")));
        Assert.Equal("HEALTH", h.TakeText());
        Assert.Empty(h.Identified);
        Assert.Equal(1, h.Limiter.OpenFrom(Peer.Address));
    }

    [Fact]
    public void Optional_mode_answers_a_plain_client_at_its_first_byte()
    {
        SessionHarness h = Create(ProxyProtocolMode.Optional);
        h.Session.Start();
        Assert.Equal(SessionAction.Read, h.Receive("hi"));
        Assert.Equal("HI", h.TakeText());
        Assert.Equal(1, h.Limiter.OpenFrom(Peer.Address));
    }

    [Fact]
    public void Optional_mode_answers_an_undecided_prefix_when_the_header_timeout_passes()
    {
        SessionHarness h = Create(ProxyProtocolMode.Optional, now: Seconds(100));
        h.Session.Start();
        Assert.Equal(SessionAction.Read, h.Receive("PRO", Seconds(101)));
        Assert.Empty(h.TakeOutput());
        Assert.Equal(SessionDeadline.ProxyHeader, h.Session.NextDeadline(out long due));
        Assert.Equal(Seconds(105), due);

        Assert.Equal(SessionAction.Read, h.Command(SessionCommands.Deadline, due - 1));
        Assert.Empty(h.TakeOutput());
        Assert.Equal(SessionAction.Read, h.Command(SessionCommands.Deadline, due));
        Assert.Equal("PRO", h.TakeText());
        Assert.Equal(SessionState.Reading, h.Session.State);
        Assert.Equal(0, h.Counters.ProxyRejectedTotal);
    }

    [Fact]
    public void Required_mode_refuses_a_late_header_counting_the_timeout()
    {
        SessionHarness h = Create(ProxyProtocolMode.Required);
        h.Session.Start();
        h.Receive("PROXY TCP4 ");
        Assert.Equal(SessionAction.Close, h.Command(SessionCommands.Deadline, Seconds(5)));
        Assert.Equal(SessionOutcome.Rejected, h.Session.Outcome);
        Assert.Equal(1, h.Counters.ProxyRejected(ProxyRejectReason.Timeout));
        Assert.Equal(0, h.Counters.TcpActiveConnections);
        Assert.Empty(h.TakeOutput());
    }

    [Fact]
    public void Required_mode_refuses_an_untrusted_peer_before_reading()
    {
        SessionHarness h = Create(ProxyProtocolMode.Required, peer: IPEndPoint.Parse("198.51.100.1:5000"));
        Assert.Equal(SessionAction.Close, h.Session.Start());
        Assert.Equal(1, h.Counters.ProxyRejected(ProxyRejectReason.UntrustedPeer));
    }

    [Fact]
    public void Optional_mode_serves_an_untrusted_plain_client_but_refuses_its_header()
    {
        var untrusted = IPEndPoint.Parse("198.51.100.1:5000");
        SessionHarness plain = Create(ProxyProtocolMode.Optional, peer: untrusted);
        plain.Session.Start();
        plain.Receive("ok");
        Assert.Equal("OK", plain.TakeText());

        SessionHarness forged = Create(ProxyProtocolMode.Optional, peer: untrusted);
        forged.Session.Start();
        Assert.Equal(SessionAction.Close, forged.Receive("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nhi"));
        Assert.Equal(1, forged.Counters.ProxyRejected(ProxyRejectReason.UntrustedPeer));
        Assert.Empty(forged.TakeOutput());
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "Malformed")]
    [InlineData("hello", "Missing")]
    public void Required_mode_refuses_what_is_not_a_valid_header(string sent, string expected)
    {
        ProxyRejectReason reason = Enum.Parse<ProxyRejectReason>(expected);
        SessionHarness h = Create(ProxyProtocolMode.Required);
        h.Session.Start();
        Assert.Equal(SessionAction.Close, h.Receive(sent));
        Assert.Equal(1, h.Counters.ProxyRejected(reason));
        Assert.Empty(h.TakeOutput());
    }

    [Fact]
    public void A_header_cut_short_by_the_peer_is_truncated_and_a_silent_peer_just_left()
    {
        SessionHarness cut = Create(ProxyProtocolMode.Required);
        cut.Session.Start();
        cut.Receive("PROXY TCP4 1.2");
        Assert.Equal(SessionAction.Close, cut.End());
        Assert.Equal(1, cut.Counters.ProxyRejected(ProxyRejectReason.Truncated));

        SessionHarness silent = Create(ProxyProtocolMode.Required);
        silent.Session.Start();
        Assert.Equal(SessionAction.Close, silent.End());
        Assert.Equal(SessionOutcome.PeerLeft, silent.Session.Outcome);
        Assert.Equal(0, silent.Counters.ProxyRejectedTotal); // a load balancer's TCP check is not a refusal
    }

    [Fact]
    public void Optional_mode_answers_a_prefix_the_peer_ended_with()
    {
        SessionHarness h = Create(ProxyProtocolMode.Optional);
        h.Session.Start();
        h.Receive("PR");
        Assert.Equal(SessionAction.Close, h.End());
        Assert.Equal("PR", h.TakeText());
        Assert.Equal(SessionOutcome.InputCompleted, h.Session.Outcome);
    }

    [Fact]
    public void A_header_longer_than_may_be_buffered_is_refused()
    {
        SessionHarness h = Create(ProxyProtocolMode.Required, o => o.Tcp.MaxBufferedRequestBytes = 4096);
        h.Session.Start();
        byte[] huge = V2(0x21, 0x11, new byte[4096 - 16], declaredLength: 60_000);
        Assert.Equal(SessionAction.Close, h.Receive(huge));
        Assert.Equal(1, h.Counters.ProxyRejected(ProxyRejectReason.Malformed));
    }

    [Fact]
    public void The_proxied_client_is_held_to_its_own_cap()
    {
        SessionHarness h = Create(ProxyProtocolMode.Required, o => o.Tcp.MaxConnectionsPerIp = 1);
        Assert.True(h.Limiter.TryAdmitAddress(Client.Address));
        h.Session.Start();
        Assert.Equal(SessionAction.Close, h.Receive(Concat(V1(Client, Destination), Text)));
        Assert.Equal(1, h.Counters.TcpRejected(TcpRejectReason.MaxConnectionsPerIp));
        Assert.Empty(h.TakeOutput());
        h.Session.Release();
        Assert.Equal(1, h.Limiter.OpenFrom(Client.Address));
        Assert.Equal(0, h.Limiter.OpenFrom(Peer.Address));
    }

    [Fact]
    public void A_drain_during_an_undecided_optional_prefix_answers_it()
    {
        SessionHarness h = Create(ProxyProtocolMode.Optional);
        h.Session.Start();
        h.Receive("PR");
        Assert.Equal(SessionAction.ReadLast, h.Command(SessionCommands.Drain));
        Assert.Equal(SessionAction.Linger, h.Receive("!"));
        Assert.Equal("PR!", h.TakeText());
    }

    [Fact]
    public void A_drain_during_a_required_header_closes_without_counting_a_refusal()
    {
        SessionHarness h = Create(ProxyProtocolMode.Required);
        h.Session.Start();
        h.Receive("PROXY TCP4");
        Assert.Equal(SessionAction.Close, h.Command(SessionCommands.Drain));
        Assert.Equal(SessionOutcome.Drained, h.Session.Outcome);
        Assert.Equal(0, h.Counters.ProxyRejectedTotal);
    }

    [Fact]
    public void Ascii_mode_changes_only_a_to_z()
    {
        SessionHarness h = Create(configure: o => o.Casing = KestrelUpper.Text.CasingMode.Ascii);
        h.Session.Start();
        h.Receive("stra\u00DFe");
        Assert.Equal("STRA\u00DFE", h.TakeText());
    }

    private static byte[] V1(IPEndPoint client, IPEndPoint destination) =>
        Ascii($"PROXY TCP4 {client.Address} {destination.Address} {client.Port} {destination.Port}\r\n");

    private static byte[] HeaderOf(string kind, out IPEndPoint client, out IPEndPoint destination)
    {
        client = Client;
        destination = Destination;
        switch (kind)
        {
            case "v1":
                return V1(client, destination);
            case "v1-tcp6":
                client = IPEndPoint.Parse("[2001:db8::7]:40001");
                destination = IPEndPoint.Parse("[2001:db8::10]:12000");
                return Ascii("PROXY TCP6 2001:db8::7 2001:db8::10 40001 12000\r\n");
            case "v2":
                return V2Proxy(client, destination);
            case "v2-tlvs":
                return V2Proxy(client, destination, Tlv(0x01, Ascii("h2")), Tlv(0xEA, Ascii("vpce-0abc")));
            default:
                client = IPEndPoint.Parse("[2001:db8::7]:40001");
                destination = IPEndPoint.Parse("[2001:db8::10]:12000");
                return V2Proxy(client, destination);
        }
    }
}
