using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Packets.Tests;

/// <summary>The 18 packets of the reference's Appendix C (verified on the original with tshark 4.0.17), with the line
/// tshark printed for each ("filtered" when the default filter drops it). Spaces stand for tshark's empty fields.</summary>
internal static class AppendixCFrames
{
    private static readonly byte[] C = [172, 16, 0, 1];
    private static readonly byte[] D = [172, 16, 0, 2];

    public static IEnumerable<(int Number, byte[] Frame, string Expected)> All()
    {
        yield return (1, Ethernet(Ipv4(A, B, 6, Tcp(40000, 22, 1000, 0), ttl: 50, tos: 0x10)), "40 6 10.0.0.1 192.168.1.2 50 0x10 40000  22  1000 0  ");
        yield return (2, Ethernet(Ipv4(B, A, 6, Tcp(22, 40000, 5000, 1001, flags: 0x12))), "40 6 192.168.1.2 10.0.0.1 64 0x00 22  40000  5000 1001  ");
        yield return (3, Ethernet(Ipv4(A, B, 17, Udp(5353, 53, new byte[5]))), "33 17 10.0.0.1 192.168.1.2 64 0x00  5353  53    ");
        yield return (4, Ethernet(Ipv4(A, B, 1, Icmp(8, 0, new byte[4]))), "32 1 10.0.0.1 192.168.1.2 64 0x00       0 8");
        yield return (5, Ethernet(Ipv4(A, B, 1, Icmp(3, 3, Ipv4(B, A, 17, Udp(53, 5353, new byte[5]))[..28]))), "56 1 10.0.0.1 192.168.1.2 64 0x00  53  5353   3 3");
        var v6a = Ipv6Address("2001:db8::1");
        var v6b = Ipv6Address("2001:db8::2");
        yield return (6, Ethernet(Ipv6(v6a, v6b, 6, Tcp(1234, 80, 1, 0)), 0x86dd), "filtered");
        yield return (7, Ethernet(Arp(1), 0x0806), "filtered");
        yield return (8, Ethernet(Arp(2), 0x0806), "filtered");
        yield return (9, Ethernet(Ipv4([1, 1, 1, 1], [2, 2, 2, 2], 47, Gre(0x0800, Ipv4(C, D, 17, Udp(1111, 2222, new byte[5]))))), "57 47 1.1.1.1 2.2.2.2 64 0x00  1111  2222    ");
        var udp = Udp(6000, 7000, new byte[32]);
        yield return (10, Ethernet(Ipv4(A, B, 17, udp[..24], identification: 7, moreFragments: true)), "44 17 10.0.0.1 192.168.1.2 64 0x00        ");
        yield return (11, Ethernet(Ipv4(A, B, 17, udp[24..], identification: 7, fragmentOffset: 24)), "36 17 10.0.0.1 192.168.1.2 64 0x00  6000  7000    ");
        yield return (12, Ethernet(Ipv4(A, Broadcast, 17, Udp(68, 67, new byte[4]))), "filtered");
        yield return (13, Ethernet(Ipv4([3, 3, 3, 3], [4, 4, 4, 4], 4, Ipv4(A, B, 6, Tcp(1, 2, 3, 4, flags: 0x10)))), "60 4 3.3.3.3 4.4.4.4 64 0x00 1  2  3 4  ");
        yield return (14, Ethernet(Ipv4(A, B, 253, new byte[4])), "24 253 10.0.0.1 192.168.1.2 64 0x00        ");
        yield return (15, Ethernet(VlanTagged(Ipv4(A, B, 6, Tcp(1, 443, 9, 9, flags: 0x10))), 0x8100), "40 6 10.0.0.1 192.168.1.2 64 0x00 1  443  9 9  ");
        yield return (16, Ethernet(Ipv4(A, B, 6, Tcp(40001, 23, 4294967295, 0))), "40 6 10.0.0.1 192.168.1.2 64 0x00 40001  23  4294967295 0  ");
        yield return (17, Ethernet(Ipv6(v6a, v6b, 58, Icmp(128, 0, new byte[4])), 0x86dd), "filtered");
        yield return (18, Ethernet(Ipv4(A, B, 6, Tcp(40002, 80, 1, 0))), "40 6 10.0.0.1 192.168.1.2 64 0x00 40002  80  1 0  ");
    }
}
