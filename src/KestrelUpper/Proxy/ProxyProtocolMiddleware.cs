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
/// Kestrel connection middleware for the TLS port, where the PROXY header comes before the TLS handshake: reads the
/// header off the transport with the same rules as the TCP session (<see cref="ProxyHeaderDecoder"/>), makes the
/// client it names the connection's <see cref="ConnectionContext.RemoteEndPoint"/>, and hands the rest of the stream,
/// unread, to the TLS handshake. Bad, late, missing or untrusted headers close the connection, counted by reason.
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
        var decoder = new ProxyHeaderDecoder(mode, trusted.Contains(ClientAddress.Of(peer)), maxHeaderBytes);
        if (decoder.RejectsBeforeReading)
        {
            Reject(connection, peer, ProxyRejectReason.UntrustedPeer);
            return;
        }

        (ProxyDecision Decision, ProxyHeader Header, ProxyRejectReason Reason) outcome;
        try
        {
            outcome = await ReadHeaderAsync(connection.Transport.Input, decoder).ConfigureAwait(false);
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

        switch (outcome.Decision)
        {
            case ProxyDecision.PeerLeft:
                // Connect-and-close (a load balancer's TCP health check): nothing was refused, so nothing is counted.
                ProxyLog.HeaderLost(logger, connection.ConnectionId, peer, "closed before sending anything");
                return;
            case ProxyDecision.Rejected:
                Reject(connection, peer, outcome.Reason);
                return;
            case ProxyDecision.Accepted:
                ProxyHeader header = outcome.Header;
                if (header.HasAddresses)
                {
                    ConnectionEndPoints.Replace(connection, header.Source!, header.Destination!);
                }

                // LOCAL / UNKNOWN / UNSPEC: the proxy speaks for itself, the real peer stays the client.
                ProxyLog.HeaderAccepted(logger, connection.ConnectionId, peer, header.Version, connection.RemoteEndPoint, connection.LocalEndPoint);
                break;
        }

        await next(connection).ConfigureAwait(false);
    }

    /// <summary>Reads until the decoder has decided: a header, plain data (Optional), a refusal, or the timeout.</summary>
    private async ValueTask<(ProxyDecision Decision, ProxyHeader Header, ProxyRejectReason Reason)> ReadHeaderAsync(PipeReader input, ProxyHeaderDecoder decoder)
    {
        using var timeout = new CancellationTokenSource(headerTimeout, time);

        // Bytes marked examined so far. A pipe refuses to move "examined" backwards, so handing the data over
        // re-marks exactly this much: anything that arrived after it stays unexamined and the next read returns at once.
        long examined = 0;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                ProxyDecision late = decoder.OnTimeout(out ProxyRejectReason lateReason);
                return (late, default, lateReason);
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            ProxyDecision decision = decoder.Decide(buffer, result.IsCompleted || result.IsCanceled, out ProxyHeader header, out ProxyRejectReason reason);
            switch (decision)
            {
                case ProxyDecision.NeedMoreData:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    examined = buffer.Length;
                    continue;
                case ProxyDecision.Accepted:
                    // Longer than anything examined before (that was too short), so this moves forward; bytes after
                    // the header in the same read stay in the pipe for the TLS handshake.
                    input.AdvanceTo(buffer.GetPosition(header.Length));
                    break;
                case ProxyDecision.Plain:
                    input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
                    break;
                default:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }

            return (decision, header, reason);
        }
    }

    private void Reject(ConnectionContext connection, EndPoint? peer, ProxyRejectReason reason)
    {
        counters.ProxyHeaderRejected(reason);
        ProxyLog.HeaderRejected(logger, connection.ConnectionId, peer, TelemetryNames.ToAttributeValue(reason));
    }
}
