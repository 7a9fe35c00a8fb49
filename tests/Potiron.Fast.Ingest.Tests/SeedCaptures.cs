using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using Potiron.Fast.TestSupport;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>
/// Small, valid captures that between them reach every container feature and every layer the decoder knows: the
/// seeds of the deterministic mutation test, and (linked into tests/Potiron.Fast.Fuzz) of the fuzzing corpus.
/// Each is a few hundred bytes to a few KiB, so that a mutation lands on a header as often as on a payload.
/// </summary>
internal static class SeedCaptures
{
    private const uint Time = 1710374400; // 2024-03-14 00:00:00 UTC

    /// <summary>Every seed, by a file name that says what it is.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> All()
    {
        var seeds = new List<(string, byte[])>
        {
            ("ethernet-layers.pcap", Pcap(1, EthernetFrames())),
            ("ethernet-layers-bigendian-ns.pcap", Pcap(1, EthernetFrames(), bigEndian: true, nanosecond: true)),
            ("raw-ip.pcap", Pcap(101, IpPackets())),
            ("raw-ip-v2.2.pcap", Pcap(101, IpPackets(), minorVersion: 2)),
            ("mixed-blocks.pcapng", MixedPcapng(bigEndianSecond: true)),
            ("fragments.pcap", Pcap(1, FragmentFrames())),
        };
        foreach (var (linkType, name, wrap) in LinkLayers())
            seeds.Add(($"link-{name}.pcap", Pcap(linkType, IpPackets().Take(4).Select(wrap))));

        var small = Pcap(1, EthernetFrames().Take(6));
        seeds.Add(("small.pcap.gz", Gzip(small)));
        seeds.Add(("small.pcap.lz4", Lz4(small)));
        seeds.Add(("small.pcap.zst", Zstd(small)));
        seeds.Add(("small.pcapng.gz", Gzip(MixedPcapng(bigEndianSecond: false))));
        return seeds;
    }

    /// <summary>The link layers the decoder knows (other than Ethernet and raw IP), each as a wrapper of an IP packet.</summary>
    public static IEnumerable<(ushort LinkType, string Name, Func<byte[], byte[]> Wrap)> LinkLayers()
    {
        yield return (0, "null", ip => Concat([2, 0, 0, 0], ip));
        yield return (108, "loop", ip => Concat([0, 0, 0, 2], ip));
        yield return (9, "ppp", ip => Concat([0xff, 0x03, 0x00, 0x21], ip));
        yield return (104, "chdlc", ip => Concat([0x0f, 0x00, 0x08, 0x00], ip));
        yield return (113, "sll", ip => Concat([0, 0, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0, 0x08, 0x00], ip));
        yield return (276, "sll2", ip => Concat([0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], ip));
        yield return (239, "nflog", Nflog);
        yield return (258, "pktap", ip => Concat([12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], Ethernet(ip)));
        yield return (192, "ppi", ip => Concat([0, 0, 8, 0, 1, 0, 0, 0], Ethernet(ip)));
        yield return (127, "radiotap", ip => Concat([0, 0, 8, 0, 0, 0, 0, 0], Ieee80211(ip)));
        yield return (105, "ieee80211", Ieee80211);
        yield return (242, "ipoib", ip => Concat(new byte[40], [0x08, 0x00, 0, 0], ip));
        yield return (226, "ipnet", ip => Concat([1, 2], new byte[22], ip));
        yield return (129, "arcnet", ip => Concat([1, 2, 0, 0, 0xd4, 0, 0, 1], ip));
    }

