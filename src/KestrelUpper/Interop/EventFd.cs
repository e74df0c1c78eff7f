using System.ComponentModel;

namespace KestrelUpper.Interop;

/// <summary>
/// A Linux eventfd: lets another thread wake a loop that waits in epoll_wait or poll (stop, or "look at your
/// queue"). Signals coalesce, so signalling twice before the loop looks costs one wake-up.
/// </summary>
internal sealed unsafe class EventFd : IDisposable
{
    private int _fd;

    public EventFd()
    {
        _fd = Libc.CreateEventFd();
        if (_fd < 0)
        {
            throw new Win32Exception(Libc.LastError, "eventfd failed");
        }
    }

    public int Fd => _fd;

    /// <summary>Wakes the waiting loop (safe from any thread, any number of times).</summary>
    public void Signal()
    {
        ulong one = 1;
        _ = Libc.Write(_fd, &one, sizeof(ulong)); // EAGAIN only when the counter is saturated: already signalled
    }

    /// <summary>Clears the signal; the loop calls it before looking at what it was woken for.</summary>
    public void Reset()
    {
        ulong value;
        _ = Libc.Read(_fd, &value, sizeof(ulong)); // EAGAIN when nothing was signalled
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
        }
    }
}
