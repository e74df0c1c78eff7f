using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace KestrelUpper.Tests.Proxy;

/// <summary>Builds PROXY headers byte by byte, as a proxy would send them, and splits buffers into segments.</summary>
internal static class ProxyHeaders
{
    public static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>A v2 header: signature, version/command, family/protocol, length (declared, or the real one), payload.</summary>
    public static byte[] V2(byte versionCommand, byte familyProtocol, byte[] payload, int? declaredLength = null)
    {
        var header = new byte[16 + payload.Length];
        V2Signature.CopyTo(header, 0);
        header[12] = versionCommand;
        header[13] = familyProtocol;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(declaredLength ?? payload.Length));
        payload.CopyTo(header, 16);
        return header;
    }

    public static byte[] V2Proxy(IPEndPoint source, IPEndPoint destination, params byte[][] tlvs)
    {
        bool v4 = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        byte[] ports = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(ports, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(ports.AsSpan(2), (ushort)destination.Port);
        byte[] payload = Concat([source.Address.GetAddressBytes(), destination.Address.GetAddressBytes(), ports, .. tlvs]);
        return V2(0x21, v4 ? (byte)0x11 : (byte)0x21, payload);
    }

    public static byte[] Tlv(byte type, byte[] value)
    {
        var tlv = new byte[3 + value.Length];
        tlv[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(tlv.AsSpan(1), (ushort)value.Length);
        value.CopyTo(tlv, 3);
        return tlv;
    }

    /// <summary>The same bytes as a sequence cut at <paramref name="cuts"/> (ascending offsets), so each part is its own segment.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, params int[] cuts)
    {
        int[] bounds = [0, .. cuts.Where(c => c > 0 && c < data.Length).Distinct().Order(), data.Length];
        if (bounds.Length == 2)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment first = new(data.AsMemory(bounds[0], bounds[1] - bounds[0]), 0);
        Segment last = first;
        for (int i = 1; i < bounds.Length - 1; i++)
        {
            last = last.Append(data.AsMemory(bounds[i], bounds[i + 1] - bounds[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every byte in its own segment.</summary>
    public static ReadOnlySequence<byte> ByteByByte(byte[] data) => Segmented(data, [.. Enumerable.Range(1, Math.Max(0, data.Length - 1))]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
