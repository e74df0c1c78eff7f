using System.Diagnostics;
using System.Text;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// The fast paths' generated tables against the data files (through <see cref="UnicodeReference"/>, which parses them
/// itself), code point by code point, and the generated file against the generator.
/// </summary>
public sealed class FastPathTableTests
{
    [Fact]
    public void Two_byte_table_gives_every_two_byte_uppercase_or_refuses()
    {
        Span<byte> expected = stackalloc byte[16];
        int direct = 0;
        for (int cp = 0x80; cp < 0x800; cp++)
        {
            int[] upper = UnicodeReference.Upper(cp);
            int length = 0;
            foreach (int mapped in upper)
            {
                length += new Rune(mapped).EncodeToUtf8(expected.Slice(length));
            }

            ushort pair = UnicodeUpperTable.TwoByteUpper((uint)cp);
            byte[] bytes = BitConverter.GetBytes(pair);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(bytes);
            }

            if (upper.Length == 1 && length == 2)
            {
                Assert.True(expected.Slice(0, 2).SequenceEqual(bytes), $"U+{cp:X4}");
                direct += upper[0] != cp ? 1 : 0;
            }
            else
            {
                Assert.True(pair == 0, $"U+{cp:X4} maps to {length} bytes but the table has an entry");
            }
        }

        Assert.Equal(UnicodeUpperTable.TwoByteDirectCount, direct);
    }

    [Fact]
    public void Three_byte_bits_are_set_exactly_for_the_code_points_that_change()
    {
        for (int cp = 0x800; cp <= 0xFFFF; cp++)
        {
            if (!UnicodeReference.IsSurrogate(cp))
            {
                Assert.True(UnicodeUpperTable.ThreeByteMayChange((uint)cp) == UnicodeReference.Changed.ContainsKey(cp), $"U+{cp:X4}");
            }
        }
    }

    [Fact]
    public void Classifier_marks_every_sequence_that_changes_and_nothing_but_leads()
    {
        // The vector classifier's four nibble tables, evaluated one byte pair at a time: AND of the four lookups.
        static bool Marked(int lead, int second) =>
            (UnicodeUpperTable.CaseClassLeadHigh[lead >> 4] & UnicodeUpperTable.CaseClassLeadLow[lead & 15]
             & UnicodeUpperTable.CaseClassSecondHigh[second >> 4] & UnicodeUpperTable.CaseClassSecondLow[second & 15]) != 0;

        Span<byte> encoded = stackalloc byte[4];
        foreach (int cp in UnicodeReference.Changed.Keys.Where(cp => cp >= 0x80))
        {
            int length = new Rune(cp).EncodeToUtf8(encoded);
            Assert.True(Marked(encoded[0], encoded[1]), $"U+{cp:X4} ({length} bytes) changes but is not marked");
        }

        for (int previous = 0; previous < 0xC0; previous++)
        {
            for (int current = 0; current < 0x100; current++)
            {
                Assert.False(Marked(previous, current), $"{previous:X2} {current:X2}: only a lead may raise a mark");
            }
        }
    }

    [Fact]
    public void Two_byte_delta_classes_equal_the_two_byte_table_outside_the_exceptions()
    {
        // The vector 2-byte path: group -> class -> (lead, second) deltas by parity; exceptions go to the table.
        int exceptions = 0;
        for (int cp = 0x80; cp < 0x800; cp++)
        {
            int lead = 0xC0 | (cp >> 6);
            int second = 0x80 | (cp & 0x3F);
            bool exception = (UnicodeUpperTable.TwoByteExceptionBits[cp >> 3] & (1 << (cp & 7))) != 0;
            exceptions += exception ? 1 : 0;
            if (exception)
            {
                continue;
            }

            int deltaClass = UnicodeUpperTable.TwoByteGroupClass[((cp >> 6) << 2) | ((cp >> 4) & 3)];
            bool odd = (cp & 1) != 0;
            int newLead = (lead + (odd ? UnicodeUpperTable.TwoByteClassLeadOdd : UnicodeUpperTable.TwoByteClassLeadEven)[deltaClass]) & 0xFF;
            int newSecond = (second + (odd ? UnicodeUpperTable.TwoByteClassSecondOdd : UnicodeUpperTable.TwoByteClassSecondEven)[deltaClass]) & 0xFF;
            ushort pair = UnicodeUpperTable.TwoByteUpper((uint)cp);
            byte[] expected = BitConverter.GetBytes(pair);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(expected);
            }

            Assert.True(pair != 0 && expected[0] == newLead && expected[1] == newSecond, $"U+{cp:X4}: class {deltaClass} gives {newLead:X2} {newSecond:X2}");
        }

        Assert.Equal(UnicodeUpperTable.TwoByteExceptionCount, exceptions);
    }

    [Fact]
    public async Task Generated_file_is_what_the_generator_makes_from_the_installed_data()
    {
        await KestrelUpper.Testing.ExternalTools.RequireAsync("python3", "python3");
        string root = RepositoryRoot();
        string output = Path.Combine(Path.GetTempPath(), $"UnicodeUpperTable-{Guid.NewGuid():N}.g.cs");
        try
        {
            var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(root, "scripts", "generate-unicode-table.py"));
            info.ArgumentList.Add("--ucd");
            info.ArgumentList.Add(UnicodeReference.Directory);
            info.ArgumentList.Add("--out");
            info.ArgumentList.Add(output);
            using Process process = Process.Start(info)!;
            string errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, errors);
            Assert.True(
                File.ReadAllText(output) == File.ReadAllText(Path.Combine(root, "src", "KestrelUpper", "Text", "UnicodeUpperTable.g.cs")),
                "src/KestrelUpper/Text/UnicodeUpperTable.g.cs is not what scripts/generate-unicode-table.py makes: rerun it");
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "generate-unicode-table.py")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
