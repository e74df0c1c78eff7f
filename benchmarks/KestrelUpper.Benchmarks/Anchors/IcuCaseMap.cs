using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace KestrelUpper.Benchmarks.Anchors;

/// <summary>
/// ICU's <c>ucasemap_utf8ToUpper</c> (libicuuc, C) through function pointers, for the benchmarks only: the anchor a
/// C programmer would pick. ICU appends its major version to every symbol (<c>ucasemap_utf8ToUpper_72</c>), so the
/// version is read from the library the <c>libicuuc.so</c> link (libicu-dev) points at, then tried downwards.
/// Root locale, default options: full case mapping, as Python's <c>str.upper()</c>.
/// </summary>
internal sealed unsafe partial class IcuCaseMap : IDisposable
{
    private const string Library = "libicuuc.so";
    private const int MinimumVersion = 50;
    private const int MaximumVersion = 99;

    private readonly nint _library;
    private readonly delegate* unmanaged<nint, void> _close;
    private readonly delegate* unmanaged<nint, byte*, int, byte*, int, int*, int> _toUpper;
    private nint _caseMap;

    public IcuCaseMap()
    {
        _library = NativeLibrary.Load(Library);
        Version = FindVersion(_library);
        var open = (delegate* unmanaged<byte*, uint, int*, nint>)NativeLibrary.GetExport(_library, $"ucasemap_open_{Version}");
        _close = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(_library, $"ucasemap_close_{Version}");
        _toUpper = (delegate* unmanaged<nint, byte*, int, byte*, int, int*, int>)NativeLibrary.GetExport(_library, $"ucasemap_utf8ToUpper_{Version}");
        int error = 0;
        byte root = 0;
        _caseMap = open(&root, 0, &error);
        if (error > 0 || _caseMap == 0)
        {
            throw new InvalidOperationException($"ucasemap_open failed: ICU error {error}");
        }
    }

    /// <summary>The ICU major version the symbols carry.</summary>
    public int Version { get; }

    /// <summary>Upper-cases <paramref name="source"/> into <paramref name="destination"/>; returns the length, or -1 with the ICU error code in <paramref name="error"/>.</summary>
    public int ToUpper(ReadOnlySpan<byte> source, Span<byte> destination, out int error)
    {
        int status = 0;
        int length;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            length = _toUpper(_caseMap, dst, destination.Length, src, source.Length, &status);
        }

        error = status;
        return status > 0 ? -1 : length;
    }

    public void Dispose()
    {
        if (_caseMap != 0)
        {
            _close(_caseMap);
            _caseMap = 0;
            NativeLibrary.Free(_library);
        }
    }

    private static int FindVersion(nint library)
    {
        // libicuuc.so -> libicuuc.so.72 -> libicuuc.so.72.1: the major version is the first number after ".so.".
        int fromName = 0;
        foreach (string directory in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" })
        {
            string path = Path.Combine(directory, Library);
            if (File.Exists(path) && File.ResolveLinkTarget(path, returnFinalTarget: true)?.Name is { } target
                && SoVersion().Match(target) is { Success: true } match)
            {
                fromName = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            }
        }

        if (fromName > 0 && NativeLibrary.TryGetExport(library, $"ucasemap_utf8ToUpper_{fromName}", out _))
        {
            return fromName;
        }

        for (int version = MaximumVersion; version >= MinimumVersion; version--)
        {
            if (NativeLibrary.TryGetExport(library, $"ucasemap_utf8ToUpper_{version}", out _))
            {
                return version;
            }
        }

        throw new InvalidOperationException($"{Library} exports no ucasemap_utf8ToUpper_NN: is libicu-dev installed?");
    }

    [GeneratedRegex(@"\.so\.(\d+)")]
    private static partial Regex SoVersion();
}
