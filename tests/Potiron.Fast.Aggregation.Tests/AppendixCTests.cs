namespace Potiron.Fast.Aggregation.Tests;

/// <summary>The reference's verified test vector (Appendix C), counted from hand-built decoder output.</summary>
public sealed class AppendixCTests
{
    private const string Sensor = "test-honeypot-1";

    private static FileCounts Run(bool combinedKeys = false, bool ipv6 = false, DayCalendar? calendar = null, Func<int, bool>? include = null)
    {
        var tables = AppendixC.Count(new CountTables(FieldSelection.All, combinedKeys, ipv6), calendar ?? new DayCalendar(), include);
        return tables.ToFileCounts(CaptureFileName.FromPath("/captures/" + AppendixC.FileName));
    }

    [Fact]
    public void Standard_run_gives_the_listed_simple_keys()
    {
        var counts = Run();
        var zsets = Keys.Zsets(counts);
        const string day = Sensor + ":20140825:";

        Keys.Equal("6:4 17:3 1:2 47:1 4:1 253:1", zsets, day + "protocol");
        Keys.Equal("-1:3 1:2 6000:1 5353:1 53:1 40002:1 40000:1 22:1 1111:1", zsets, day + "sport");
        Keys.Equal("-1:3 80:1 7000:1 5353:1 53:1 443:1 40000:1 2222:1 22:1 2:1", zsets, day + "dport");
        Keys.Equal("0x00:11 0x10:1", zsets, day + "iptos");
        Keys.Equal("64:11 50:1", zsets, day + "ipttl");
        Keys.Equal("40:4 60:1 57:1 56:1 44:1 36:1 33:1 32:1 24:1", zsets, day + "length");
        Keys.Equal("10.0.0.1:9 3.3.3.3:1 192.168.1.2:1 1.1.1.1:1", zsets, day + "ipsrc");
        Keys.Equal("192.168.1.2:9 4.4.4.4:1 2.2.2.2:1 10.0.0.1:1", zsets, day + "ipdst");
        Keys.Equal("-1:7 9:1 5000:1 3:1 1000:1 1:1", zsets, day + "tcpseq");
        Keys.Equal("-1:7 0:2 9:1 4:1 1001:1", zsets, day + "tcpack");
        Keys.Equal("255:10 3:1 0:1", zsets, day + "icmpcode");
        Keys.Equal("255:10 8:1 3:1", zsets, day + "icmptype");

        const string nextDay = Sensor + ":20140826:";
        Keys.Equal("23:1", zsets, nextDay + "dport");
        Keys.Equal("40001:1", zsets, nextDay + "sport");
        Keys.Equal("4294967295:1", zsets, nextDay + "tcpseq");
        Keys.Equal("0:1", zsets, nextDay + "tcpack");
        Keys.Equal("6:1", zsets, nextDay + "protocol");
        Keys.Equal("0x00:1", zsets, nextDay + "iptos");
        Keys.Equal("40:1", zsets, nextDay + "length");
        Keys.Equal("64:1", zsets, nextDay + "ipttl");
        Keys.Equal("10.0.0.1:1", zsets, nextDay + "ipsrc");
        Keys.Equal("192.168.1.2:1", zsets, nextDay + "ipdst");
        Keys.Equal("255:1", zsets, nextDay + "icmpcode");
        Keys.Equal("255:1", zsets, nextDay + "icmptype");

        Assert.Equal(24, zsets.Count);   // 12 fields on each of the two days, nothing else
        Assert.Equal(Sensor, counts.Sensor);
        Assert.Equal(AppendixC.FileName, counts.FileName);
        Assert.Equal("20140825", counts.FileNameDay);
        Assert.Equal(["20140825", "20140826"], counts.Days);
        Assert.Empty(counts.Protocols);
    }

    [Fact]
    public void Groups_follow_buckets_then_JSON_FIELDS_order()
    {
        var counts = Run();
        Assert.Equal(FieldSelection.All.Counted, counts.Groups.Take(12).Select(g => g.Field));
        Assert.All(counts.Groups.Take(12), g => Assert.Equal("20140825", g.Day));
        Assert.All(counts.Groups.Skip(12), g => Assert.Equal("20140826", g.Day));
        Assert.All(counts.Groups, g => Assert.Null(g.ProtocolName));
    }

    [Fact]
    public void Combined_keys_without_packet_14_give_the_listed_protocols_and_keys()
    {
        var counts = Run(combinedKeys: true, include: n => n != 14);
        var zsets = Keys.Zsets(counts);

        Assert.Equal(["gre", "icmp", "ipencap", "tcp", "udp"], counts.Protocols.Order(StringComparer.Ordinal));
        Assert.Equal(["tcp", "udp", "icmp", "gre", "ipencap"], counts.Protocols);   // first-seen order
        Keys.Equal("5353:1 -1:1", zsets, Sensor + ":icmp:20140825:dport");
        Keys.Equal("4:1", zsets, Sensor + ":ipencap:20140825:protocol");
        Keys.Equal("6:1", zsets, Sensor + ":tcp:20140826:protocol");
        Assert.Equal(["20140825", "20140826"], counts.Days);
    }

