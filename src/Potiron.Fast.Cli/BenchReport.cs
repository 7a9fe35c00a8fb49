using System.Globalization;
using Potiron.Fast.Aggregation;

namespace Potiron.Fast.Cli;

/// <summary>The text summary of <c>potiron bench</c> for a person; programs read the JSON result instead.</summary>
internal static class BenchReport
{
    public static void WriteText(TextWriter output, BenchResult result, string outputPath)
    {
        var c = CultureInfo.InvariantCulture;
        var options = result.Options;
        var fields = options.Fields.SequenceEqual(FieldSelection.All.TsharkFields, StringComparer.Ordinal)
            ? "all fields"
            : "-ff " + string.Join(' ', options.Fields);
        output.WriteLine("--- potiron bench ---");
        output.WriteLine(string.Create(c, $"version        {result.Version}"));
        output.WriteLine(string.Create(c, $"machine        {result.Machine.ProcessorCount} cores, {result.Machine.ProcessorModel ?? "unknown processor"}, {result.Machine.OperatingSystem}"));
        output.WriteLine(string.Create(c, $"files          {result.Files.Count} ({result.Files.Sum(f => f.Bytes):N0} bytes)"));
        output.WriteLine(string.Create(c, $"options        -j {options.Workers}, {fields}{(options.CombinedKeys ? ", -ck" : "")}{(options.Ipv6 ? ", --ipv6" : "")}, --tz {options.TimeZone}"));
        output.WriteLine(string.Create(c, $"packets        {result.Counts.Packets:N0} per run ({result.Counts.Groups:N0} keys, {result.Counts.Members:N0} members, {result.Counts.Increments:N0} increments)"));
        output.WriteLine(string.Create(c, $"runs           {result.Runs.Count} measured after {result.WarmupRuns} warm-up"));
        for (var i = 0; i < result.Runs.Count; i++)
        {
            var run = result.Runs[i];
            output.WriteLine(string.Create(c,
                $"  run {i + 1,-3}       {run.ElapsedSeconds:F3} s  {run.PacketsPerSecond,12:N0} packets/s  {run.MegabytesPerSecond,8:F1} MB/s  cpu {run.CpuSeconds:F3} s"));
        }
        output.WriteLine(string.Create(c, $"packets/s      median {result.PacketsPerSecond.Median:N0} (min {result.PacketsPerSecond.Min:N0}, max {result.PacketsPerSecond.Max:N0})"));
        output.WriteLine(string.Create(c, $"MB/s           median {result.MegabytesPerSecond.Median:F1} (min {result.MegabytesPerSecond.Min:F1}, max {result.MegabytesPerSecond.Max:F1}); MB = 10^6 bytes of capture file read, compressed size for compressed files"));
        output.WriteLine(string.Create(c, $"cpu            median {result.CpuSeconds.Median:F3} s per run (user + system, all threads)"));
        output.WriteLine($"result         {outputPath}");
        if (result.Comparison is { } comparison)
            output.WriteLine($"baseline       {Verdict(comparison)}");
    }

    /// <summary>The gate's one line, printed whether it passed or not.</summary>
    public static string Verdict(BenchComparison comparison)
    {
        var verdict = comparison.Passed ? "passed" : "SLOWER than allowed";
        var otherWork = comparison.SameWork ? "" : " (other work: --baseline-any)";
        return string.Create(CultureInfo.InvariantCulture,
            $"{comparison.Ratio:F3}x the baseline's median packets/s ({(comparison.Ratio - 1) * 100:+0.0;-0.0;0.0}%, baseline {comparison.BaselinePacketsPerSecond:N0} in {comparison.Baseline}; allowed -{comparison.MaxRegressionPercent:0.##}%): {verdict}{otherWork}");
    }
}
