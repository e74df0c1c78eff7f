using KestrelUpper.Fuzz.Hosting;
using KestrelUpper.Fuzz.Proxy;
using KestrelUpper.Fuzz.Text;
using KestrelUpper.Fuzz.Udp;

namespace KestrelUpper.Fuzz;

/// <summary>One input through one target's checks; throws when a check fails (or the code under test throws).</summary>
internal delegate void FuzzCheck(ReadOnlySpan<byte> input);

/// <summary>The targets by the names scripts/fuzz.sh, the corpus folders and the regression tests use.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyDictionary<string, FuzzCheck> All { get; } = new Dictionary<string, FuzzCheck>(StringComparer.Ordinal)
    {
        ["uppercaser"] = UppercaserTarget.Check,
        ["proxy"] = ProxyTarget.Check,
        ["udp"] = UdpTarget.Check,
        ["config"] = ConfigTarget.Check,
    };
}
