namespace KestrelUpper.Client.Bench;

/// <summary>
/// The messages a bench sends and the replies they must get, byte for byte. By default lowercase ASCII whose replies
/// are known without any casing table: message k uses the alphabet rotated by k, so a duplicated, dropped or
/// reordered reply cannot pass verification, and a message of two bytes or more ends in "\n" (the server keeps it),
/// so line-oriented servers can be measured too. With `--payload`, a text and its expected reply, in a few rotations
/// (see <see cref="BenchTextPayload"/>). Every request has the same length, and so does every reply.
/// </summary>
internal sealed class BenchPayload
{
    public const string SimpleCaseMapping = ".NET invariant upper-casing";

    private const int Rotations = 26;

    private readonly byte[][] _requests;
    private readonly byte[][] _replies;

    private BenchPayload(string description, string verification, byte[][] requests, byte[][] replies)
    {
        Description = description;
        Verification = verification;
        _requests = requests;
        _replies = replies;
        Size = requests[0].Length;
        ReplySize = replies[0].Length;
    }

    /// <summary>What is sent, for the report: "lowercase ASCII", the built-in text's name, or the file.</summary>
    public string Description { get; }

    /// <summary>Where the expected replies come from, for the report.</summary>
    public string Verification { get; }

    /// <summary>True when the expected replies are .NET's invariant upper-casing (which does not expand ß and the like).</summary>
    public bool CheckedBySimpleCaseMapping => Verification == SimpleCaseMapping;

    /// <summary>Bytes per request.</summary>
    public int Size { get; }

    /// <summary>Bytes per reply (more than <see cref="Size"/> when the text's uppercase is longer, as ß→SS).</summary>
    public int ReplySize { get; }

    public static BenchPayload Ascii(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var requests = new byte[Rotations][];
        var replies = new byte[Rotations][];
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

            requests[rotation] = request;
            replies[rotation] = reply;
        }

        return new BenchPayload("lowercase ASCII", "a-z to A-Z", requests, replies);
    }

    /// <summary>Messages of a text: <paramref name="requests"/>[k] must get <paramref name="replies"/>[k]; all requests one length, all replies one length.</summary>
    public static BenchPayload Text(string description, string verification, byte[][] requests, byte[][] replies)
    {
        ArgumentOutOfRangeException.ThrowIfZero(requests.Length);
        ArgumentOutOfRangeException.ThrowIfNotEqual(replies.Length, requests.Length);
        if (requests.Any(r => r.Length != requests[0].Length || r.Length == 0) || replies.Any(r => r.Length != replies[0].Length))
        {
            throw new ArgumentException("every request must have one length, and every reply one length", nameof(requests));
        }

        return new BenchPayload(description, verification, requests, replies);
    }

    public ReadOnlyMemory<byte> Request(long message) => _requests[message % _requests.Length];

    public ReadOnlySpan<byte> Reply(long message) => _replies[message % _replies.Length];
}
