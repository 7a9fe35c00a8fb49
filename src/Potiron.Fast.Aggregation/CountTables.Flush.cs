using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

// Turning counts into potiron's member strings: the only place where counting meets text.
public sealed partial class CountTables
{
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

        var groups = new List<CountGroup>(_buckets.Count * _selection.Counted.Count);
        foreach (var bucket in _buckets)
        {
            var protocolName = CombinedKeys ? ProtocolNames.Get(bucket.ProtocolNumber) : null;
            foreach (var field in _selection.Counted)
            {
                var members = new List<MemberCount>();
                CollectMembers(bucket, field, members);
                if (_spilled is not null && _spilled.TryGetValue((bucket.Day, bucket.ProtocolNumber, field), out var totals))
                    members = WithSpilled(totals, members);
                if (members.Count > 0)
                    groups.Add(new CountGroup(dayText[bucket.Day], protocolName, field, members));
            }
        }

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

    private static List<MemberCount> WithSpilled(Dictionary<string, long> spilled, List<MemberCount> live)
    {
        var totals = new Dictionary<string, long>(spilled, StringComparer.Ordinal);
        foreach (var member in live)
            totals[member.Member] = totals.GetValueOrDefault(member.Member) + member.Count;
        var merged = new List<MemberCount>(totals.Count);
        foreach (var (member, count) in totals)
            merged.Add(new MemberCount(member, count));
        return merged;
    }

    /// <summary>Appends the non-zero counts of one field of one bucket, as member text and count.</summary>
    private void CollectMembers(DayBucket bucket, PotironField field, List<MemberCount> into)
    {
        switch (field)
        {
            case PotironField.Length:
                AddDecimals(bucket.Length, DayBucket.LengthAbsent, into);
                break;
            case PotironField.Protocol:
                AddDecimals(bucket.Protocol, DayBucket.ByteAbsent, into);
                break;
            case PotironField.IpSource:
                AddIpv4(bucket.Ipv4Source, into);
                if (_layout.Ipv6)
                    AddIpv6(bucket.Ipv6Source, into);
                break;
            case PotironField.IpDestination:
                AddIpv4(bucket.Ipv4Destination, into);
                if (_layout.Ipv6)
                    AddIpv6(bucket.Ipv6Destination, into);
                break;
            case PotironField.IpTtl:
                AddDecimals(bucket.Ttl, DayBucket.ByteAbsent, into);
                break;
            case PotironField.IpTos:
                AddTos(bucket.Tos, into);
                break;
            case PotironField.SourcePort:
                AddDecimals(bucket.SourcePort, DayBucket.PortAbsent, into);
                break;
            case PotironField.DestinationPort:
                AddDecimals(bucket.DestinationPort, DayBucket.PortAbsent, into);
                break;
            case PotironField.TcpSequence:
                AddUnsigned(bucket.Sequence, bucket.SequenceAbsent, into);
                break;
            case PotironField.TcpAcknowledgement:
                AddUnsigned(bucket.Acknowledgement, bucket.AcknowledgementAbsent, into);
                break;
            case PotironField.IcmpCode:
                AddDecimals(bucket.IcmpCode, -1, into);
                break;
            case PotironField.IcmpType:
                AddDecimals(bucket.IcmpType, -1, into);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field));
        }
    }

    private static void AddDecimals(PagedCounter counter, int absentSlot, List<MemberCount> into)
    {
        for (var p = 0; p < counter.PageCount; p++)
        {
            if (counter.Page(p) is not { } page)
                continue;
            var first = p << PagedCounter.PageShift;
            for (var i = 0; i < page.Length; i++)
            {
                if (page[i] != 0)
                    into.Add(new MemberCount(Decimal(first + i, absentSlot), page[i]));
            }
        }
    }

    private static void AddDecimals(DenseCounter counter, int absentSlot, List<MemberCount> into)
    {
        var counts = counter.Counts;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
                into.Add(new MemberCount(Decimal(i, absentSlot), counts[i]));
        }
    }

    private static string Decimal(int slot, int absentSlot) => slot == absentSlot ? MemberText.Absent : MemberText.Decimal(slot);

    private static void AddTos(DenseCounter counter, List<MemberCount> into)
    {
        var counts = counter.Counts;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
                into.Add(new MemberCount(i == DayBucket.ByteAbsent ? MemberText.AbsentTos : MemberText.Tos(i), counts[i]));
        }
    }

    private static void AddIpv4(in SparseCounter<uint, UInt32Hasher> counter, List<MemberCount> into)
    {
        if (counter.DefaultKeyCount != 0)
            into.Add(new MemberCount(MemberText.Ipv4(0), counter.DefaultKeyCount));
        var keys = counter.Keys;
        var counts = counter.Counts;
        for (var i = 0; i < keys.Length; i++)
        {
            if (counts[i] != 0)
                into.Add(new MemberCount(MemberText.Ipv4(keys[i]), counts[i]));
        }
    }

    private static void AddIpv6(in SparseCounter<Ipv6Address, Ipv6Hasher> counter, List<MemberCount> into)
    {
        if (counter.DefaultKeyCount != 0)
            into.Add(new MemberCount(MemberText.Ipv6(default), counter.DefaultKeyCount));
        var keys = counter.Keys;
        var counts = counter.Counts;
        for (var i = 0; i < keys.Length; i++)
        {
            if (counts[i] != 0)
                into.Add(new MemberCount(MemberText.Ipv6(keys[i]), counts[i]));
        }
    }

    private static void AddUnsigned(in SparseCounter<uint, UInt32Hasher> counter, uint absent, List<MemberCount> into)
    {
        if (absent != 0)
            into.Add(new MemberCount(MemberText.Absent, absent));
        if (counter.DefaultKeyCount != 0)
            into.Add(new MemberCount(MemberText.Decimal(0u), counter.DefaultKeyCount));
        var keys = counter.Keys;
        var counts = counter.Counts;
        for (var i = 0; i < keys.Length; i++)
        {
            if (counts[i] != 0)
                into.Add(new MemberCount(MemberText.Decimal(keys[i]), counts[i]));
        }
    }
}
