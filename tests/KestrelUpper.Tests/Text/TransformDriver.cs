using System.Buffers;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// Feeds an input in pieces through a transform, the way the TCP loop does, recording every call: status, bytes
/// consumed and written, and the state after it. Two transforms that behave the same record the same calls and output.
/// </summary>
internal static class TransformDriver
{
    public delegate OperationStatus Transform(ReadOnlySpan<byte> source, Span<byte> destination, ref Utf8UpperState state, bool isFinalBlock, out int consumed, out int written);

    public static readonly Transform Service = new Uppercaser(CasingMode.Unicode).Transform;

    public static readonly Transform Legacy = LegacyUppercaser.Transform;

    public static (List<Call> Calls, byte[] Output, long Invalid) Run(Transform transform, byte[] input, IReadOnlyList<int> cuts, int destinationLength)
    {
        var calls = new List<Call>();
        var output = new ArrayBufferWriter<byte>();
        var state = default(Utf8UpperState);
        byte[] destination = new byte[destinationLength];
        int start = 0;
        foreach (int cut in cuts.Append(input.Length))
        {
            Feed(transform, input.AsSpan(start, cut - start), destination, ref state, isFinal: false, output, calls);
            start = cut;
        }

        Feed(transform, [], destination, ref state, isFinal: true, output, calls);
        return (calls, output.WrittenSpan.ToArray(), state.InvalidBytes);
    }

    /// <summary>Asserts that the service's transform behaves exactly as main's did, call by call, and returns its output.</summary>
    public static byte[] AssertSameAsLegacy(byte[] input, IReadOnlyList<int> cuts, int destinationLength, string context)
    {
        (List<Call> expected, byte[] expectedOutput, long expectedInvalid) = Run(Legacy, input, cuts, destinationLength);
        (List<Call> actual, byte[] actualOutput, long actualInvalid) = Run(Service, input, cuts, destinationLength);
        string Where() => $"{context}: input {Convert.ToHexString(input)} cut at [{string.Join(',', cuts)}], destination {destinationLength}";
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{Where()}: call {i} differs:\n  main    {expected[i]}\n  service {actual[i]}");
            }
        }

        if (expected.Count != actual.Count || expectedInvalid != actualInvalid || !expectedOutput.AsSpan().SequenceEqual(actualOutput))
        {
            Assert.Fail($"{Where()}: main made {expected.Count} calls, {expectedInvalid} invalid, output {Convert.ToHexString(expectedOutput)}; "
                + $"the service {actual.Count}, {actualInvalid}, {Convert.ToHexString(actualOutput)}");
        }

        return actualOutput;
    }

    private static void Feed(Transform transform, ReadOnlySpan<byte> piece, byte[] destination, ref Utf8UpperState state, bool isFinal, ArrayBufferWriter<byte> output, List<Call> calls)
    {
        while (true)
        {
            OperationStatus status = transform(piece, destination, ref state, isFinal, out int consumed, out int written);
            calls.Add(new Call(status, consumed, written, state.InvalidBytes, state.CarryLength));
            output.Write(destination.AsSpan(0, written));
            piece = piece.Slice(consumed);
            if (status == OperationStatus.Done || (consumed == 0 && written == 0))
            {
                return;
            }
        }
    }

    internal readonly record struct Call(OperationStatus Status, int Consumed, int Written, long Invalid, int Carry);
}
