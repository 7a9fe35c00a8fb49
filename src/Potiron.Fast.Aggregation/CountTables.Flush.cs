using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

// Turning counts into potiron's member text: the only place where counting meets text.
public sealed partial class CountTables
{
    // Bumped whenever counts move other than by counting packets (clear, merge, 64-bit spill): a group made before
    // then must not write. Together with the packet count it tells a group whether its tables are as it saw them.
    private long _generation;

    /// <summary>The counts of one file, with the names derived from its path.</summary>
    public FileCounts ToFileCounts(CaptureFileName file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return ToFileCounts(file.Sensor, file.FileName, file.FileNameDay);
    }

    /// <summary>
    /// The counts as potiron's sorted-set increments: one group per bucket and counted field (in bucket creation
    /// order, fields in <c>JSON_FIELDS</c> order), groups without members left out; <c>Days</c> every day that got a
    /// packet and <c>Protocols</c> (combined keys only) every protocol name, both in first-seen order.
    /// </summary>
    /// <remarks>
    /// No member text is made here: the groups write it from the counters when a sink asks (see <see cref="FileCounts"/>
    /// for how long they stay valid). Counting members and totals is one pass over the counters. When the tables spilled,
    /// the live counts are spilled too and the runs merged on disk; the groups then write from the merged run, in
    /// (day, protocol, field) order.
    /// </remarks>
    public FileCounts ToFileCounts(string sensor, string fileName, string fileNameDay)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(fileNameDay);
        FlushPending();

        var dayText = new Dictionary<int, string>(_dayOrder.Count);
        var days = new string[_dayOrder.Count];
        for (var i = 0; i < days.Length; i++)
            dayText[_dayOrder[i]] = days[i] = DayCalendar.FormatDay(_dayOrder[i]);

        var protocols = CombinedKeys ? new string[_protocolOrder.Count] : [];
        for (var i = 0; i < protocols.Length; i++)
            protocols[i] = ProtocolNames.Get(_protocolOrder[i]);

        var groups = _runs is null ? LiveGroups(dayText) : SpilledGroups(dayText);

