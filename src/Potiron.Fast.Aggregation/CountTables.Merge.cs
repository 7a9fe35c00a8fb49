namespace Potiron.Fast.Aggregation;

// Merging workers' tables.
public sealed partial class CountTables
{
    /// <summary>
    /// Adds every count of <paramref name="other"/> (another worker's tables with the same fields, key style and
    /// IPv6 option) to these. Days and protocols new to these tables follow in <paramref name="other"/>'s order.
    /// <paramref name="other"/> is left unchanged.
    /// </summary>
    public void MergeFrom(CountTables other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
            throw new ArgumentException("Count tables cannot merge into themselves.", nameof(other));
        if (other._layout != _layout)
            throw new ArgumentException("Only count tables with the same fields, key style and IPv6 option can merge.", nameof(other));
        FlushPending();
        other.FlushPending();
        _generation++;

        if (_packetsInCounters + other._packetsInCounters > _spillThreshold)
            Spill();
        foreach (var day in other._dayOrder)
            NoteDay(day);
        foreach (var theirs in other._buckets)
            GetOrCreateBucket(theirs.Day, theirs.ProtocolNumber).AddFrom(theirs);
        _packets += other._packets;
        _packetsInCounters += other._packetsInCounters;

        if (other._runs is { Count: > 0 })
        {
            try
            {
                SpillRuns.CopyFrom(other._runs);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SpillFailedException($"cannot copy spilled counts within {SpillDirectory ?? Path.GetTempPath()}: {e.Message}", e);
            }
        }
        CheckLimits();
    }
}
