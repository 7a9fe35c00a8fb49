namespace Potiron.Fast.Aggregation;

/// <summary>
/// What one capture file adds to the store in standard format: the sorted-set increments, grouped by key,
/// plus the set members (<c>{sensor}_DAYS</c>, <c>PROTOCOLS</c>) and the <c>FILES</c> entry.
/// Member strings are the exact text forms potiron stores.
/// </summary>
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

    public long MemberCount => Groups.Sum(g => (long)g.Members.Count);
}

/// <summary>
/// Increments for one sorted set: <c>{sensor}:{day}:{field}</c>, or <c>{sensor}:{protocol}:{day}:{field}</c>
/// when <see cref="ProtocolName"/> is set (combined keys).
/// </summary>
public sealed record CountGroup(string Day, string? ProtocolName, PotironField Field, IReadOnlyList<MemberCount> Members);

/// <summary>One member of a sorted set and the amount to add to its score.</summary>
public readonly record struct MemberCount(string Member, long Count);
