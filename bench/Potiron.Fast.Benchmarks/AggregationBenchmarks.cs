using BenchmarkDotNet.Attributes;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// The count tables alone: two million decoded packets (all twelve fields, three days in time order) counted into
/// fresh tables, per packet (OperationsPerInvoke). Baseline: 1,024 distinct tcpseq values, so every table stays in
/// cache; against it two million distinct tcpseq values (a darknet's SYN scans), and distinct tcpseq and tcpack both
/// (backscatter). The last one turns two million counted values into potiron's member strings (the flush's first half).
/// </summary>
[MemoryDiagnoser]
public class AggregationBenchmarks
{
    public const int Packets = 2_000_000;
    private const int FewDistinct = 1_024;
    private const int Days = 3;

    private readonly CountTables _tables = new(FieldSelection.All);
    private readonly CountTables _filled = new(FieldSelection.All);
    private PacketFields[] _templates = [];
    private uint[] _fewSequences = [];
    private uint[] _manySequences = [];
    private uint[] _manyAcknowledgements = [];
    private int _firstDay;
    private long _expectedSequenceMembers;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        _templates = new PacketFields[256];
        for (var i = 0; i < _templates.Length; i++)
        {
            var fields = new PacketFields();
            fields.Reset();
            fields.HasIpv4 = true;
            fields.Ipv4Source = 0x0B000000u | (uint)random.Next(1 << 16);
            fields.Ipv4Destination = 0x64400000u | (uint)random.Next(1 << 17);
            fields.Ipv4Protocol = 6;
            fields.Ipv4TotalLength = (ushort)(40 + random.Next(4) * 4);
            fields.Ipv4Ttl = (byte)random.Next(32, 256);
            fields.Ipv4Tos = (byte)(random.Next(8) == 0 ? 0x28 : 0);
            fields.TcpSourcePort = random.Next(1024, 65536);
            fields.TcpDestinationPort = random.Next(4) == 0 ? random.Next(1, 65536) : 23;
            fields.TcpAcknowledgement = 0;
            _templates[i] = fields;
        }

        _fewSequences = new uint[Packets];
        _manySequences = new uint[Packets];
        _manyAcknowledgements = new uint[Packets];
        for (var i = 0; i < Packets; i++)
        {
            _fewSequences[i] = (uint)(i % FewDistinct) * 2_654_435_761u;
            // Distinct values in a random-looking order: an odd multiplier is a bijection on 32 bits.
            _manySequences[i] = (uint)i * 2_654_435_761u + 12_345u;
            _manyAcknowledgements[i] = (uint)i * 2_246_822_519u + 1u;
        }
        _firstDay = DayCalendar.DayOf(new DateOnly(2024, 3, 14));
        CountAll(_filled, _manySequences, null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // The last run's tables: their tcpseq members must be exactly the distinct values per day that went in.
        var counts = _tables.ToFileCounts("bench-sensor1-0", "bench-sensor1-0-20240314060000.cap", "20240314");
        var members = counts.Groups.Where(g => g.Field == PotironField.TcpSequence).Sum(g => (long)g.Members.Count);
        if (_expectedSequenceMembers != 0)
            BenchmarkCheckException.ThrowIfDifferent(_expectedSequenceMembers, members, "tcpseq members after counting");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets, Description = "1,024 distinct tcpseq")]
    public long FewDistinctSequences()
    {
        _expectedSequenceMembers = Days * FewDistinct;
        return CountAll(_tables, _fewSequences, null);
    }

    [Benchmark(OperationsPerInvoke = Packets, Description = "2 M distinct tcpseq")]
    public long ManyDistinctSequences()
    {
        _expectedSequenceMembers = Packets;
        return CountAll(_tables, _manySequences, null);
    }

    [Benchmark(OperationsPerInvoke = Packets, Description = "2 M distinct tcpseq and tcpack")]
    public long ManyDistinctSequencesAndAcknowledgements()
    {
        _expectedSequenceMembers = Packets;
        return CountAll(_tables, _manySequences, _manyAcknowledgements);
    }

    [Benchmark(OperationsPerInvoke = Packets, Description = "member strings of 2 M tcpseq (ToFileCounts)")]
    public long MemberStrings()
    {
        var counts = _filled.ToFileCounts("bench-sensor1-0", "bench-sensor1-0-20240314060000.cap", "20240314");
        var members = counts.Groups.Where(g => g.Field == PotironField.TcpSequence).Sum(g => (long)g.Members.Count);
        BenchmarkCheckException.ThrowIfDifferent((long)Packets, members, "tcpseq members");
        return members;
    }

    [Benchmark(OperationsPerInvoke = Packets, Description = "member text of 2 M tcpseq streamed (WriteMembers, no strings)")]
    public long StreamedMemberText()
    {
        var counts = _filled.ToFileCounts("bench-sensor1-0", "bench-sensor1-0-20240314060000.cap", "20240314");
        var writer = new ByteTally();
        foreach (var group in counts.Groups.Where(g => g.Field == PotironField.TcpSequence))
            group.WriteMembers(writer);
        BenchmarkCheckException.ThrowIfDifferent((long)Packets, writer.Members, "tcpseq members");
        return writer.Bytes;
    }

    /// <summary>
    /// A split file's merge: a fresh worker's tables take another's 2 M distinct tcpseq. Walking a table in slot order
    /// and inserting into a smaller one with the same hash was quadratic (tens of seconds for 10 M values) before the
    /// merge reserved room first.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Packets, Description = "merge of a worker's tables with 2 M distinct tcpseq into fresh ones")]
    public long MergeIntoFreshTables()
    {
        var merged = new CountTables(FieldSelection.All);
        merged.MergeFrom(_filled);
        BenchmarkCheckException.ThrowIfDifferent((long)Packets, merged.PacketCount, "packets merged");
        return merged.PacketCount;
    }

    private sealed class ByteTally : IMemberWriter
    {
        public long Members;
        public long Bytes;

        public void Write(ReadOnlySpan<byte> member, long count)
        {
            Members++;
            Bytes += member.Length;
        }
    }

    private long CountAll(CountTables tables, uint[] sequences, uint[]? acknowledgements)
    {
        tables.Clear();
        var templates = _templates;
        var perDay = Packets / Days + 1;
        for (var i = 0; i < sequences.Length; i++)
        {
            var fields = templates[i & 255];
            fields.TcpSequence = sequences[i];
            if (acknowledgements is not null)
                fields.TcpAcknowledgement = acknowledgements[i];
            tables.Count(_firstDay + i / perDay, fields);
        }
        BenchmarkCheckException.ThrowIfDifferent((long)Packets, tables.PacketCount, "packets counted");
        return tables.PacketCount;
    }
}
