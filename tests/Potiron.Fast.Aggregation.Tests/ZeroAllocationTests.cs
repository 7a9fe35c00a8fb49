using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary>Style rule 7: counting into warm tables allocates nothing.</summary>
public sealed class ZeroAllocationTests
{
    private static (long Seconds, PacketFields Fields)[] Packets(int count, int protocols = 256)
    {
        var random = new Random(42);
        var packets = new (long, PacketFields)[count];
        for (var i = 0; i < count; i++)
        {
            var fields = i % 10 == 9
                ? Packet.Ipv6("::", "::", 6, (ushort)random.Next(65536), (byte)random.Next(256), (byte)random.Next(256))
                : Packet.Ipv4("0.0.0.0", "0.0.0.0", (byte)random.Next(protocols), (ushort)random.Next(65536), (byte)random.Next(256), (byte)random.Next(256));
            fields.Ipv4Source = (uint)random.Next(50_000);
            fields.Ipv4Destination = (uint)random.Next();
            fields.Ipv6Source = new Ipv6Address(0x20010DB800000000, (ulong)random.Next(5000));
            fields.Ipv6Destination = new Ipv6Address((ulong)random.Next(), 1);
            if (random.Next(3) == 0)
                fields = fields.Tcp(random.Next(65536), random.Next(65536), random.NextInt64(uint.MaxValue + 1L), random.Next(2) == 0 ? -1 : random.Next());
            if (random.Next(3) == 0)
                fields = fields.Udp(random.Next(65536), random.Next(65536));
            if (random.Next(4) == 0)
                fields = fields.Icmp((short)random.Next(256), (short)random.Next(256));
            packets[i] = (1_400_000_000 + random.Next(3 * 86400), fields);
        }
        return packets;
    }

    private static void CountAll(CountTables tables, DayCalendar calendar, (long Seconds, PacketFields Fields)[] packets)
    {
        for (var i = 0; i < packets.Length; i++)
            tables.CountPacket(packets[i].Seconds, packets[i].Fields, calendar);
    }

    [Theory]
    [InlineData(false, false, "UTC")]
    [InlineData(true, true, "Europe/Brussels")]
    public void Counting_100000_packets_into_warm_tables_allocates_nothing(bool combinedKeys, bool ipv6, string zone)
    {
        var packets = Packets(100_000);
        var tables = new CountTables(FieldSelection.All, combinedKeys, ipv6);
        var calendar = new DayCalendar(TimeZoneInfo.FindSystemTimeZoneById(zone));
        for (var warm = 0; warm < 3; warm++)
            CountAll(tables, calendar, packets);

        var before = GC.GetAllocatedBytesForCurrentThread();
        CountAll(tables, calendar, packets);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(4 * 100_000L - packets.Count(p => !CountTables.IsCounted(p.Fields, ipv6)) * 4, tables.PacketCount);
    }

    [Fact]
    public void Counting_the_next_file_after_Clear_allocates_nothing()
    {
        // A realistic mix: a few protocols over three days keeps the cleared buckets under the retention limit.
        var packets = Packets(20_000, protocols: 18);
        var tables = new CountTables(FieldSelection.All, combinedKeys: true, ipv6: true);
        var calendar = new DayCalendar();
        for (var warm = 0; warm < 3; warm++)
        {
            CountAll(tables, calendar, packets);
            tables.Clear();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        CountAll(tables, calendar, packets);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
