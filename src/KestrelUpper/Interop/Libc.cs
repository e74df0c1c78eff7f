using System.Runtime.InteropServices;

namespace KestrelUpper.Interop;

/// <summary>
/// The few Linux system calls the service's own socket loops make directly: the runtime has no batched datagram
/// API and its socket engine costs extra system calls per message. Split by subject into partial files.
/// </summary>
internal static unsafe partial class Libc
{
    // The runtime maps "libc" to the C library's real soname (libc.so.6), including in images without dev files.
    private const string Library = "libc";

    public const int EINTR = 4;
    public const int EAGAIN = 11;

    private const int EFD_CLOEXEC = 0x80000;
    private const int EFD_NONBLOCK = 0x800;

    /// <summary>True where the struct layouts and constants here are right: Linux on x64 and arm64.</summary>
    public static bool IsSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>errno of the last call made through this class (they all set it).</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    public static int CreateEventFd() => EventFdCreate(0, EFD_CLOEXEC | EFD_NONBLOCK);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFdCreate(uint initialValue, int flags);
}
