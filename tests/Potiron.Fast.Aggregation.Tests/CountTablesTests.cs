using CsCheck;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

public sealed class CountTablesTests
{
    private static FileCounts Flush(CountTables tables) => tables.ToFileCounts("s", "f", "d");

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Merging_workers_equals_counting_everything_in_one(bool combinedKeys, bool ipv6) =>
        Gen.Select(RandomPackets.Batch, RandomPackets.Batch, RandomPackets.Batch).Sample((first, second, third) =>
        {
            var calendar = new DayCalendar();
            var single = new CountTables(FieldSelection.All, combinedKeys, ipv6);
            RandomPackets.CountInto(single, calendar, first.Concat(second).Concat(third));

            var merged = new CountTables(FieldSelection.All, combinedKeys, ipv6);
            RandomPackets.CountInto(merged, calendar, first);
            var worker2 = new CountTables(FieldSelection.All, combinedKeys, ipv6);
            RandomPackets.CountInto(worker2, calendar, second);
            var worker3 = new CountTables(FieldSelection.All, combinedKeys, ipv6);
            RandomPackets.CountInto(worker3, calendar, third);
            merged.MergeFrom(worker2);
            merged.MergeFrom(worker3);

            var expected = Flush(single);
            var actual = Flush(merged);
            Assert.Equal(Keys.Canonical(expected), Keys.Canonical(actual));
            Assert.Equal(expected.Days.Order(StringComparer.Ordinal), actual.Days.Order(StringComparer.Ordinal));
            Assert.Equal(expected.Protocols.Order(StringComparer.Ordinal), actual.Protocols.Order(StringComparer.Ordinal));
            Assert.Equal(single.PacketCount, merged.PacketCount);
        }, iter: 60);

