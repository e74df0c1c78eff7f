using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Client.Cli;
using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Lines;

/// <summary>
/// `upper udp`: one datagram per line, one reply awaited per line for up to the timeout. A lost reply is
/// reported and the session goes on; the exit code tells at the end. A refused port (ICMP) means no server.
/// </summary>
internal sealed class UdpLineClient
{
    /// <summary>The largest UDP payload over IPv4.</summary>
    public const int MaxDatagram = 65_507;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly ClientConsole _console;
    private readonly LineClientSettings _settings;
    private readonly byte[] _reply = new byte[64 * 1024];

    public UdpLineClient(ClientConsole console, LineClientSettings settings)
    {
        _console = console;
        _settings = settings;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<IPEndPoint> endPoints = await _settings.Server.ResolveAsync(cancellationToken).ConfigureAwait(false);
        bool interactive = !_console.IsInputRedirected;
        int candidate = 0;
        Socket socket = Open(endPoints[candidate]);
        int lost = 0;
        long lineNumber = 0;
        try
        {
            while (true)
            {
                if (interactive)
                {
                    await _console.Out.WriteAsync(Prompt.Input).ConfigureAwait(false);
                    await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                string? line = interactive
                    ? await ConsoleInput.ReadLineAsync(_console.In, cancellationToken).ConfigureAwait(false)
                    : await _console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null || (interactive && line.Length == 0))
                {
                    if (interactive && line is null)
                    {
                        // Ctrl-D: end the prompt's line.
                        await _console.Out.WriteLineAsync().ConfigureAwait(false);
                    }

                    break;
                }

                lineNumber++;
                byte[] request = Utf8.GetBytes(line);
                if (request.Length > MaxDatagram)
                {
                    _console.Fail($"line {lineNumber} is {request.Length} bytes, more than one UDP datagram holds ({MaxDatagram})");
                    lost++;
                    continue;
                }

                string? reply;
                while (true)
                {
                    try
                    {
                        reply = await ExchangeAsync(socket, request, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                    catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused && candidate + 1 < endPoints.Count)
                    {
                        // "localhost" may name ::1 first while the server listens on 127.0.0.1 only.
                        socket.Dispose();
                        socket = Open(endPoints[++candidate]);
                    }
                }

                if (reply is null)
                {
                    _console.Fail($"no reply from udp server at {_settings.Server} within {_settings.Timeout.TotalSeconds:0.###}s to line {lineNumber}");
                    lost++;
                    continue;
                }

                await _console.Out.WriteLineAsync(interactive ? Prompt.ReplyPrefix + reply : reply).ConfigureAwait(false);
            }

            await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            return lost == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (SocketException ex)
        {
            throw new ClientFailureException(SocketErrors.Describe(ex, "udp", _settings.Server), ex);
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static Socket Open(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Connected: the kernel filters out datagrams from anyone else and reports ICMP "port unreachable".
            socket.Connect(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The reply, or null when none came within the timeout.</summary>
    private async Task<string?> ExchangeAsync(Socket socket, byte[] request, CancellationToken cancellationToken)
    {
        DiscardLateReplies(socket);
        await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_settings.Timeout);
        try
        {
            int received = await socket.ReceiveAsync(_reply, SocketFlags.None, wait.Token).ConfigureAwait(false);
            return Utf8.GetString(_reply, 0, received);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A reply that missed its timeout must not be taken for the next line's.</summary>
    private void DiscardLateReplies(Socket socket)
    {
        try
        {
            while (socket.Available > 0)
            {
                socket.Receive(_reply);
            }
        }
        catch (SocketException)
        {
            // A stale ICMP error from an earlier datagram: the next exchange reports its own.
        }
    }
}
