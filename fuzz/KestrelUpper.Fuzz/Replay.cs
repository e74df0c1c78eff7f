using System.Runtime.InteropServices;

namespace KestrelUpper.Fuzz;

/// <summary>Runs saved inputs (crashes, hangs, corpus files) through a target outside afl, showing any exception whole.</summary>
internal static class Replay
{
    /// <summary>afl-fuzz's coverage map size: every edge index the instrumentation computes is below it.</summary>
    private const int CoverageMapSize = 1 << 16;

    public static int Files(FuzzCheck check, ReadOnlySpan<string> paths)
    {
        GiveInstrumentationAMap();
        int failed = 0;
        foreach (string path in paths)
        {
            byte[] input = File.ReadAllBytes(path);
            try
            {
                check(input);
                Console.WriteLine($"ok      {path} ({input.Length} bytes)");
            }
#pragma warning disable CA1031 // Any exception is the finding to show.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed++;
                Console.WriteLine($"FAILED  {path} ({input.Length} bytes): {Convert.ToHexString(input)}");
                Console.WriteLine(ex);
            }
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Instrumented code (scripts/fuzz.sh runs sharpfuzz on KestrelUpper.dll) counts edges into afl-fuzz's shared
    /// memory; outside afl there is none, so give it a private map, or the first instrumented branch faults.
    /// </summary>
    private static unsafe void GiveInstrumentationAMap()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(CoverageMapSize);
        }
    }
}
