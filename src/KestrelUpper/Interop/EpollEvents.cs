using System.Runtime.InteropServices;

namespace KestrelUpper.Interop;

/// <summary>
/// An array of <c>struct epoll_event</c> in native memory. The struct is packed on x64 (12 bytes, data at offset 4)
/// and naturally aligned elsewhere (16 bytes, data at offset 8), so it is read by offsets rather than declared.
/// </summary>
internal sealed unsafe class EpollEvents : IDisposable
{
    private static readonly int Stride = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private byte* _memory;

    public EpollEvents(int capacity)
    {
        Capacity = capacity;
        _memory = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * Stride));
    }

    public int Capacity { get; }

    /// <summary>Large enough for one event of either layout: for <see cref="Libc.EpollCtl"/> from the stack.</summary>
    public const int SingleEventBytes = 16;

    public void* Pointer => _memory;

    public uint Events(int index) => *(uint*)(_memory + (index * Stride));

    public ulong Data(int index) => *(ulong*)(_memory + (index * Stride) + DataOffset);

    /// <summary>Writes one event (interest and token) into <paramref name="destination"/> in the platform's layout.</summary>
    public static void Write(byte* destination, uint events, ulong data)
    {
        *(uint*)destination = events;
        *(ulong*)(destination + DataOffset) = data;
    }

    public void Dispose()
    {
        if (_memory is not null)
        {
            NativeMemory.Free(_memory);
            _memory = null;
        }
    }
}
