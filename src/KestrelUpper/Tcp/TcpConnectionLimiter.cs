using System.Net;
using KestrelUpper.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tcp;

/// <summary>
/// Admission control for TCP connections, in two steps. The global cap (<c>Upper:Tcp:MaxConnections</c>) is
/// taken as the socket is accepted, before any TLS handshake or PROXY header, so connections still in those
/// phases count too. The per-address cap (<c>Upper:Tcp:MaxConnectionsPerIp</c>) is taken once the client's
/// address is known (after a PROXY header). Both are per connection, never per message.
/// </summary>
internal sealed class TcpConnectionLimiter(IOptions<UpperOptions> options)
{
    private readonly int _maxConnections = options.Value.Tcp.MaxConnections;
    private readonly int _maxPerIp = options.Value.Tcp.MaxConnectionsPerIp;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perIp = [];
    private int _open;

    /// <summary>Slots taken under the global cap, including connections still in a handshake.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Takes a slot under the global cap; false when the service is full.</summary>
    public bool TryAdmitConnection()
    {
        while (true)
        {
            int open = Volatile.Read(ref _open);
            if (open >= _maxConnections)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }

    /// <summary>Returns a slot taken by <see cref="TryAdmitConnection"/>.</summary>
    public void ReleaseConnection() => Interlocked.Decrement(ref _open);

    /// <summary>Takes a slot for <paramref name="address"/>; false when that address is at its cap.</summary>
    public bool TryAdmitAddress(IPAddress address)
    {
        lock (_lock)
        {
            _perIp.TryGetValue(address, out int fromAddress);
            if (fromAddress >= _maxPerIp)
            {
                return false;
            }

            _perIp[address] = fromAddress + 1;
            return true;
        }
    }

    /// <summary>Returns a slot taken by <see cref="TryAdmitAddress"/>.</summary>
    public void ReleaseAddress(IPAddress address)
    {
        lock (_lock)
        {
            if (_perIp.TryGetValue(address, out int fromAddress))
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
