using System.Net;
using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tcp;

/// <summary>
/// Admission control for TCP connections: at most <c>Upper:Tcp:MaxConnections</c> open, and at most
/// <c>Upper:Tcp:MaxConnectionsPerIp</c> from one address. Taken once per connection, never per message,
/// so a plain lock is cheap enough and keeps the two counts consistent.
/// </summary>
internal sealed class TcpConnectionLimiter(IOptions<UpperOptions> options)
{
    private readonly int _maxConnections = options.Value.Tcp.MaxConnections;
    private readonly int _maxPerIp = options.Value.Tcp.MaxConnectionsPerIp;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perIp = [];
    private int _open;

    /// <summary>Admits a connection from <paramref name="address"/>, or says which limit refuses it.</summary>
    public TcpRejectReason? TryAdmit(IPAddress? address)
    {
        lock (_lock)
        {
            if (_open >= _maxConnections)
            {
                return TcpRejectReason.MaxConnections;
            }

            if (address is not null)
            {
                _perIp.TryGetValue(address, out int fromAddress);
                if (fromAddress >= _maxPerIp)
                {
                    return TcpRejectReason.MaxConnectionsPerIp;
                }

                _perIp[address] = fromAddress + 1;
            }

            _open++;
            return null;
        }
    }

    /// <summary>Returns the slot taken by an admitted connection.</summary>
    public void Release(IPAddress? address)
    {
        lock (_lock)
        {
            _open--;
            if (address is not null && _perIp.TryGetValue(address, out int fromAddress))
            {
                if (fromAddress <= 1)
                {
                    _perIp.Remove(address);
                }
                else
                {
                    _perIp[address] = fromAddress - 1;
                }
            }
        }
    }

    /// <summary>Open connections from <paramref name="address"/> (for tests and diagnostics).</summary>
    public int OpenFrom(IPAddress address)
    {
        lock (_lock)
        {
            return _perIp.GetValueOrDefault(address);
        }
    }
}
