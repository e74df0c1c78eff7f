using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp;
using KestrelUpper.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelUpper.Proxy;

/// <summary>
/// Kestrel connection middleware: reads a PROXY protocol header off the transport, makes the client it names the
/// connection's <see cref="ConnectionContext.RemoteEndPoint"/>, and hands the rest of the stream, unread, to the
/// next middleware or handler. Bad, late, missing or untrusted headers close the connection, counted by reason.
/// </summary>
internal sealed class ProxyProtocolMiddleware(
    ConnectionDelegate next,
    ProxyProtocolMode mode,
    TrustedProxyNetworks trusted,
    TimeSpan headerTimeout,
    int maxHeaderBytes,
    UpperCounters counters,
    TimeProvider time,
    ILogger<ProxyProtocolMiddleware> logger)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        EndPoint? peer = connection.RemoteEndPoint;
        bool isTrusted = trusted.Contains(ClientAddress.Of(peer));
        if (!isTrusted && mode == ProxyProtocolMode.Required)
        {
            // Nothing this peer could send would be believed: close before reading a byte.
            Reject(connection, peer, ProxyRejectReason.UntrustedPeer);
            return;
        }

        (ProxyRejectReason? Rejected, ProxyHeader? Header, bool PeerLeft) outcome;
        try
        {
            outcome = await ReadHeaderAsync(connection.Transport.Input, isTrusted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ConnectionResetException or ConnectionAbortedException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            ProxyLog.HeaderLost(logger, connection.ConnectionId, peer, ex.Message);
            return;
        }
#pragma warning disable CA1031 // Whatever a peer sends, the middleware must close the connection, not throw into Kestrel.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ProxyLog.HeaderFailed(logger, connection.ConnectionId, peer, ex);
            return;
        }

        if (outcome.PeerLeft)
        {
            // Connect-and-close (a load balancer's TCP health check): nothing was refused, so nothing is counted.
            ProxyLog.HeaderLost(logger, connection.ConnectionId, peer, "closed before sending anything");
            return;
        }

        if (outcome.Rejected is { } reason)
        {
            Reject(connection, peer, reason);
            return;
        }

        if (outcome.Header is { } header)
        {
            if (header.HasAddresses)
            {
                UseClientEndPoints(connection, header.Source!, header.Destination!);
            }

            // LOCAL / UNKNOWN / UNSPEC: the proxy speaks for itself, the real peer stays the client.
            ProxyLog.HeaderAccepted(logger, connection.ConnectionId, peer, header.Version, connection.RemoteEndPoint, connection.LocalEndPoint);
        }

        await next(connection).ConfigureAwait(false);
    }

    /// <summary>Reads until the header is complete, refused, absent (Optional: plain data), or late.</summary>
    private async ValueTask<(ProxyRejectReason? Rejected, ProxyHeader? Header, bool PeerLeft)> ReadHeaderAsync(PipeReader input, bool isTrusted)
    {
        using var timeout = new CancellationTokenSource(headerTimeout, time);

        // Bytes marked examined so far. A pipe refuses to move "examined" backwards, so handing the data over
        // re-marks exactly this much: anything that arrived after it stays unexamined and the next read returns at once.
        long examined = 0;
        bool committed = false; // a whole signature arrived: the peer is sending a header, not plain data
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // Optional and nothing but a signature's first bytes (or nothing): plain data after all.
                return mode == ProxyProtocolMode.Optional && !committed ? Plain : Rejected(ProxyRejectReason.Timeout);
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            ProxyParseStatus status = ProxyHeaderParser.TryParse(buffer, out ProxyHeader header, out SequencePosition consumed);
            committed = status is ProxyParseStatus.Complete or ProxyParseStatus.Invalid || ProxyHeaderParser.StartsWithSignature(buffer);

            if (committed && !isTrusted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return Rejected(ProxyRejectReason.UntrustedPeer);
            }

            switch (status)
            {
                case ProxyParseStatus.Complete:
                    // The header is longer than anything examined before (that was too short), so this moves forward;
                    // bytes after the header in the same read stay in the pipe for the handler.
                    input.AdvanceTo(consumed);
                    return (null, header, false);

                case ProxyParseStatus.Invalid:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return Rejected(ProxyRejectReason.Malformed);

                case ProxyParseStatus.NotProxy:
                    input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
                    return mode == ProxyProtocolMode.Required ? Rejected(ProxyRejectReason.Missing) : Plain;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
                if (mode == ProxyProtocolMode.Optional && !committed)
                {
                    return Plain;
                }

                return buffer.IsEmpty ? (null, null, true) : Rejected(ProxyRejectReason.Truncated);
            }

            if (buffer.Length >= maxHeaderBytes)
            {
                // A v2 length beyond what the transport buffers could never complete: the read would stall, not fail.
                input.AdvanceTo(buffer.Start, buffer.End);
                return Rejected(ProxyRejectReason.Malformed);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            examined = buffer.Length;
        }
    }

    private static (ProxyRejectReason? Rejected, ProxyHeader? Header, bool PeerLeft) Plain => (null, null, false);

    private static (ProxyRejectReason? Rejected, ProxyHeader? Header, bool PeerLeft) Rejected(ProxyRejectReason reason) => (reason, null, false);

    private static void UseClientEndPoints(ConnectionContext connection, IPEndPoint client, IPEndPoint destination)
    {
        connection.RemoteEndPoint = client;
        connection.LocalEndPoint = destination;

        // Kestrel's connection serves the feature itself, but a wrapped context may keep a separate one.
        if (connection.Features.Get<IConnectionEndPointFeature>() is { } endPoints && !ReferenceEquals(endPoints, connection))
        {
            endPoints.RemoteEndPoint = client;
            endPoints.LocalEndPoint = destination;
        }
    }

    private void Reject(ConnectionContext connection, EndPoint? peer, ProxyRejectReason reason)
    {
        counters.ProxyHeaderRejected(reason);
        ProxyLog.HeaderRejected(logger, connection.ConnectionId, peer, TelemetryNames.ToAttributeValue(reason));
    }
}
