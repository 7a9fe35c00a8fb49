namespace Potiron.Fast.Aggregation;

/// <summary>
/// What one capture file adds to the store in standard format: the sorted-set increments, grouped by key,
/// plus the set members (<c>{sensor}_DAYS</c>, <c>PROTOCOLS</c>) and the <c>FILES</c> entry.
/// </summary>
/// <remarks>
/// Made by <see cref="CountTables.ToFileCounts(string, string, string)"/>, it is a view over the worker's tables, not a
/// copy: its groups write their members from the counters on demand, and stay valid until those tables count, merge
/// or clear again (a group used later throws). Sinks write it before the worker takes its next file.
/// </remarks>
public sealed class FileCounts
{
    public required string Sensor { get; init; }
    /// <summary>The capture's basename, as stored in <c>FILES</c>.</summary>
    public required string FileName { get; init; }
    /// <summary>The day potiron derives from the file name (always added to <c>{sensor}_DAYS</c>).</summary>
    public required string FileNameDay { get; init; }
    /// <summary>Every day (YYYYMMDD) that received a packet, in first-seen order.</summary>
    public required IReadOnlyList<string> Days { get; init; }
    /// <summary>Protocol names for <c>PROTOCOLS</c> (combined keys only), in first-seen order.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];
    /// <summary>The increments, one group per sorted-set key.</summary>
    public required IReadOnlyList<CountGroup> Groups { get; init; }

    public long MemberCount => Groups.Sum(g => g.MemberCount);

    /// <summary>The sum of every increment (packets times counted fields).</summary>
    public long Total => Groups.Sum(g => g.Total);
}

/// <summary>One member of a sorted set and the amount to add to its score.</summary>
public readonly record struct MemberCount(string Member, long Count);
