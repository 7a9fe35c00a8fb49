using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary>
/// The reference's Appendix C capture, <c>test-honeypot-1-20140825000000.cap</c>, as the fields a correct decoder
/// yields for each of its 18 packets (A = 10.0.0.1, B = 192.168.1.2, TTL 64, TOS 0 unless noted).
/// </summary>
internal static class AppendixC
{
    public const string FileName = "test-honeypot-1-20140825000000.cap";
    public const long Seconds = 1408997000;   // 2014-08-25 20:03:20 UTC
    private const string A = "10.0.0.1";
    private const string B = "192.168.1.2";

    public static IReadOnlyList<(int Number, long Seconds, PacketFields Fields)> Packets { get; } =
    [
        (1, Seconds, Packet.Ipv4(A, B, 6, 40, ttl: 50, tos: 0x10).Tcp(40000, 22, 1000, 0)),
        (2, Seconds, Packet.Ipv4(B, A, 6, 40).Tcp(22, 40000, 5000, 1001)),           // at .223456
        (3, Seconds, Packet.Ipv4(A, B, 17, 33).Udp(5353, 53)),
        (4, Seconds, Packet.Ipv4(A, B, 1, 32).Icmp(8, 0)),
        // ICMP port unreachable quoting B→A UDP 53→5353: outer IPv4, ports from the quoted header.
        (5, Seconds, Packet.Ipv4(A, B, 1, 56).Udp(53, 5353).Icmp(3, 3)),
        (6, Seconds, Packet.Ipv6("2001:db8::1", "2001:db8::2", 6, 20).Tcp(1234, 80, 77, 0)),
        (7, Seconds, Packet.None()),                                                  // ARP request
        (8, Seconds, Packet.None()),                                                  // ARP reply
        // GRE carrying 172.16.0.1→.2 UDP 1111→2222: outer addresses, inner ports.
        (9, Seconds, Packet.Ipv4("1.1.1.1", "2.2.2.2", 47, 57).Udp(1111, 2222)),
        (10, Seconds, Packet.Ipv4(A, B, 17, 44)),                                     // first fragment: no ports
        (11, Seconds, Packet.Ipv4(A, B, 17, 36).Udp(6000, 7000)),                     // last fragment (reassembled)
        (12, Seconds, Packet.Ipv4(A, "255.255.255.255", 17, 28).Udp(68, 67)),        // broadcast: filtered
        (13, Seconds, Packet.Ipv4("3.3.3.3", "4.4.4.4", 4, 60).Tcp(1, 2, 3, 4)),       // IP-in-IP
        (14, Seconds, Packet.Ipv4(A, B, 253, 24)),
        (15, Seconds, Packet.Ipv4(A, B, 6, 40).Tcp(1, 443, 9, 9)),                    // VLAN-tagged
        (16, Seconds + 86400, Packet.Ipv4(A, B, 6, 40).Tcp(40001, 23, 4294967295, 0)),
        (17, Seconds, Packet.Ipv6("2001:db8::1", "2001:db8::2", 58, 16)),             // ICMPv6 echo
        (18, Seconds, Packet.Ipv4(A, B, 6, 40).Tcp(40002, 80, 1, 0)),                 // at .000000
    ];

    public static CountTables Count(CountTables tables, DayCalendar calendar, Func<int, bool>? include = null)
    {
        foreach (var (number, seconds, fields) in Packets)
        {
            if (include is null || include(number))
                tables.CountPacket(seconds, fields, calendar);
        }
        return tables;
    }
}
