using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Potiron.Fast.Cli;

/// <summary>
/// An earlier <c>potiron bench</c> result to gate against: loading it, telling whether it measured the same work, and
/// the verdict.
/// </summary>
internal static class BenchBaseline
{
    public static bool TryLoad(string path, [NotNullWhen(true)] out BenchResult? baseline, [NotNullWhen(false)] out string? error)
    {
        baseline = null;
        try
        {
            using var stream = File.OpenRead(path);
            baseline = JsonSerializer.Deserialize(stream, BenchJsonContext.Readable.BenchResult);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the baseline {path}: {e.Message}";
            return false;
        }
        catch (JsonException e)
        {
            error = $"the baseline {path} is not a potiron bench result: {e.Message}";
            return false;
        }
        if (baseline is null || baseline.Format != BenchResult.CurrentFormat)
        {
            error = $"the baseline {path} is not a {BenchResult.CurrentFormat} result (format '{baseline?.Format}').";
            baseline = null;
            return false;
        }
        if (baseline.Runs.Count == 0 || !(baseline.PacketsPerSecond.Median > 0))
        {
            error = $"the baseline {path} holds no measured rate.";
            baseline = null;
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>
    /// Why the baseline measured other work than this run will (other files, other options); empty when it did not.
    /// Checked before the runs, so that a mismatch costs no benchmark. The machine and the version may differ: comparing
    /// those is the point.
    /// </summary>
    public static IReadOnlyList<string> Differences(BenchResult baseline, IReadOnlyList<BenchFile> files, BenchSettings settings)
    {
        var differences = new List<string>();
        var before = baseline.Files.Select(Describe).Order(StringComparer.Ordinal).ToArray();
        var now = files.Select(Describe).Order(StringComparer.Ordinal).ToArray();
        if (!before.SequenceEqual(now, StringComparer.Ordinal))
        {
            var missing = before.Except(now, StringComparer.Ordinal).ToArray();
            var added = now.Except(before, StringComparer.Ordinal).ToArray();
            differences.Add($"inputs differ (baseline only: {List(missing)}; this run only: {List(added)})");
        }
        var (a, b) = (baseline.Options, settings);
        if (a.Workers != b.Workers)
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"--jobs differs ({a.Workers} in the baseline, {b.Workers} now)"));
        if (!a.Fields.SequenceEqual(b.Fields, StringComparer.Ordinal))
            differences.Add($"the fields differ ({string.Join(' ', a.Fields)} in the baseline, {string.Join(' ', b.Fields)} now)");
        if (a.CombinedKeys != b.CombinedKeys)
            differences.Add($"--combined-keys differs ({a.CombinedKeys} in the baseline, {b.CombinedKeys} now)");
        if (a.Ipv6 != b.Ipv6)
            differences.Add($"--ipv6 differs ({a.Ipv6} in the baseline, {b.Ipv6} now)");
        if (a.MemoryBudget != b.MemoryBudget)
            differences.Add($"--memory-budget differs ({a.MemoryBudget?.ToString(CultureInfo.InvariantCulture) ?? "none"} in the baseline, {b.MemoryBudget?.ToString(CultureInfo.InvariantCulture) ?? "none"} now)");
        if (a.TimeZone != b.TimeZone)
            differences.Add($"--tz differs ({a.TimeZone} in the baseline, {b.TimeZone} now)");
        return differences;
    }

    /// <summary>
    /// Why the same files and options counted otherwise (files of the same names and sizes with other content, or a build
    /// that counts differently), or null: the checksum that makes a rate comparison trustworthy.
    /// </summary>
    public static string? CountsDifference(BenchResult baseline, BenchCounts counts) =>
        baseline.Counts == counts ? null : $"the counts differ ({Describe(baseline.Counts)} in the baseline, {Describe(counts)} now)";

    /// <summary>Passes unless this median packets/s is below the baseline's by more than <paramref name="maxRegressionPercent"/>.</summary>
    public static BenchComparison Compare(string path, BenchResult baseline, BenchResult current, double maxRegressionPercent, bool sameWork)
    {
        var ratio = current.PacketsPerSecond.Median / baseline.PacketsPerSecond.Median;
        return new BenchComparison
        {
            Baseline = path,
            BaselinePacketsPerSecond = baseline.PacketsPerSecond.Median,
            Ratio = ratio,
            MaxRegressionPercent = maxRegressionPercent,
            Passed = ratio >= 1 - maxRegressionPercent / 100,
            SameWork = sameWork,
        };
    }

    private static string Describe(BenchFile file) => string.Create(CultureInfo.InvariantCulture, $"{file.Name} ({file.Bytes} bytes)");

    private static string Describe(BenchCounts counts) => string.Create(CultureInfo.InvariantCulture,
        $"{counts.Packets} packets, {counts.Bytes} bytes, {counts.Files} files, {counts.Groups} keys, {counts.Members} members, {counts.Increments} increments");

    private static string List(string[] items) => items.Length == 0 ? "none" : string.Join(", ", items);
}
