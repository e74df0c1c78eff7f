using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using KestrelUpper.Interop;

namespace KestrelUpper.Tests.Interop;

/// <summary>The structs recvmmsg/sendmmsg/poll read must have the LP64 Linux sizes and offsets, or the kernel reads garbage.</summary>
public sealed class LibcLayoutTests
{
    [Fact]
    public void Datagram_structs_have_the_lp64_linux_layout()
    {
        Assert.Equal(16, Unsafe.SizeOf<Libc.IoVec>());
        Assert.Equal(56, Unsafe.SizeOf<Libc.MsgHdr>());
        Assert.Equal(64, Unsafe.SizeOf<Libc.MMsgHdr>());
        Assert.Equal(8, Unsafe.SizeOf<Libc.PollFd>());
        Assert.Equal(16, (int)Marshal.OffsetOf<Libc.MsgHdr>(nameof(Libc.MsgHdr.Iov)));
        Assert.Equal(48, (int)Marshal.OffsetOf<Libc.MsgHdr>(nameof(Libc.MsgHdr.Flags)));
        Assert.Equal(56, (int)Marshal.OffsetOf<Libc.MMsgHdr>(nameof(Libc.MMsgHdr.Length)));
    }
}