    /// <summary>IP packets through every network and transport layer and tunnel the decoder follows.</summary>
    public static IEnumerable<byte[]> IpPackets()
    {
        byte[] v6a = Ipv6Address("2001:db8::1"), v6b = Ipv6Address("2001:db8::2");
        yield return Ipv4(A, B, 6, Tcp(40000, 80, 1000, 0), ttl: 50, tos: 0x28);
        yield return Ipv4(A, B, 17, Udp(5353, 53, new byte[12]));
        yield return Ipv4(B, A, 1, Icmp(3, 3, Ipv4(A, B, 6, Tcp(40001, 22, 7, 0))[..28]));
        yield return Ipv4(B, A, 1, Icmp(11, 0, Ipv4(A, B, 17, Udp(40002, 161, new byte[8])), restOfHeader: 0x00050000));
        yield return Ipv4(A, B, 1, Icmp(8, 0, new byte[16]), options: [0x94, 0x04, 0, 0]);
        yield return Ipv4(A, B, 47, Gre(0x0800, Ipv4(B, A, 6, Tcp(1, 2, 3, 4))));
        yield return Ipv4(A, B, 47, Gre(0x6558, Ethernet(Ipv4(B, A, 17, Udp(7, 9))), key: 42));
        yield return Ipv4(A, B, 47, Concat([0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 1], new byte[8], Ethernet(Ipv4(B, A, 6, Tcp(5, 6, 7, 8)))));
        yield return Ipv4(A, B, 4, Ipv4(B, A, 6, Tcp(25, 26, 1, 2)));
        yield return Ipv4(A, B, 41, Ipv6(v6a, v6b, 6, Tcp(443, 50000, 9, 10)));
        yield return Ipv6(v6a, v6b, 0, Concat([43, 0, 0, 0, 0, 0, 0, 0], [60, 0, 0, 0, 0, 0, 0, 0], [17, 0, 1, 4, 0, 0, 0, 0], Udp(1, 2, new byte[4])));
        yield return Ipv6(v6a, v6b, 58, Icmp(1, 4, Ipv6(v6b, v6a, 6, Tcp(80, 1234, 5, 6))[..48]));
        yield return Ipv6(v6a, v6b, 44, Concat([6, 0, 0, 0, 0, 0, 0, 9], Tcp(1, 2, 3, 4)));
        yield return Ipv4(A, B, 17, Udp(50000, 4789, Concat([8, 0, 0, 0, 0, 0, 1, 0], Ethernet(Ipv4(B, A, 6, Tcp(11, 12, 13, 14))))));
        yield return Ipv4(A, B, 17, Udp(50001, 6081, Concat([1, 0, 0x08, 0x00, 0, 0, 1, 0], new byte[4], Ipv4(B, A, 17, Udp(15, 16)))));
        yield return Ipv4(A, B, 17, Udp(2152, 2152, Concat([0x30, 0xff, 0, 28, 0, 0, 0, 1], Ipv4(B, A, 6, Tcp(17, 18, 19, 20)))));
        yield return Ipv4(A, B, 51, Concat([6, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1], new byte[12], Tcp(21, 22, 23, 24)));
        yield return Ipv4(A, B, 108, Concat([6, 0, 0, 2], Deflate(Tcp(27, 28, 29, 30))));
        yield return Ipv4(A, B, 103, Concat([0x21, 0, 0, 0, 0, 0, 0, 0], Ipv4(B, A, 17, Udp(31, 32))));
        yield return Ipv4(A, B, 137, Concat([0, 0, 1, 64], Ipv4(B, A, 6, Tcp(33, 34, 35, 36))));
        yield return Ipv4(A, Broadcast, 17, Udp(68, 67, new byte[8]));
    }

    /// <summary>Ethernet frames: the IP packets, plus the Ethernet-only layers (VLAN, QinQ, MPLS, PPPoE, LLC/SNAP, ARP).</summary>
    public static IEnumerable<byte[]> EthernetFrames()
    {
        foreach (var ip in IpPackets())
            yield return Ethernet(ip, (ip[0] >> 4) == 6 ? (ushort)0x86dd : (ushort)0x0800);
        var inner = Ipv4(A, B, 6, Tcp(1000, 2000, 3000, 4000));
        yield return Ethernet(VlanTagged(inner), 0x8100);
        yield return Ethernet(VlanTagged(VlanTagged(inner), 0x8100, 7), 0x88a8);
        yield return Ethernet(Concat([0, 1, 0x01, 64], [0, 2, 0x41, 64], inner), 0x8847);
        yield return Ethernet(Concat([0x11, 0, 0, 1, 0, (byte)(inner.Length + 2), 0x00, 0x21], inner), 0x8864);
        yield return Ethernet(Concat([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], inner), (ushort)(inner.Length + 8));
        yield return Ethernet(Concat([0x01, 0x00, 0x10, 0x00], new byte[8], [0x08, 0x00], inner), 0xd28b);
        yield return Ethernet(Concat([0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x08, 0x00], inner), 0x8909);
        yield return Ethernet(Arp(1), 0x0806);
    }

