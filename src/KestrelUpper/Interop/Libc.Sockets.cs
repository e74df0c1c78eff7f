using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KestrelUpper.Interop;

/// <summary>epoll and the stream socket calls of the TCP event loop (<c>Tcp/Epoll/</c>).</summary>
internal static unsafe partial class Libc
{
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;

    public const int SHUT_WR = 1;

    private const int EPOLL_CLOEXEC = 0x80000;
    private const int EPIPE = 32;
    private const int ECONNRESET = 104;
    private const int ENOTCONN = 107;
    private const int ETIMEDOUT = 110;

    public static int EpollCreate() => EpollCreate1(EPOLL_CLOEXEC);

    /// <summary>The socket error an errno from recv/send stands for, for the exception the connection ends with.</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        ECONNRESET => SocketError.ConnectionReset,
        EPIPE => SocketError.Shutdown,
        ENOTCONN => SocketError.NotConnected,
        ETIMEDOUT => SocketError.TimedOut,
        _ => SocketError.SocketError,
    };

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    /// <summary><paramref name="event"/> points at one event in the platform's layout (<see cref="EpollEvents"/>).</summary>
    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, void* @event);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, void* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);
}
