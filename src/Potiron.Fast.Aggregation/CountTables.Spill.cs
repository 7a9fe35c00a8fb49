using Potiron.Fast.Aggregation.Spill;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

// Bounded memory: when the tables outgrow their budget (or a 32-bit count could wrap), every count goes to a sorted run
// on disk and the tables start again empty; the file's counts are the merge of its runs.
public sealed partial class CountTables
{
    /// <summary>Packets between two looks at the memory estimate when a budget is set.</summary>
    private const long PacketsBetweenLimitChecks = 4096;
    private const int BucketsBetweenLimitChecks = 64;

    private long _memoryBudget = long.MaxValue;
    private int _bucketsSinceLimitCheck;
    private SpillRuns? _runs;

    /// <summary>
    /// Bytes these tables may hold (<see cref="ApproximateBytes"/>) before they spill to disk; <see cref="long.MaxValue"/>
    /// (the default) never spills for memory. The estimate is looked at every few thousand packets and every few dozen
    /// new buckets, so the tables may pass the budget by that much before they spill.
    /// </summary>
    public long MemoryBudget
    {
        get => _memoryBudget;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _memoryBudget = value;
            _nextLimitCheck = Math.Min(_nextLimitCheck, _packetsInCounters + 1);
        }
    }

    /// <summary>Where spilled runs go (a folder of this process's own is made inside); null: the system's temporary folder.</summary>
    public string? SpillDirectory { get; set; }

    /// <summary>Runs spilled since the last <see cref="Clear"/> (copies taken from merged tables included).</summary>
    public int SpillCount => _runs?.Count ?? 0;

    private long FirstLimitCheck => _memoryBudget == long.MaxValue ? _spillThreshold : Math.Min(_spillThreshold, PacketsBetweenLimitChecks);

    private SpillRuns SpillRuns => _runs ??= new SpillRuns(SpillDirectory);

    /// <summary>Spills when a count could wrap or the tables are over budget; then schedules the next look.</summary>
    private void CheckLimits()
    {
        if (_packetsInCounters >= _spillThreshold || (_memoryBudget != long.MaxValue && ApproximateBytes > _memoryBudget))
            Spill();
        _nextLimitCheck = _memoryBudget == long.MaxValue
            ? _spillThreshold
            : Math.Min(_spillThreshold, _packetsInCounters + PacketsBetweenLimitChecks);
    }

    /// <summary>Writes every count to a new sorted run and empties the tables (days and protocols seen stay).</summary>
    private void Spill()
    {
        try
        {
            using var run = SpillRuns.NewRun();
            var fields = _selection.Counted.Order().ToArray();
            foreach (var bucket in _buckets.OrderBy(b => b.Day).ThenBy(b => b.ProtocolNumber))
            {
                foreach (var field in fields)
                    SpillGroup(bucket, field, run);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpillFailedException($"cannot spill counts to {SpillDirectory ?? Path.GetTempPath()} (over the memory budget): {e.Message}", e);
        }
        ReleaseBuckets();
        _packetsInCounters = 0;
        _generation++;
    }

    private void SpillGroup(DayBucket bucket, PotironField field, SpillRunWriter run)
    {
        var tally = new MemberTally();
        WriteMembers(bucket, field, ref tally);
        if (tally.Members == 0)
            return;
        run.BeginGroup(new SpillGroupKey(bucket.Day, bucket.ProtocolNumber, field), tally.Members);
        switch (field)
        {
            case PotironField.Length:
                SpillNumbers(bucket.Length, DayBucket.LengthAbsent, run);
                break;
            case PotironField.Protocol:
                SpillNumbers(bucket.Protocol, DayBucket.ByteAbsent, run);
                break;
            case PotironField.IpSource:
                SpillAddresses(ref bucket.Ipv4Source, ref bucket.Ipv6Source, run);
                break;
            case PotironField.IpDestination:
                SpillAddresses(ref bucket.Ipv4Destination, ref bucket.Ipv6Destination, run);
                break;
            case PotironField.IpTtl:
                SpillNumbers(bucket.Ttl, DayBucket.ByteAbsent, run);
                break;
            case PotironField.IpTos:
                SpillNumbers(bucket.Tos, DayBucket.ByteAbsent, run);
                break;
            case PotironField.SourcePort:
                SpillNumbers(bucket.SourcePort, DayBucket.PortAbsent, run);
                break;
            case PotironField.DestinationPort:
                SpillNumbers(bucket.DestinationPort, DayBucket.PortAbsent, run);
                break;
            case PotironField.TcpSequence:
                SpillUnsigned(ref bucket.Sequence, bucket.SequenceAbsent, run);
                break;
            case PotironField.TcpAcknowledgement:
                SpillUnsigned(ref bucket.Acknowledgement, bucket.AcknowledgementAbsent, run);
                break;
            case PotironField.IcmpCode:
                SpillNumbers(bucket.IcmpCode, -1, run);
                break;
            case PotironField.IcmpType:
                SpillNumbers(bucket.IcmpType, -1, run);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field));
        }
        if (run.MembersLeft != 0)
            throw new InvalidOperationException($"Spilling {field}: {run.MembersLeft} members announced but not written.");
    }

    // Runs hold members in value order: absent (-1) first, then ascending values.
    private static void SpillNumbers(DenseCounter counter, int absentSlot, SpillRunWriter run)
    {
        var counts = counter.Counts;
        if (absentSlot >= 0 && counts[absentSlot] != 0)
            run.Member(SpillMember.Number(-1, counts[absentSlot]));
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0 && i != absentSlot)
                run.Member(SpillMember.Number(i, counts[i]));
        }
    }

    private static void SpillNumbers(PagedCounter counter, int absentSlot, SpillRunWriter run)
    {
        if (counter[absentSlot] is var absent and not 0)
            run.Member(SpillMember.Number(-1, absent));
        for (var p = 0; p < counter.PageCount; p++)
        {
            if (counter.Page(p) is not { } page)
                continue;
            var first = p << PagedCounter.PageShift;
            for (var i = 0; i < page.Length; i++)
            {
                if (page[i] != 0 && first + i != absentSlot)
                    run.Member(SpillMember.Number(first + i, page[i]));
            }
        }
    }

    /// <summary>Sorts the table in place (it is emptied right after), so a spill needs no memory of its own.</summary>
    private static void SpillUnsigned(ref SparseCounter<uint, UInt32Hasher> counter, uint absent, SpillRunWriter run)
    {
        if (absent != 0)
            run.Member(SpillMember.Number(-1, absent));
        if (counter.DefaultKeyCount != 0)
            run.Member(SpillMember.Number(0, counter.DefaultKeyCount));
        var used = counter.SortForSpill(new UInt32Order());
        foreach (var slot in counter.Slots[..used])
            run.Member(SpillMember.Number(slot.Key, slot.Count));
    }

    private void SpillAddresses(ref SparseCounter<uint, UInt32Hasher> ipv4, ref SparseCounter<Ipv6Address, Ipv6Hasher> ipv6, SpillRunWriter run)
    {
        if (ipv4.DefaultKeyCount != 0)
            run.Member(SpillMember.Ipv4(0, ipv4.DefaultKeyCount));
        var used = ipv4.SortForSpill(new UInt32Order());
        foreach (var slot in ipv4.Slots[..used])
            run.Member(SpillMember.Ipv4(slot.Key, slot.Count));
        if (!_layout.Ipv6)
            return;
        if (ipv6.DefaultKeyCount != 0)
            run.Member(SpillMember.Ipv6(default, ipv6.DefaultKeyCount));
        used = ipv6.SortForSpill(new Ipv6Order());
        foreach (var slot in ipv6.Slots[..used])
            run.Member(SpillMember.Ipv6(slot.Key, slot.Count));
    }

    /// <summary>The file's counts when runs were spilled: the live tables become the last run, then all are merged.</summary>
    private List<CountGroup> SpilledGroups(Dictionary<int, string> dayText)
    {
        Spill();
        string path;
        List<MergedGroup> merged;
        try
        {
            (path, merged) = SpillRuns.MergeAll();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpillFailedException($"cannot merge the counts spilled to {SpillDirectory ?? Path.GetTempPath()}: {e.Message}", e);
        }
        var generation = CurrentGeneration;
        var groups = new List<CountGroup>(merged.Count);
        foreach (var group in merged)
        {
            var field = group.Key.Field;
            var protocolName = CombinedKeys ? ProtocolNames.Get(group.Key.Protocol) : null;
            groups.Add(new CountGroup(dayText[group.Key.Day], protocolName, field, group.Members, group.Total, writer =>
            {
                if (generation != CurrentGeneration)
                    throw new InvalidOperationException("These counts were cleared after the group was made; take the file's counts again.");
                using var reader = new SpillRunReader(path, group.Offset);
                reader.StartMembers(group.Members);
                Span<byte> text = stackalloc byte[MemberText.MaxUtf8Length];
                for (long i = 0; i < group.Members; i++)
                {
                    var member = reader.ReadMember();
                    writer.Write(text[..member.WriteText(field, text)], member.Count);
                }
            }));
        }
        return groups;
    }
}

/// <summary>The tables could not write or merge their spilled runs (disk full, folder not writable); the file fails.</summary>
public sealed class SpillFailedException(string message, Exception inner) : IOException(message, inner);
