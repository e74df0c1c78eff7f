using System.Net.Sockets;
using System.Text;
using KestrelUpper.Client.Cli;

namespace KestrelUpper.Client.Lines;

/// <summary>
/// Splits the TCP reply stream at "\n". The server maps "\n" to "\n" and never produces one otherwise, so each
/// "\n" ends exactly the reply to one sent line, however much uppercasing grew it ("ß" becomes "SS").
/// </summary>
internal sealed class ReplyLineReader
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Socket _socket;
    private readonly Action _onBytes;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public ReplyLineReader(Socket socket, Action onBytes)
    {
        _socket = socket;
        _onBytes = onBytes;
    }

    /// <summary>The next reply without its "\n"; null when the server closed cleanly between replies.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        int searched = 0;
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start + searched, _end - _start - searched);
            if (newline >= 0)
            {
                string line = Utf8.GetString(_buffer, _start, newline - _start);
                _start = newline + 1;
                return line;
            }

            searched = _end - _start;
            MakeRoom();
            int received = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                return _end > _start ? throw new ClientFailureException("server closed the connection in the middle of a reply") : null;
            }

            _end += received;
            _onBytes();
        }
    }

    private void MakeRoom()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }
}
