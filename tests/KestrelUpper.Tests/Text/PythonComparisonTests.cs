using System.Diagnostics;
using System.Globalization;
using System.Text;
using KestrelUpper.Text;
using Xunit.Abstractions;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// Compares with the real thing: CPython's <c>str.upper()</c>. Python 3.11's unicodedata is Unicode 14.0.0 while the table
/// is built from the installed data files (15.0.0 on Debian 12). Code points assigned after Python's version (per
/// DerivedAge.txt) are excluded; between 14.0 and 15.0 that is 4,489 code points, none of which has a case mapping,
/// and a full scan found no code point where Python 14 and the 15.0 table differ.
/// </summary>
public sealed class PythonComparisonTests(ITestOutputHelper output)
{
    private const int Seed = 4242;
    private const int StringCount = 4000;
    private const int MaxStringLength = 24;

    private const string Script =
        "import sys, unicodedata\n" +
        "s = sys.stdin.buffer.read().decode('utf-8')\n" +
        "sys.stdout.buffer.write(unicodedata.unidata_version.encode() + b'\\n' + s.upper().encode('utf-8'))\n";

    [Fact]
    public async Task Random_strings_match_python_str_upper()
    {
        await KestrelUpper.Testing.ExternalTools.RequireAsync("python3", "python3");
        Assert.True(TryRunPython("", out string versionOnly), "python3 did not run");

        string pythonVersion = versionOnly.TrimEnd('\n');
        HashSet<int> newer = CodePointsNewerThan(pythonVersion);
        output.WriteLine($"python unidata {pythonVersion}, table {UnicodeUpperTable.UnicodeVersion}, excluded {newer.Count} newer code points");

        var random = new Random(Seed);
        int[] changed = [.. UnicodeReference.Changed.Keys.Where(cp => !newer.Contains(cp))];
        var strings = new string[StringCount];
        for (int i = 0; i < StringCount; i++)
        {
            var s = new StringBuilder();
            int length = random.Next(1, MaxStringLength);
            while (s.Length < length)
            {
                int cp = random.Next(2) == 0 ? changed[random.Next(changed.Length)] : random.Next(UnicodeReference.MaxCodePoint + 1);
                if (!UnicodeReference.IsSurrogate(cp) && cp != '\n' && !newer.Contains(cp))
                {
                    s.Append(char.ConvertFromUtf32(cp));
                }
            }

            strings[i] = s.ToString();
        }

        Assert.True(TryRunPython(string.Join('\n', strings), out string pythonOutput), "python3 failed");
        string[] expected = pythonOutput.Substring(pythonOutput.IndexOf('\n', StringComparison.Ordinal) + 1).Split('\n');
        Assert.Equal(StringCount, expected.Length);

        var upper = new Uppercaser(CasingMode.Unicode);
        for (int i = 0; i < StringCount; i++)
        {
            (byte[] ours, _) = StreamingHelper.OneShot(upper, Encoding.UTF8.GetBytes(strings[i]));
            string actual = Encoding.UTF8.GetString(ours);
            Assert.True(expected[i] == actual, $"seed {Seed}, string {i}: input {Escape(strings[i])}, python {Escape(expected[i])}, ours {Escape(actual)}");
        }
    }

    private static HashSet<int> CodePointsNewerThan(string version)
    {
        var pythonVersion = Version.Parse(version);
        var result = new HashSet<int>();
        foreach (string raw in UnicodeReference.ReadFile("DerivedAge.txt").Split('\n'))
        {
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split(';');
            if (Version.Parse(f[1].Trim()) <= pythonVersion)
            {
                continue;
            }

            string[] range = f[0].Trim().Split("..");
            int first = int.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            int last = range.Length > 1 ? int.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : first;
            for (int cp = first; cp <= last; cp++)
            {
                result.Add(cp);
            }
        }

        return result;
    }

    private static bool TryRunPython(string input, out string stdout)
    {
        stdout = "";
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }

        using (process)
        {
            // Write on another task so a large output cannot deadlock against a full stdin pipe.
            Task writer = Task.Run(() =>
            {
                process.StandardInput.BaseStream.Write(Encoding.UTF8.GetBytes(input));
                process.StandardInput.Close();
            });
            using var memory = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(memory);
            writer.Wait();
            process.WaitForExit();
            stdout = Encoding.UTF8.GetString(memory.ToArray());
            return process.ExitCode == 0;
        }
    }

    private static string Escape(string s) => string.Join(' ', s.EnumerateRunes().Select(r => $"U+{r.Value:X4}"));
}
