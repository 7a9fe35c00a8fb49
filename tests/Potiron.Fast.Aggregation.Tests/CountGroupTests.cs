using System.Net;
using System.Text;
using CsCheck;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary>Groups write their members from the counters: the same text as the string forms, no string per member.</summary>
public sealed class CountGroupTests
{
    [Fact]
    public void Utf8_member_text_equals_the_string_forms() =>
        Gen.Select(Gen.UInt, Gen.Int[-1, 65575], Gen.Int[-1, 255], Gen.Byte.Array[16]).Sample((address, small, tos, ipv6) =>
        {
            Span<byte> text = stackalloc byte[MemberText.MaxUtf8Length];
            Assert.Equal(MemberText.Ipv4(address), Encoding.UTF8.GetString(text[..MemberText.WriteIpv4(address, text)]));
            Assert.Equal(MemberText.Decimal(address), Encoding.UTF8.GetString(text[..MemberText.WriteDecimal(address, text)]));
            Assert.Equal(MemberText.Decimal(small), Encoding.UTF8.GetString(text[..MemberText.WriteDecimal(small, text)]));
            Assert.Equal(MemberText.Tos(tos), Encoding.UTF8.GetString(text[..MemberText.WriteTos(tos, text)]));
            var v6 = Ipv6Address.Read(ipv6);
            Assert.Equal(MemberText.Ipv6(v6), Encoding.UTF8.GetString(text[..MemberText.WriteIpv6(v6, text)]));
            Assert.Equal(new IPAddress(ipv6).ToString(), MemberText.Ipv6(v6));
        }, iter: 2000);

    [Fact]
    public void Member_counts_and_totals_match_what_the_groups_write() =>
        RandomPackets.Batch.Sample(packets =>
        {
            var tables = new CountTables(FieldSelection.All, combinedKeys: true, ipv6: true);
            RandomPackets.CountInto(tables, new DayCalendar(), packets);
            var counts = tables.ToFileCounts("s", "f", "d");
            foreach (var group in counts.Groups)
            {
                var written = new Recorder();
                group.WriteMembers(written);
                Assert.Equal(group.MemberCount, written.Members.Count);
                Assert.Equal(group.Total, written.Members.Sum(m => m.Count));
                Assert.Equal(written.Members.Count, written.Members.Select(m => m.Member).Distinct().Count());   // once each
                Assert.Equal(written.Members, group.Members);
            }
            // Every counted packet adds one to each counted field of its bucket.
            Assert.Equal(tables.PacketCount * FieldSelection.All.Counted.Count, counts.Total);
        }, iter: 40);

    [Fact]
    public void A_group_refuses_to_write_after_its_tables_moved_on()
    {
        var tables = new CountTables(FieldSelection.All);
        tables.Count(5, Packet.Ipv4("1.1.1.1", "2.2.2.2", 17, 40));
        var counts = tables.ToFileCounts("s", "f", "d");
        var group = counts.Groups[0];
        _ = group.Members;

        tables.Count(5, Packet.Ipv4("1.1.1.1", "2.2.2.2", 17, 40));
        Assert.Throws<InvalidOperationException>(() => group.WriteMembers(new Recorder()));

        counts = tables.ToFileCounts("s", "f", "d");
        tables.Clear();
        Assert.Throws<InvalidOperationException>(() => counts.Groups[0].WriteMembers(new Recorder()));

        tables.Count(5, Packet.Ipv4("1.1.1.1", "2.2.2.2", 17, 40));
        counts = tables.ToFileCounts("s", "f", "d");
        tables.MergeFrom(new CountTables(FieldSelection.All));
        Assert.Throws<InvalidOperationException>(() => counts.Groups[0].WriteMembers(new Recorder()));
    }

    [Fact]
    public void Writing_members_allocates_nothing_per_member()
    {
        var tables = new CountTables(FieldSelection.All);
        var packet = Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40);
        for (uint i = 1; i <= 20_000; i++)
        {
            packet.Ipv4Source = i * 2654435761u;
            packet.Ipv4Destination = i;
            packet.Ipv4TotalLength = (ushort)(40 + i % 1400);
            tables.Count(5, packet);
        }
        var counts = tables.ToFileCounts("s", "f", "d");
        var sink = new ByteCounter();
        foreach (var group in counts.Groups)
            group.WriteMembers(sink);   // warm-up

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var group in counts.Groups)
            group.WriteMembers(sink);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(counts.MemberCount > 40_000, $"{counts.MemberCount} members");
        Assert.True(allocated < 1024, $"{allocated} bytes allocated writing {counts.MemberCount} members");
    }

    [Fact]
    public void A_list_group_writes_its_list()
    {
        var group = new CountGroup("20240101", null, PotironField.IpSource, [new("10.0.0.1", 3), new("é-not-ascii", 2), new(new string('x', 300), 1)]);
        var written = new Recorder();
        group.WriteMembers(written);
        Assert.Equal(group.Members, written.Members);
        Assert.Equal(3, group.MemberCount);
        Assert.Equal(6, group.Total);
    }

    private sealed class Recorder : IMemberWriter
    {
        public List<MemberCount> Members { get; } = [];

        public void Write(ReadOnlySpan<byte> member, long count) => Members.Add(new MemberCount(Encoding.UTF8.GetString(member), count));
    }

    private sealed class ByteCounter : IMemberWriter
    {
        public long Bytes;

        public void Write(ReadOnlySpan<byte> member, long count) => Bytes += member.Length + count;
    }
}
