using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Client.Cli;
using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Lines;

/// <summary>
/// `upper tcp`: one connection for the whole session. Each line goes out with a "\n" and its reply is read up
/// to the "\n" that ends it (see <see cref="ReplyLineReader"/>), so the client needs no uppercasing table.
/// </summary>
internal sealed class TcpLineClient
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly ClientConsole _console;
    private readonly LineClientSettings _settings;
    private int _inputDone;

    public TcpLineClient(ClientConsole console, LineClientSettings settings)
    {
        _console = console;
        _settings = settings;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<IPEndPoint> endPoints = await _settings.Server.ResolveAsync(cancellationToken).ConfigureAwait(false);
        using Socket socket = await TcpConnector.ConnectAsync(_settings.Server, endPoints, _settings.Timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            return _console.IsInputRedirected
                ? await PipeAsync(socket, cancellationToken).ConfigureAwait(false)
                : await InteractiveAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ClientFailureException(SocketErrors.Describe(ex, "tcp", _settings.Server), ex);
        }
    }

    private async Task<int> InteractiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var reader = new ReplyLineReader(socket, static () => { });
        while (true)
        {
            await _console.Out.WriteAsync(Prompt.Input).ConfigureAwait(false);
            await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            string? line = await ConsoleInput.ReadLineAsync(_console.In, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(line))
            {
                // Ctrl-D or an empty line ends the session, as closing the textbook client does.
                if (line is null)
                {
                    await _console.Out.WriteLineAsync().ConfigureAwait(false);
                }

                socket.Shutdown(SocketShutdown.Send);
                return ExitCodes.Ok;
            }

            await SendLineAsync(socket, line, cancellationToken).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(_settings.Timeout);
            string reply;
            try
            {
                reply = await reader.ReadLineAsync(wait.Token).ConfigureAwait(false)
                    ?? throw new ClientFailureException($"tcp server at {_settings.Server} closed the connection");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ClientFailureException($"no reply from tcp server at {_settings.Server} within {_settings.Timeout.TotalSeconds:0.###}s");
            }

            await _console.Out.WriteLineAsync(Prompt.ReplyPrefix + reply).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends and receives concurrently: a large input never deadlocks on full socket buffers, and after the
    /// last line the send side is half-closed so the server's close marks the end of the replies.
    /// </summary>
    private async Task<int> PipeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var watchdog = new ReplyWatchdog(_settings.Timeout);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task send = Task.Run(() => SendAllLinesAsync(socket, watchdog, session.Token), session.Token);
        Task receive = ReceiveAllRepliesAsync(socket, watchdog, session.Token);
        Task stall = watchdog.WaitForStallAsync(session.Token);

        try
        {
            while (!receive.IsCompleted)
            {
                Task done = send.IsCompleted
                    ? await Task.WhenAny(receive, stall).ConfigureAwait(false)
                    : await Task.WhenAny(receive, stall, send).ConfigureAwait(false);
                if (done == stall)
                {
                    await stall.ConfigureAwait(false);
                    throw new ClientFailureException($"no reply from tcp server at {_settings.Server} within {_settings.Timeout.TotalSeconds:0.###}s");
                }

                if (done == send && !send.IsCompletedSuccessfully)
                {
                    // Surface the sender's failure rather than the receiver's reaction to it.
                    await send.ConfigureAwait(false);
                }
            }

            await receive.ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAllLinesAsync(Socket socket, ReplyWatchdog watchdog, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        // Synchronous reads on a dedicated task: Console.In has no truly asynchronous ReadLine.
        while (_console.In.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = Utf8.GetMaxByteCount(line.Length) + 1;
            if (buffer.Length < length)
            {
                buffer = new byte[length];
            }

            int count = Utf8.GetBytes(line, buffer);
            buffer[count++] = (byte)'\n';
            watchdog.OnSending();
            await SendAllAsync(socket, buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            watchdog.Touch();
        }

        // Set before the half-close: the server's close can only be seen after it.
        Volatile.Write(ref _inputDone, 1);
        socket.Shutdown(SocketShutdown.Send);
    }

    private async Task ReceiveAllRepliesAsync(Socket socket, ReplyWatchdog watchdog, CancellationToken cancellationToken)
    {
        var reader = new ReplyLineReader(socket, watchdog.Touch);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } reply)
        {
            watchdog.OnReply();
            await _console.Out.WriteLineAsync(reply).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _inputDone) == 0 || watchdog.Received < watchdog.Sent)
        {
            throw new ClientFailureException($"tcp server at {_settings.Server} closed the connection early, after {watchdog.Received} replies");
        }

        await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendLineAsync(Socket socket, string line, CancellationToken cancellationToken)
    {
        byte[] bytes = Utf8.GetBytes(line + "\n");
        await SendAllAsync(socket, bytes, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }
}
