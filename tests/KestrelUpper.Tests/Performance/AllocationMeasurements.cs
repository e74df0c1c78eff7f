namespace KestrelUpper.Tests.Performance;

/// <summary>Tests that measure process-wide allocation run alone, so other tests' allocations don't count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurements
{
    public const string Name = "Allocation measurements";
}
