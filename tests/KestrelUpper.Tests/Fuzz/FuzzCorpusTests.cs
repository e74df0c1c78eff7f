using KestrelUpper.Fuzz;

namespace KestrelUpper.Tests.Fuzz;

/// <summary>
/// Every committed fuzz corpus input (fuzz/corpus/TARGET, copied next to the tests) through the same checks afl-fuzz
/// runs, in-process and uninstrumented: cheap, and a change that breaks a property on a known input fails here
/// before anyone fuzzes again.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_committed_corpus_input_passes_the_target_checks(string target)
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus", target);
        string[] files = Directory.GetFiles(directory);
        Assert.NotEmpty(files);

        FuzzCheck check = FuzzTargets.All[target];
        var failures = new List<string>();
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            byte[] input = File.ReadAllBytes(file);
            try
            {
                check(input);
            }
            catch (Exception ex)
            {
                failures.Add($"{Path.GetFileName(file)} ({Convert.ToHexString(input)}): {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.Empty(failures);
    }
}
