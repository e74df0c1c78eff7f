using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KestrelUpper.Benchmarks;

/// <summary>
/// An input and a destination placed half a page apart (mod 4096). Allocated one after the other, the 16 KiB input and
/// its destination would start 16 KiB + a header apart, so the loads of each window alias the stores of the one
/// before in the low 12 address bits, and the CPU holds the loads back as if they depended on the stores ("4K
/// aliasing"): an artefact of allocation order that no server's buffers share, and that varied results by 30%.
/// </summary>
internal sealed class AlignedBuffers
{
    private const int Page = 4096;
    private const int HalfPage = Page / 2;

    private readonly byte[] _input;
    private readonly byte[] _destination;
    private readonly int _inputOffset;
    private readonly int _destinationOffset;

    public AlignedBuffers(byte[] input, int destinationLength)
    {
        _input = GC.AllocateArray<byte>(input.Length + Page, pinned: true);
        _destination = GC.AllocateArray<byte>(destinationLength + (2 * Page), pinned: true);
        _inputOffset = OffsetToPage(_input);
        _destinationOffset = OffsetToPage(_destination) + HalfPage;
        input.CopyTo(_input.AsSpan(_inputOffset));
        InputLength = input.Length;
        DestinationLength = destinationLength;
    }

    public int InputLength { get; }

    public int DestinationLength { get; }

    public Span<byte> Input => _input.AsSpan(_inputOffset, InputLength);

    public Span<byte> Destination => _destination.AsSpan(_destinationOffset, DestinationLength);

    private static unsafe int OffsetToPage(byte[] pinned)
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((Page - (address % Page)) % Page);
    }
}
