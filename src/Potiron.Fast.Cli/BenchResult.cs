using System.Runtime.InteropServices;

namespace Potiron.Fast.Cli;

/// <summary>
/// What <c>potiron bench</c> writes (<c>--output</c>, <c>--json</c>) and reads back as a baseline (<c>--baseline</c>):
/// enough about the machine, the inputs and the options to tell whether two results may be compared.
/// </summary>
internal sealed record BenchResult
{
    /// <summary>Changes when the meaning of a field changes, so that an older file is refused instead of misread.</summary>
    public const string CurrentFormat = "potiron-bench/1";

    public required string Format { get; init; }
    /// <summary>The text <c>potiron --version</c> prints.</summary>
    public required string Version { get; init; }
    /// <summary>When the benchmark ended, in UTC.</summary>
    public required DateTime Date { get; init; }
    public required BenchMachine Machine { get; init; }
    /// <summary>The capture files in reading order; a folder argument contributes the files found below it.</summary>
    public required IReadOnlyList<BenchFile> Files { get; init; }
    public required BenchSettings Options { get; init; }
    public required int WarmupRuns { get; init; }
    public required IReadOnlyList<BenchRun> Runs { get; init; }
    public required BenchSummary PacketsPerSecond { get; init; }
    /// <summary>MB = 10^6 bytes of capture file as read from disk (a compressed file counts its compressed size).</summary>
    public required BenchSummary MegabytesPerSecond { get; init; }
    public required BenchSummary ElapsedSeconds { get; init; }
    /// <summary>User plus system CPU time of the whole process during each run.</summary>
    public required BenchSummary CpuSeconds { get; init; }
    /// <summary>What every run counted (the same each time): its checksum, in that inputs or options that differ show here.</summary>
    public required BenchCounts Counts { get; init; }
    /// <summary>The gate's verdict, when a baseline was given.</summary>
    public BenchComparison? Comparison { get; init; }
}

internal sealed record BenchMachine
{
    public required int ProcessorCount { get; init; }
    /// <summary>The first "model name" of /proc/cpuinfo, or null where there is none.</summary>
    public string? ProcessorModel { get; init; }
    public required string OperatingSystem { get; init; }
    public required string Runtime { get; init; }

    public static BenchMachine Current() => new()
    {
        ProcessorCount = Environment.ProcessorCount,
        ProcessorModel = ReadProcessorModel(),
        OperatingSystem = RuntimeInformation.OSDescription,
        Runtime = RuntimeInformation.FrameworkDescription,
    };

    /// <summary>Linux only; elsewhere (and in a container that hides the file) the model is simply not recorded.</summary>
    private static string? ReadProcessorModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                    return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}

/// <summary>An input by base name and size: a checkout elsewhere gives other paths but the same files.</summary>
internal sealed record BenchFile(string Name, long Bytes);

/// <summary>The options that change the work, as resolved (defaults filled in).</summary>
internal sealed record BenchSettings
{
    public required int Workers { get; init; }
    /// <summary>The tshark fields extracted, <c>frame.time_epoch</c> and <c>ip.proto</c> included.</summary>
    public required IReadOnlyList<string> Fields { get; init; }
    public required bool CombinedKeys { get; init; }
    public required bool Ipv6 { get; init; }
    public required string TimeZone { get; init; }
    /// <summary>Bytes of <c>--memory-budget</c>; null without one.</summary>
    public long? MemoryBudget { get; init; }
}

internal sealed record BenchRun
{
    public required double ElapsedSeconds { get; init; }
    public required double CpuSeconds { get; init; }
    public required double PacketsPerSecond { get; init; }
    public required double MegabytesPerSecond { get; init; }
}

internal sealed record BenchCounts
{
    public required long Packets { get; init; }
    public required long Bytes { get; init; }
    /// <summary>The null sink's tallies: files committed, sorted-set keys, members, sum of the increments.</summary>
    public required long Files { get; init; }
    public required long Groups { get; init; }
    public required long Members { get; init; }
    public required long Increments { get; init; }
}

internal sealed record BenchComparison
{
    public required string Baseline { get; init; }
    public required double BaselinePacketsPerSecond { get; init; }
    /// <summary>This median over the baseline's median packets/s: below 1 is slower.</summary>
    public required double Ratio { get; init; }
    public required double MaxRegressionPercent { get; init; }
    public required bool Passed { get; init; }
    /// <summary>False when the inputs, options or counts differ and <c>--baseline-any</c> allowed the comparison anyway.</summary>
    public required bool SameWork { get; init; }
}
