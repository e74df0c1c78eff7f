using System.Buffers;
using System.IO.Pipelines;
using KestrelUpper.Tcp.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace KestrelUpper.Tcp.Pipes;

/// <summary>
/// The pipe driver: a session over Kestrel's transport, for the TLS port and for the TCP port where epoll is not
/// available (or <c>Upper:Sockets:Transport=Kestrel</c>). It only moves bytes and events: read whatever arrived from
/// the input pipe, let the session write the replies, send them (<see cref="IDriverOutput"/>), repeat. A send that
/// does not complete at once is backpressure: nothing more is read until the client takes its replies.
/// </summary>
internal sealed class PipeDriver(ConnectionContext connection, TimeProvider time) : ISessionDriver
{
    private int _commands;

    public void Post(SessionCommands commands)
    {
        Interlocked.Or(ref _commands, (int)commands);
        connection.Transport.Input.CancelPendingRead(); // the read returns at once and hands the commands over
    }

    public async Task RunAsync(UppercaseSession session)
    {
        PipeReader input = connection.Transport.Input;
        using IDriverOutput output = CreateOutput(connection);
        Action blocked = () => session.OnOutputBlocked();
        SessionAction action = session.Start();
        while (action != SessionAction.Close)
        {
            if (action == SessionAction.Linger)
            {
                await output.HalfCloseAsync().ConfigureAwait(false);
            }

            ReadResult read;
            try
            {
                read = await input.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (session.State == SessionState.Lingering && ex is ConnectionResetException or IOException)
            {
                // A reset while lingering is the client closing after it had everything: the end of a drain.
                session.OnInputEnded(output, time.GetTimestamp());
                return;
            }

            ReadOnlySequence<byte> buffer = read.Buffer;
            long now = time.GetTimestamp();
            try
            {
                action = SessionAction.Read;
                if (read.IsCanceled && Interlocked.Exchange(ref _commands, 0) is var commands and not 0)
                {
                    action = session.OnCommand((SessionCommands)commands, output, now);
                }

                // On a drain (ReadLast) the buffer in hand is everything the transport has received: the last read.
                if (action == SessionAction.ReadLast || (action == SessionAction.Read && !buffer.IsEmpty))
                {
                    action = session.OnReceived(buffer, output, now);
                }

                if (read.IsCompleted && action is SessionAction.Read or SessionAction.Linger)
                {
                    action = session.OnInputEnded(output, now);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.End);
            }

            if (!await output.SendAsync(blocked).ConfigureAwait(false))
            {
                session.Abandon(); // the output closed under us: the client is gone or the connection was aborted
                return;
            }

            action = session.State == SessionState.AwaitingPeer ? session.OnOutputTaken(time.GetTimestamp()) : action;
        }
    }

    private static IDriverOutput CreateOutput(ConnectionContext connection)
    {
        if (connection.Features.Get<ISslStreamFeature>()?.SslStream is { } tls)
        {
            return new PipeOutput(connection.Transport.Output, tls);
        }

        return connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket
            ? new SocketOutput(socket)
            : new PipeOutput(connection.Transport.Output, tls: null); // no socket to half-close: the FIN comes at the close
    }
}