    [Fact]
    public void Merge_keeps_first_seen_order_of_days_and_protocols()
    {
        var a = new CountTables(FieldSelection.All, combinedKeys: true);
        a.Count(5, Packet.Ipv4("1.1.1.1", "2.2.2.2", 17, 40));
        var b = new CountTables(FieldSelection.All, combinedKeys: true);
        b.Count(3, Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40));
        b.Count(5, Packet.Ipv4("1.1.1.1", "2.2.2.2", 1, 40));
        a.MergeFrom(b);
        var counts = Flush(a);
        Assert.Equal(["19700106", "19700104"], counts.Days);
        Assert.Equal(["udp", "tcp", "icmp"], counts.Protocols);
        Assert.Equal(2, b.PacketCount);   // the source is left as it was
    }

    [Fact]
    public void Merge_refuses_tables_of_another_layout()
    {
        Assert.True(FieldSelection.TryCreate(["ip.src"], out var selection, out _));
        var all = new CountTables(FieldSelection.All);
        Assert.Throws<ArgumentException>(() => all.MergeFrom(new CountTables(selection)));
        Assert.Throws<ArgumentException>(() => all.MergeFrom(new CountTables(FieldSelection.All, combinedKeys: true)));
        Assert.Throws<ArgumentException>(() => all.MergeFrom(new CountTables(FieldSelection.All, ipv6: true)));
        Assert.Throws<ArgumentException>(() => all.MergeFrom(all));
    }

    [Fact]
    public void Spilling_to_64_bit_totals_changes_nothing() =>
        // Each spill walks every bucket; thresholds of a few dozen packets keep the test fast and still spill often.
        Gen.Select(RandomPackets.Batch, RandomPackets.Batch, Gen.Int[1, 60]).Sample((first, second, threshold) =>
        {
            var calendar = new DayCalendar();
            var plain = new CountTables(FieldSelection.All, true, true);
            RandomPackets.CountInto(plain, calendar, first.Concat(second));

            var spilling = new CountTables(FieldSelection.All, true, true, spillThreshold: threshold);
            RandomPackets.CountInto(spilling, calendar, first);
            var other = new CountTables(FieldSelection.All, true, true, spillThreshold: threshold + 1);
            RandomPackets.CountInto(other, calendar, second);
            spilling.MergeFrom(other);

            Assert.Equal(Keys.Canonical(Flush(plain)), Keys.Canonical(Flush(spilling)));
        }, iter: 30);

    [Fact]
    public void Fields_written_into_the_queue_slot_count_as_CountPacket_counts_them() =>
        Gen.Select(RandomPackets.Batch, Gen.Bool).Sample((packets, combined) =>
        {
            var calendar = new DayCalendar();
            var copied = new CountTables(FieldSelection.All, combined, ipv6: true);
            var inPlace = new CountTables(FieldSelection.All, combined, ipv6: true);
            foreach (var (seconds, fields) in packets)
            {
                var expected = copied.CountPacket(seconds, fields, calendar);
                inPlace.QueueSlot = fields;
                Assert.Equal(expected, inPlace.CountQueuedSlot(seconds, calendar));
                // A slot left by a packet that was not counted is overwritten by the next one.
                inPlace.QueueSlot.Ipv4Source = 0xDEAD;
            }
            Assert.Equal(Keys.Canonical(Flush(copied)), Keys.Canonical(Flush(inPlace)));
            Assert.Equal(copied.PacketCount, inPlace.PacketCount);
        }, iter: 60);

    [Fact]
    public void Clear_then_reuse_equals_fresh_tables() =>
        Gen.Select(RandomPackets.Batch, RandomPackets.Batch).Sample((first, second) =>
        {
            var calendar = new DayCalendar();
            var reused = new CountTables(FieldSelection.All, combinedKeys: true, ipv6: true);
            RandomPackets.CountInto(reused, calendar, first);
            reused.Clear();
            RandomPackets.CountInto(reused, calendar, second);

            var fresh = new CountTables(FieldSelection.All, combinedKeys: true, ipv6: true);
            RandomPackets.CountInto(fresh, calendar, second);

            var expected = Flush(fresh);
            var actual = Flush(reused);
            Assert.Equal(Keys.Canonical(expected), Keys.Canonical(actual));
            Assert.Equal(expected.Days, actual.Days);
            Assert.Equal(expected.Protocols, actual.Protocols);
            Assert.Equal(fresh.PacketCount, reused.PacketCount);
        }, iter: 60);

    [Fact]
    public void Days_are_in_first_seen_order_and_only_days_with_packets()
    {
        var tables = new CountTables(FieldSelection.All);
        var calendar = new DayCalendar();
        tables.CountPacket(86400 * 3, Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40), calendar);
        tables.CountPacket(-1, Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40), calendar);
        tables.CountPacket(86400 * 3 + 5, Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40), calendar);
        tables.CountPacket(86400 * 9, Packet.Ipv4("1.1.1.1", "255.255.255.255", 6, 40), calendar);   // filtered
        Assert.Equal(CountOutcome.TimestampOutOfRange, tables.CountPacket(long.MaxValue, Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40), calendar));
        Assert.Equal(["19700104", "19691231"], Flush(tables).Days);
    }

    [Fact]
    public void A_cleared_table_keeps_its_hash_tables_so_the_next_file_grows_nothing()
    {
        // Regrowing the tables for every file of a series left their arrays as garbage: 20 files of 500 k values took
        // 250 MiB where the tables of one file take 25.
        static void CountSources(CountTables tables, uint first, uint count)
        {
            for (var i = first; i < first + count; i++)
            {
                var fields = Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40);
                fields.Ipv4Source = i;
                tables.Count(0, fields);
            }
        }

        var tables = new CountTables(FieldSelection.All);
        CountSources(tables, 1, 100_000);
        var held = tables.ApproximateBytes;
        tables.Clear();
        Assert.InRange(tables.ApproximateBytes, held - 64, held);   // all kept but the list of days

        CountSources(tables, 500_000, 100_000);
        Assert.Equal(held, tables.ApproximateBytes);
        var group = Flush(tables).Groups.Single(g => g.Field == PotironField.IpSource);
        Assert.Equal(100_000, group.MemberCount);
        Assert.Equal(100_000, group.Total);

        // Over the limit, a bucket keeps only its small tables: a huge file does not pin its memory for the next ones.
        tables.RetainedBytesLimit = held / 4;
        tables.Clear();
        Assert.InRange(tables.ApproximateBytes, 1, held / 4);
    }

    [Fact]
    public void Approximate_bytes_follow_distinct_values_and_clear_keeps_a_bounded_amount()
    {
        var tables = new CountTables(FieldSelection.All);
        tables.Count(0, Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40));
        var oneBucket = tables.ApproximateBytes;
        Assert.InRange(oneBucket, 5_000, 40_000);   // small dense arrays, a few pages, four small hash tables

        for (uint i = 0; i < 100_000; i++)
        {
            var fields = Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40);
            fields.Ipv4Source = i;
            tables.Count(0, fields);
        }
        var large = tables.ApproximateBytes;
        Assert.InRange(large - oneBucket, 100_000 * 8, 100_000 * 8 * 4);

        tables.RetainedBytesLimit = 0;
        tables.Clear();
        Assert.True(tables.ApproximateBytes < oneBucket, "nothing pooled with a zero limit");
        Assert.Equal(0, tables.PacketCount);
        Assert.Empty(tables.Buckets);
    }

    [Fact]
    public void Ipv6_packets_are_counted_only_with_the_option_and_only_without_IPv4()
    {
        var ipv6Only = Packet.Ipv6("2001:db8::1", "2001:db8::2", 17, 8);
        var ipv4InIpv6 = Packet.Ipv6("2001:db8::1", "2001:db8::2", 4, 28);
        ipv4InIpv6.HasIpv4 = true;
        ipv4InIpv6.Ipv4Source = 1;
        ipv4InIpv6.Ipv4Destination = 2;
        var broadcastInIpv6 = ipv4InIpv6;
        broadcastInIpv6.AnyIpv4DestinationIsBroadcast = true;

        Assert.False(CountTables.IsCounted(ipv6Only, ipv6: false));
        Assert.True(CountTables.IsCounted(ipv6Only, ipv6: true));
        Assert.True(CountTables.IsCounted(ipv4InIpv6, ipv6: false));
        Assert.False(CountTables.IsCounted(broadcastInIpv6, ipv6: true));
        Assert.False(CountTables.IsCounted(Packet.None(), ipv6: true));

        var tables = new CountTables(FieldSelection.All, ipv6: true);
        tables.Count(0, ipv4InIpv6);   // counted as IPv4: the first IPv4 header's fields
        var zsets = Keys.Zsets(Flush(tables));
        Keys.Equal("0.0.0.1:1", zsets, "s:19700101:ipsrc");
    }

    [Fact]
    public void Extreme_lengths_and_ports_stay_in_range()
    {
        var tables = new CountTables(FieldSelection.All, ipv6: true);
        tables.Count(0, Packet.Ipv6("::1", "::2", 6, 65535).Tcp(65535, 0, 0, uint.MaxValue));
        tables.Count(0, Packet.Ipv4("1.2.3.4", "5.6.7.8", 17, 65535).Udp(0, 65535));
        var zsets = Keys.Zsets(Flush(tables));
        Keys.Equal("65575:1 65535:1", zsets, "s:19700101:length");
        Keys.Equal("65535:1 0:1", zsets, "s:19700101:sport");
        Keys.Equal("0:1 65535:1", zsets, "s:19700101:dport");
        Keys.Equal("4294967295:1 -1:1", zsets, "s:19700101:tcpack");
        Keys.Equal("::1:1 1.2.3.4:1", zsets, "s:19700101:ipsrc");
    }
}
