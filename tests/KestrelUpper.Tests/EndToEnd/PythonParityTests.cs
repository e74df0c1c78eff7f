using System.Net.Sockets;
using System.Text;
using KestrelUpper.Testing;

namespace KestrelUpper.Tests.EndToEnd;

/// <summary>The running service against python3's own <c>str.upper()</c>, over a real TCP connection and UDP.</summary>
public sealed class PythonParityTests
{
    private const int Seed = 1121;

    [Fact]
    public async Task Thousands_of_random_unicode_strings_come_back_exactly_as_python_uppercases_them()
    {
        string python = await ExternalTools.RequireAsync("python3", "python3");
        string[] strings = RandomStrings(new Random(Seed), 3000);
        byte[] input = Encoding.UTF8.GetBytes(string.Join('\n', strings) + "\n");

        byte[] expected = await PythonUpper(python, input);

        await using UpperHost host = await UpperHost.StartAsync();
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        Task<byte[]> reply = client.ReceiveToEndAsync();
        var random = new Random(Seed);
        for (int offset = 0; offset < input.Length;)
        {
            int piece = Math.Min(random.Next(1, 4096), input.Length - offset);
            await client.SendAllAsync(input.AsMemory(offset, piece));
            offset += piece;
        }

        client.Shutdown(SocketShutdown.Send);
        byte[] actual = await reply;
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"seed {Seed}: the service's reply differs from python3's str.upper() ({actual.Length} vs {expected.Length} bytes)");

        // The same strings as datagrams, one each (a sample: UDP is rate-limited per source by default).
        string[] expectedLines = Encoding.UTF8.GetString(expected).Split('\n');
        for (int i = 0; i < 200; i++)
        {
            byte[]? datagram = await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, Encoding.UTF8.GetBytes(strings[i]), TestTimeouts.Default);
            Assert.Equal(expectedLines[i], Encoding.UTF8.GetString(datagram!));
        }
    }

    /// <summary>Strings of random scalar values from the whole code space (any code point, surrogates excluded), biased to cased scripts.</summary>
    private static string[] RandomStrings(Random random, int count)
    {
        var result = new string[count];
        var builder = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            builder.Clear();
            int length = random.Next(1, 40);
            for (int j = 0; j < length; j++)
            {
                int cp = random.Next(4) switch
                {
                    0 => random.Next(0x20, 0x7F),
                    1 => random.Next(0xA0, 0x590),          // Latin, IPA, Greek, Cyrillic, Armenian
                    2 => random.Next(0x1E00, 0x2000),        // Latin Extended Additional, Greek Extended
                    _ => random.Next(0x20, 0x110000),        // anything
                };
                if (cp is >= 0xD800 and <= 0xDFFF or '\n')
                {
                    cp = 'x';
                }

                builder.Append(char.ConvertFromUtf32(cp));
            }

            result[i] = builder.ToString();
        }

        return result;
    }

    private static async Task<byte[]> PythonUpper(string python, byte[] input)
    {
        ProcessResult result = await ProcessRunner.RunAsync(python, ["-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').upper().encode('utf-8'))"], input);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }
}
