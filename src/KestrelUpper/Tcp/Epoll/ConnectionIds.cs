namespace KestrelUpper.Tcp.Epoll;

/// <summary>Connection ids in the shape Kestrel gives its own (13 base-32 characters), unique within the process.</summary>
internal static class ConnectionIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

    public static string Next(ref long last) => Format(Interlocked.Increment(ref last));

    public static string Format(long id) => string.Create(13, id, static (chars, value) =>
    {
        for (int i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    });
}
