using System.Runtime.InteropServices;

namespace Potiron.Fast.Aggregation;

// Merging workers' tables, and moving 32-bit counts to 64-bit totals before they could wrap.
public sealed partial class CountTables
{
    // Totals moved out of the 32-bit counters, per (day, protocol number, field) and member.
    private Dictionary<(int Day, int Protocol, PotironField Field), Dictionary<string, long>>? _spilled;
    private long _spilledMembers;

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
            EnterDay(day);
        foreach (var theirs in other._buckets)
            GetOrCreateBucket(theirs.Day, theirs.ProtocolNumber).AddFrom(theirs);
        _packets += other._packets;
        _packetsInCounters += other._packetsInCounters;

        if (other._spilled is null)
            return;
        foreach (var (key, theirTotals) in other._spilled)
        {
            foreach (var (member, count) in theirTotals)
                AddSpilled(key, member, count);
        }
    }

    /// <summary>Moves every 32-bit count into the 64-bit totals and zeroes the counters (buckets stay).</summary>
    private void Spill()
    {
        foreach (var bucket in _buckets)
        {
            foreach (var field in _selection.Counted)
            {
                var members = new MemberCollector(0);
                var text = new MemberTextWriter(members);
                WriteMembers(bucket, field, ref text);
                foreach (var member in members.Members)
                    AddSpilled((bucket.Day, bucket.ProtocolNumber, field), member.Member, member.Count);
            }
            bucket.ClearCounts(int.MaxValue);
        }
        _packetsInCounters = 0;
        _generation++;
    }

    private void AddSpilled((int Day, int Protocol, PotironField Field) key, string member, long count)
    {
        _spilled ??= [];
        if (!_spilled.TryGetValue(key, out var totals))
        {
            totals = new Dictionary<string, long>(StringComparer.Ordinal);
            _spilled.Add(key, totals);
        }
        ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(totals, member, out var existed);
        if (!existed)
            _spilledMembers++;
        total += count;
    }
}