    /// <summary>An IPv4 and an IPv6 datagram, each in two fragments, plus a fragment that never completes.</summary>
    public static IEnumerable<byte[]> FragmentFrames()
    {
        var datagram = Udp(40000, 500, new byte[40]);
        yield return Ethernet(Ipv4(A, B, 17, datagram[..24], identification: 77, moreFragments: true));
        yield return Ethernet(Ipv4(A, B, 17, datagram[24..], identification: 77, fragmentOffset: 24));
        yield return Ethernet(Ipv4(A, B, 6, new byte[16], identification: 78, moreFragments: true));
        byte[] v6a = Ipv6Address("2001:db8::1"), v6b = Ipv6Address("2001:db8::2");
        var segment = Tcp(80, 8080, 1, 2, payload: new byte[20]);
        yield return Ethernet(Ipv6(v6a, v6b, 44, Concat([6, 0, 0, 1, 0, 0, 0, 5], segment[..16])), 0x86dd);
        yield return Ethernet(Ipv6(v6a, v6b, 44, Concat([6, 0, 0, 16, 0, 0, 0, 5], segment[16..])), 0x86dd);
    }

    /// <summary>A pcapng file with every block type: two interfaces (µs Ethernet; ns raw IP with an offset), enhanced
    /// packets with options, simple and obsolete packets, name resolution, statistics, custom and decryption
    /// secrets blocks, then a second section (in the other byte order when asked).</summary>
    public static byte[] MixedPcapng(bool bigEndianSecond)
    {
        var builder = new PcapngBuilder().Section(options: Concat(new PcapngBuilder().Option(PcapngBuilder.OptionComment, "seed"u8), new byte[4]))
            .Interface(1, snapLength: 65535)
            .Interface(101, timestampResolution: 9, timestampOffset: 3600);
        var flags = Concat(builder.Option(PcapngBuilder.OptionPacketFlags, [1, 0, 0, 0]), builder.Option(PcapngBuilder.OptionEnd, []));
        var frames = EthernetFrames().Take(5).ToArray();
        var ips = IpPackets().Take(5).ToArray();
        for (var i = 0; i < frames.Length; i++)
        {
            builder.EnhancedPacket(0, (Time + (ulong)i) * 1_000_000UL, frames[i], options: i == 0 ? flags : null);
            builder.EnhancedPacket(1, (Time + (ulong)i) * 1_000_000_000UL, ips[i]);
        }
        builder.SimplePacket((uint)frames[1].Length, frames[1])
            .ObsoletePacket(0, (Time + 10UL) * 1_000_000UL, frames[2])
            .NameResolution([10, 0, 0, 1], "a.example")
            .InterfaceStatistics(0, (Time + 11UL) * 1_000_000UL)
            .Block(PcapngBuilder.CustomType, [0, 0, 0x7e, 0x2b, 1, 2, 3, 4])
            .Block(PcapngBuilder.DecryptionSecretsType, [0x4b, 0x53, 0x4c, 0x54, 4, 0, 0, 0, 1, 2, 3, 4]);
        builder.Section(bigEndian: bigEndianSecond).Interface(1);
        builder.EnhancedPacket(0, (Time + 20UL) * 1_000_000UL, frames[3]);
        return builder.ToArray();
    }

    public static byte[] Pcap(ushort linkType, IEnumerable<byte[]> frames, bool bigEndian = false, bool nanosecond = false, ushort minorVersion = 4)
    {
        var builder = new PcapBuilder(linkType, bigEndian, nanosecond, minorVersion: minorVersion);
        var i = 0u;
        foreach (var frame in frames)
        {
            builder.Add(Time + i * 3600, nanosecond ? i * 1000 : i, frame);
            i++;
        }
        return builder.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    public static byte[] Lz4(byte[] data)
    {
        using var output = new MemoryStream();
        using (var lz4 = LZ4Stream.Encode(output, leaveOpen: true))
            lz4.Write(data);
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(data).ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
            deflate.Write(data);
        return output.ToArray();
    }

    private static byte[] Nflog(byte[] ip)
    {
        // Header (family, version, resource id), a prefix attribute, then NFULA_PAYLOAD (9) holding the packet.
        var payload = new byte[4 + ip.Length + ((4 - (ip.Length & 3)) & 3)];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)(4 + ip.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(2), 9);
        ip.CopyTo(payload, 4);
        return Concat([2, 0, 0, 0], [8, 0, 10, 0, (byte)'a', (byte)'b', 0, 0], payload);
    }

    private static byte[] Ieee80211(byte[] ip) =>
        Concat([0x08, 0x01, 0, 0], new byte[20], [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], ip);
}
