using System.Runtime.InteropServices;

namespace KestrelUpper.Interop;

/// <summary>
/// Batched datagram I/O: recvmmsg/sendmmsg move up to a batch of datagrams per system call, and poll waits on the
/// socket and a stop eventfd together. Layouts are the LP64 Linux ones (x64 and arm64 agree): see <see cref="IsSupported"/>.
/// </summary>
internal static unsafe partial class Libc
{
    public const int ECONNREFUSED = 111;

    // MSG_DONTWAIT (this call does not block even on a blocking socket) is shared with the TCP calls in Libc.Sockets.cs.

    /// <summary>msg_flags on return: the datagram was longer than the buffer and was cut.</summary>
    public const int MSG_TRUNC = 0x20;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;

    /// <summary>poll timeout meaning "until something is ready".</summary>
    public const int PollForever = -1;

    [LibraryImport(Library, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int ReceiveMessages(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport(Library, EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMessages(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>struct iovec (16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (56 bytes): sequential layout pads socklen_t and msg_flags to 8 as C does.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr (64 bytes): a msghdr and the byte count the kernel fills in.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    /// <summary>struct pollfd (8 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }
}
