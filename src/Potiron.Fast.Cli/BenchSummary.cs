namespace Potiron.Fast.Cli;

/// <summary>
/// Median, minimum and maximum of one figure over the runs. The median, not the mean, is what the gate compares: one
/// run slowed by a neighbour's build on a shared runner moves the mean but not the median.
/// </summary>
internal sealed record BenchSummary(double Median, double Min, double Max)
{
    public static BenchSummary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("No values.", nameof(values));
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new BenchSummary(median, sorted[0], sorted[^1]);
    }
}