    [Fact]
    public void Combined_keys_add_up_to_the_simple_keys()
    {
        var simple = Keys.Zsets(Run(include: n => n != 14));
        var combined = Keys.Zsets(Run(combinedKeys: true, include: n => n != 14));

        var summed = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var (key, members) in combined)
        {
            var parts = key.Split(':');
            var simpleKey = $"{parts[0]}:{parts[2]}:{parts[3]}";
            if (!summed.TryGetValue(simpleKey, out var total))
                summed[simpleKey] = total = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (member, count) in members)
                total[member] = total.GetValueOrDefault(member) + count;
        }
        Assert.Equal(simple.Keys.Order(StringComparer.Ordinal), summed.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, members) in simple)
            Assert.Equal(members.OrderBy(p => p.Key, StringComparer.Ordinal), summed[key].OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Tokyo_days_shift_and_the_filename_day_stays()
    {
        var counts = Run(calendar: new DayCalendar(TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")));
        var zsets = Keys.Zsets(counts);

        Assert.Equal("20140825", counts.FileNameDay);
        Assert.Equal(["20140826", "20140827"], counts.Days);
        Assert.All(zsets.Keys, k => Assert.True(k.Contains(":20140826:", StringComparison.Ordinal) || k.Contains(":20140827:", StringComparison.Ordinal), k));
        Keys.Equal("6:4 17:3 1:2 47:1 4:1 253:1", zsets, Sensor + ":20140826:protocol");
        Keys.Equal("23:1", zsets, Sensor + ":20140827:dport");
    }

    [Fact]
    public void Ipv6_option_counts_the_two_IPv6_packets()
    {
        var zsets = Keys.Zsets(Run(ipv6: true));
        const string day = Sensor + ":20140825:";

        Keys.Equal("6:5 17:3 1:2 47:1 4:1 253:1 58:1", zsets, day + "protocol");
        Keys.Equal("10.0.0.1:9 3.3.3.3:1 192.168.1.2:1 1.1.1.1:1 2001:db8::1:2", zsets, day + "ipsrc");
        Keys.Equal("192.168.1.2:9 4.4.4.4:1 2.2.2.2:1 10.0.0.1:1 2001:db8::2:2", zsets, day + "ipdst");
        Keys.Equal("40:4 60:2 57:1 56:2 44:1 36:1 33:1 32:1 24:1", zsets, day + "length");   // 20 + 40, 16 + 40
        Keys.Equal("64:13 50:1", zsets, day + "ipttl");
        Keys.Equal("0x00:13 0x10:1", zsets, day + "iptos");
        Keys.Equal("-1:4 1:2 6000:1 5353:1 53:1 40002:1 40000:1 22:1 1111:1 1234:1", zsets, day + "sport");
        Keys.Equal("-1:8 9:1 5000:1 3:1 1000:1 1:1 77:1", zsets, day + "tcpseq");
        Keys.Equal("255:12 3:1 0:1", zsets, day + "icmpcode");   // ICMPv6 is not icmp: absent, 255
    }

    [Fact]
    public void Only_tcp_dstport_counts_tcp_ports_and_minus_one_for_the_rest()
    {
        Assert.True(FieldSelection.TryCreate(["tcp.dstport"], out var selection, out _));
        var tables = AppendixC.Count(new CountTables(selection), new DayCalendar());
        var zsets = Keys.Zsets(tables.ToFileCounts(Sensor, AppendixC.FileName, "20140825"));

        Assert.Equal([Sensor + ":20140825:dport", Sensor + ":20140825:protocol", Sensor + ":20140826:dport", Sensor + ":20140826:protocol"],
            zsets.Keys.Order(StringComparer.Ordinal));
        Keys.Equal("-1:7 22:1 40000:1 2:1 443:1 80:1", zsets, Sensor + ":20140825:dport");
        Keys.Equal("23:1", zsets, Sensor + ":20140826:dport");
    }

    [Fact]
    public void Filtered_packets_are_not_counted()
    {
        var tables = new CountTables(FieldSelection.All);
        var calendar = new DayCalendar();
        var outcomes = AppendixC.Packets.Select(p => (p.Number, Outcome: tables.CountPacket(p.Seconds, p.Fields, calendar))).ToList();

        Assert.Equal([6, 7, 8, 12, 17], outcomes.Where(o => o.Outcome == CountOutcome.Filtered).Select(o => o.Number));
        Assert.Equal(13, tables.PacketCount);
        Assert.Equal([12L, 1L], tables.Buckets.Select(b => b.PacketCount));
    }
}