        return new FileCounts
        {
            Sensor = sensor,
            FileName = fileName,
            FileNameDay = fileNameDay,
            Days = days,
            Protocols = protocols,
            Groups = groups,
        };
    }

    private List<CountGroup> LiveGroups(Dictionary<int, string> dayText)
    {
        var generation = CurrentGeneration;
        var groups = new List<CountGroup>(_buckets.Count * _selection.Counted.Count);
        foreach (var bucket in _buckets)
        {
            var protocolName = CombinedKeys ? ProtocolNames.Get(bucket.ProtocolNumber) : null;
            foreach (var field in _selection.Counted)
            {
                var tally = Tally(bucket, field);
                if (tally.Members > 0)
                {
                    groups.Add(new CountGroup(dayText[bucket.Day], protocolName, field, tally.Members, tally.Total,
                        writer => WriteMembers(bucket, field, generation, writer)));
                }
            }
        }
        return groups;
    }

    /// <summary>
    /// A group's member count and total, as <see cref="WriteMembers"/> would visit them. The large fields need no walk
    /// over their millions of slots (3 % of a darknet file, after the read): a table knows how many keys it holds, and
    /// every packet counted into a bucket adds one to each of its fields, so their total is the bucket's packets.
    /// </summary>
    private MemberTally Tally(DayBucket bucket, PotironField field)
    {
        switch (field)
        {
            case PotironField.IpSource:
                return new MemberTally { Members = bucket.Ipv4Source.Count + (_layout.Ipv6 ? bucket.Ipv6Source.Count : 0), Total = bucket.Packets };
            case PotironField.IpDestination:
                return new MemberTally { Members = bucket.Ipv4Destination.Count + (_layout.Ipv6 ? bucket.Ipv6Destination.Count : 0), Total = bucket.Packets };
            case PotironField.TcpSequence:
                return new MemberTally { Members = bucket.Sequence.Count + (bucket.SequenceAbsent != 0 ? 1 : 0), Total = bucket.Packets };
            case PotironField.TcpAcknowledgement:
                return new MemberTally { Members = bucket.Acknowledgement.Count + (bucket.AcknowledgementAbsent != 0 ? 1 : 0), Total = bucket.Packets };
            default:
                var tally = new MemberTally();
                WriteMembers(bucket, field, ref tally);
                return tally;
        }
    }

    private long CurrentGeneration => _generation * 0x1_0000_0000_0000 ^ _packets;

    /// <summary>Writes one group's members, if the tables are still as the group saw them.</summary>
    internal void WriteMembers(DayBucket bucket, PotironField field, long generation, IMemberWriter writer)
    {
        FlushPending();
        if (generation != CurrentGeneration)
            throw new InvalidOperationException("These counts were cleared, merged or added to after the group was made; take the file's counts again.");
        var text = new MemberTextWriter(writer);
        WriteMembers(bucket, field, ref text);
    }

    /// <summary>Visits the non-zero counts of one field of one bucket, as potiron's member values.</summary>
    private void WriteMembers<TVisitor>(DayBucket bucket, PotironField field, ref TVisitor visitor)
        where TVisitor : struct, IMemberVisitor
    {
        switch (field)
        {
            case PotironField.Length:
                VisitDecimals(bucket.Length, DayBucket.LengthAbsent, ref visitor);
                break;
            case PotironField.Protocol:
                VisitDecimals(bucket.Protocol, DayBucket.ByteAbsent, ref visitor);
                break;
            case PotironField.IpSource:
                VisitIpv4(bucket.Ipv4Source, ref visitor);
                if (_layout.Ipv6)
                    VisitIpv6(bucket.Ipv6Source, ref visitor);
                break;
            case PotironField.IpDestination:
                VisitIpv4(bucket.Ipv4Destination, ref visitor);
                if (_layout.Ipv6)
                    VisitIpv6(bucket.Ipv6Destination, ref visitor);
                break;
            case PotironField.IpTtl:
                VisitDecimals(bucket.Ttl, DayBucket.ByteAbsent, ref visitor);
                break;
            case PotironField.IpTos:
                VisitTos(bucket.Tos, ref visitor);
                break;
            case PotironField.SourcePort:
                VisitDecimals(bucket.SourcePort, DayBucket.PortAbsent, ref visitor);
                break;
            case PotironField.DestinationPort:
                VisitDecimals(bucket.DestinationPort, DayBucket.PortAbsent, ref visitor);
                break;
            case PotironField.TcpSequence:
                VisitUnsigned(bucket.Sequence, bucket.SequenceAbsent, ref visitor);
                break;
            case PotironField.TcpAcknowledgement:
                VisitUnsigned(bucket.Acknowledgement, bucket.AcknowledgementAbsent, ref visitor);
                break;
            case PotironField.IcmpCode:
                VisitDecimals(bucket.IcmpCode, -1, ref visitor);
                break;
            case PotironField.IcmpType:
                VisitDecimals(bucket.IcmpType, -1, ref visitor);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field));
        }
    }

    private static void VisitDecimals<TVisitor>(PagedCounter counter, int absentSlot, ref TVisitor visitor)
        where TVisitor : struct, IMemberVisitor
    {
        for (var p = 0; p < counter.PageCount; p++)
        {
            if (counter.Page(p) is not { } page)
                continue;
            var first = p << PagedCounter.PageShift;
            for (var i = 0; i < page.Length; i++)
            {
                if (page[i] != 0)
                    visitor.Decimal(first + i == absentSlot ? -1 : first + i, page[i]);
            }
        }
    }

    private static void VisitDecimals<TVisitor>(DenseCounter counter, int absentSlot, ref TVisitor visitor)
        where TVisitor : struct, IMemberVisitor
    {
        var counts = counter.Counts;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
                visitor.Decimal(i == absentSlot ? -1 : i, counts[i]);
        }
    }

    private static void VisitTos<TVisitor>(DenseCounter counter, ref TVisitor visitor)
        where TVisitor : struct, IMemberVisitor
    {
        var counts = counter.Counts;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
                visitor.Tos(i == DayBucket.ByteAbsent ? -1 : i, counts[i]);
        }
    }

    private static void VisitIpv4<TVisitor>(in SparseCounter<uint, UInt32Hasher> counter, ref TVisitor visitor)
        where TVisitor : struct, IMemberVisitor
    {
        if (counter.DefaultKeyCount != 0)
            visitor.Ipv4(0, counter.DefaultKeyCount);
        foreach (var slot in counter.Slots)
        {
            if (slot.Count != 0)
                visitor.Ipv4(slot.Key, slot.Count);
        }
    }

    private static void VisitIpv6<TVisitor>(in SparseCounter<Ipv6Address, Ipv6Hasher> counter, ref TVisitor visitor)
        where TVisitor : struct, IMemberVisitor
    {
        if (counter.DefaultKeyCount != 0)
            visitor.Ipv6(default, counter.DefaultKeyCount);
        foreach (var slot in counter.Slots)
        {
            if (slot.Count != 0)
                visitor.Ipv6(slot.Key, slot.Count);
        }
    }

    private static void VisitUnsigned<TVisitor>(in SparseCounter<uint, UInt32Hasher> counter, uint absent, ref TVisitor visitor)
        where TVisitor : struct, IMemberVisitor
    {
        if (absent != 0)
            visitor.Decimal(-1, absent);
        if (counter.DefaultKeyCount != 0)
            visitor.Decimal(0, counter.DefaultKeyCount);
        foreach (var slot in counter.Slots)
        {
            if (slot.Count != 0)
                visitor.Decimal(slot.Key, slot.Count);
        }
    }
}
