namespace KestrelUpper.Client.Bench;

/// <summary>
/// Requests of lowercase ASCII whose replies are known byte for byte without any casing table. Message k uses
/// the alphabet rotated by k, so a duplicated, dropped or reordered reply cannot pass verification. A message
/// of two bytes or more ends in "\n" (the server keeps it), so line-oriented servers can be measured too.
/// </summary>
internal sealed class BenchPayload
{
    private const int Rotations = 26;

    private readonly byte[][] _requests = new byte[Rotations][];
    private readonly byte[][] _replies = new byte[Rotations][];

    public BenchPayload(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        for (int rotation = 0; rotation < Rotations; rotation++)
        {
            byte[] request = new byte[size];
            byte[] reply = new byte[size];
            for (int i = 0; i < size; i++)
            {
                int letter = (rotation + i) % 26;
                request[i] = (byte)('a' + letter);
                reply[i] = (byte)('A' + letter);
            }

            if (size >= 2)
            {
                request[^1] = (byte)'\n';
                reply[^1] = (byte)'\n';
            }

            _requests[rotation] = request;
            _replies[rotation] = reply;
        }
    }

    public int Size { get; }

    public ReadOnlyMemory<byte> Request(long message) => _requests[message % Rotations];

    public ReadOnlySpan<byte> Reply(long message) => _replies[message % Rotations];
}
