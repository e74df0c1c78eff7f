using System.Diagnostics;
using System.Globalization;

namespace KestrelUpper.Benchmarks.Anchors;

/// <summary>
/// Python 3 <c>str.upper()</c> on the same input bytes, timed by Python's own timeit: decode (surrogateescape, so
/// invalid bytes survive as they do in the service), upper, encode. The best of several repeats of an
/// autoranged loop count, so Python is measured at its fastest.
/// </summary>
internal static class PythonUpper
{
    private const string Script =
        "import sys, timeit\n" +
        "data = open(sys.argv[1], 'rb').read()\n" +
        "f = lambda: data.decode('utf-8', 'surrogateescape').upper().encode('utf-8', 'surrogateescape')\n" +
        "t = timeit.Timer(f)\n" +
        "n, _ = t.autorange()\n" +
        "print(min(t.repeat(repeat=7, number=n)) / n)\n";

    /// <summary>Seconds per call on <paramref name="input"/>, or null when python3 is missing or failed.</summary>
    public static double? SecondsPerCall(byte[] input)
    {
        string path = Path.Combine(Path.GetTempPath(), $"kestrelupper-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, input);
        try
        {
            var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(Script);
            info.ArgumentList.Add(path);
            using Process? process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && double.TryParse(output.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) ? seconds : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The interpreter's version line, for the table's header.</summary>
    public static string Version()
    {
        try
        {
            var info = new ProcessStartInfo("python3", "--version") { RedirectStandardOutput = true, UseShellExecute = false };
            using Process? process = Process.Start(info);
            string text = process?.StandardOutput.ReadToEnd().Trim() ?? "";
            process?.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "python3 not found";
        }
    }
}
