using Potiron.Fast.Packets;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Packets.Tests;

public sealed class PacketDecoderTests
{
    [Fact]
    public void Appendix_C_frames_decode_as_tshark_printed_them()
    {
        // One decoder for the whole sequence: packets 10 and 11 are fragments of one datagram.
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        foreach (var (number, frame, expected) in AppendixCFrames.All())
        {
            decoder.Decode(LinkType.Ethernet, frame, ref fields);
            var actual = fields.PassesDefaultFilter ? TsharkLine.Of(fields) : "filtered";
            Assert.True(expected == actual, $"packet {number}: expected '{expected}', got '{actual}'");
        }
    }

    // Lines observed with tshark 4.0.17 on crafted frames (ports 40000->22, seq 1000, ack 77, ACK flag):
    // seq needs the 16 fixed bytes up to the window, ack also a data offset of at least 5 words.
    [Theory]
    [InlineData(2, "22 6 10.0.0.1 192.168.1.2 64 0x00        ")]
    [InlineData(4, "24 6 10.0.0.1 192.168.1.2 64 0x00 40000  22     ")]
    [InlineData(14, "34 6 10.0.0.1 192.168.1.2 64 0x00 40000  22     ")]
    [InlineData(16, "36 6 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000 77  ")]
    [InlineData(20, "40 6 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000 77  ")]
    public void Tcp_fields_appear_as_bytes_allow(int tcpBytes, string expected)
    {
        var tcp = Tcp(40000, 22, 1000, 77, flags: 0x10)[..tcpBytes];
        Assert.Equal(expected, TsharkLine.Decode(Ethernet(Ipv4(A, B, 6, tcp))));
    }

    [Fact]
    public void Tcp_with_a_bogus_data_offset_shows_seq_but_not_ack()
    {
        Assert.Equal("40 6 10.0.0.1 192.168.1.2 64 0x00 1  2  3   ",
            TsharkLine.Decode(Ethernet(Ipv4(A, B, 6, Tcp(1, 2, 3, 4, flags: 0x10, dataOffsetWords: 4)))));
    }

    [Theory]
    [InlineData(2, "22 17 10.0.0.1 192.168.1.2 64 0x00        ")]
    [InlineData(4, "24 17 10.0.0.1 192.168.1.2 64 0x00  5353  53    ")]
    [InlineData(8, "28 17 10.0.0.1 192.168.1.2 64 0x00  5353  53    ")]
    public void Udp_ports_need_four_bytes(int udpBytes, string expected)
    {
        Assert.Equal(expected, TsharkLine.Decode(Ethernet(Ipv4(A, B, 17, Udp(5353, 53, new byte[4])[..udpBytes]))));
    }

    // ICMP errors quoting TCP: tshark adds tcp.seq early for an ICMP quote; a redirect shows only 8 bytes of the
    // quoted payload, and an RFC 4884 length bounds it for types 3, 11, 12.
    [Theory]
    [InlineData(3, 0u, 8, "56 1 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000  1 3")]
    [InlineData(3, 0u, 20, "68 1 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000 77 1 3")]
    [InlineData(5, 0u, 20, "68 1 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000  1 5")]
    [InlineData(4, 0u, 20, "68 1 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000 77 1 4")]
    [InlineData(3, 0x00010000u, 20, "68 1 10.0.0.1 192.168.1.2 64 0x00 40000  22    1 3")]
    [InlineData(11, 0x00020000u, 20, "68 1 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000  1 11")]
    public void Icmp_errors_show_what_tshark_shows_of_the_quoted_tcp(byte type, uint rest, int quotedTcpBytes, string expected)
    {
        var quoted = Ipv4(B, A, 6, Tcp(40000, 22, 1000, 77, flags: 0x10))[..(20 + quotedTcpBytes)];
        Assert.Equal(expected, TsharkLine.Decode(Ethernet(Ipv4(A, B, 1, Icmp(type, 1, quoted, rest)))));
    }

    [Fact]
    public void A_quoted_packet_to_the_broadcast_address_drops_the_frame()
    {
        var quoted = Ipv4(A, Broadcast, 17, Udp(68, 67));
        Assert.Equal("filtered", TsharkLine.Decode(Ethernet(Ipv4(A, B, 1, Icmp(3, 3, quoted)))));
    }

    [Fact]
    public void A_total_length_of_zero_is_taken_as_the_captured_length()
    {
        Assert.Equal("40 6 10.0.0.1 192.168.1.2 64 0x00 40000  22  1000 77  ",
            TsharkLine.Decode(Ethernet(Ipv4(A, B, 6, Tcp(40000, 22, 1000, 77, flags: 0x10), totalLength: 0))));
    }

    [Fact]
    public void Tunnels_give_outer_addresses_and_inner_ports()
    {
        var inner = Ipv4([172, 16, 0, 1], [172, 16, 0, 2], 6, Tcp(1111, 80, 5, 6, flags: 0x10));
        var vxlan = Ipv4(A, B, 17, Udp(50000, 4789, Concat(new byte[8], Ethernet(inner))));
        Assert.Equal("90 17 10.0.0.1 192.168.1.2 64 0x00 1111 50000 80 4789 5 6  ", TsharkLine.Decode(Ethernet(vxlan)));
        var sixInFour = Ipv4(A, B, 41, Ipv6(Ipv6Address("2001:db8::1"), Ipv6Address("2001:db8::2"), 17, Udp(53, 5353)));
        Assert.Equal("68 41 10.0.0.1 192.168.1.2 64 0x00  53  5353    ", TsharkLine.Decode(Ethernet(sixInFour)));
        var greEthernet = Ipv4(A, B, 47, Gre(0x6558, Ethernet(inner)));
        Assert.Equal("78 47 10.0.0.1 192.168.1.2 64 0x00 1111  80  5 6  ", TsharkLine.Decode(Ethernet(greEthernet)));
    }

    [Fact]
    public void Qinq_and_linux_cooked_frames_reach_ip()
    {
        var ip = Ipv4(A, B, 17, Udp(1, 2));
        var qinq = Ethernet(VlanTagged(VlanTagged(ip), 0x8100, 200), 0x88a8);
        Assert.Equal("28 17 10.0.0.1 192.168.1.2 64 0x00  1  2    ", TsharkLine.Decode(qinq));
        var sll = Concat([0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, 0x08, 0x00], ip);
        Assert.Equal("28 17 10.0.0.1 192.168.1.2 64 0x00  1  2    ", TsharkLine.Decode(sll, LinkType.LinuxSll));
        var sll2 = Concat([0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0], ip);
        Assert.Equal("28 17 10.0.0.1 192.168.1.2 64 0x00  1  2    ", TsharkLine.Decode(sll2, LinkType.LinuxSll2));
        var nullFrame = Concat([2, 0, 0, 0], ip);
        Assert.Equal("28 17 10.0.0.1 192.168.1.2 64 0x00  1  2    ", TsharkLine.Decode(nullFrame, LinkType.Null));
        Assert.Equal("28 17 10.0.0.1 192.168.1.2 64 0x00  1  2    ", TsharkLine.Decode(ip, LinkType.Raw));
    }

    [Fact]
    public void Every_prefix_of_every_frame_decodes_without_throwing_and_never_contradicts_the_whole_frame()
    {
        foreach (var (number, frame, _) in AppendixCFrames.All().Concat(TunnelFrames()))
        {
            var whole = new PacketFields();
            new PacketDecoder().Decode(LinkType.Ethernet, frame, ref whole);
            for (var length = 0; length <= frame.Length; length++)
            {
                var part = new PacketFields();
                new PacketDecoder().Decode(LinkType.Ethernet, frame.AsSpan(0, length), ref part);
                // Fewer bytes can only hide fields, never change the first occurrence of one.
                if (part.HasIpv4)
                {
                    Assert.Equal(whole.Ipv4Source, part.Ipv4Source);
                    Assert.Equal(whole.Ipv4Destination, part.Ipv4Destination);
                    Assert.Equal(whole.Ipv4Protocol, part.Ipv4Protocol);
                }
                if (part.TcpSourcePort >= 0 && whole.TcpSourcePort >= 0)
                    Assert.True(part.TcpSourcePort == whole.TcpSourcePort, $"frame {number}, {length} bytes");
                if (part.UdpSourcePort >= 0 && whole.UdpSourcePort >= 0)
                    Assert.True(part.UdpSourcePort == whole.UdpSourcePort, $"frame {number}, {length} bytes");
                if (part.TcpAcknowledgement >= 0)
                    Assert.Equal(whole.TcpAcknowledgement, part.TcpAcknowledgement);
            }
        }
    }

    [Fact]
    public void Truncation_is_counted_as_a_named_event()
    {
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        decoder.Decode(LinkType.Ethernet, Ethernet(Ipv4(A, B, 6, Tcp(1, 2, 3, 4)))[..30], ref fields);
        decoder.Decode(LinkType.Ethernet, new byte[5], ref fields);
        decoder.Decode(LinkType.Ethernet, Ethernet(Ipv4(A, B, 6, Tcp(1, 2, 3, 4)[..10])), ref fields);
        Assert.Equal(1, decoder.Events[DecodeEvent.Ipv4Truncated]);
        Assert.Equal(1, decoder.Events[DecodeEvent.LinkTruncated]);
        Assert.Equal(1, decoder.Events[DecodeEvent.TcpTruncated]);
    }

    [Fact]
    public void Deep_nesting_stops_at_the_bound_without_overflowing_the_stack()
    {
        var packet = Ipv4(A, B, 17, Udp(1, 2));
        for (var i = 0; i < 5000; i++)
            packet = Ipv4(A, B, 4, packet);
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        decoder.Decode(LinkType.Raw, packet, ref fields);
        Assert.True(decoder.Events[DecodeEvent.TooDeep] > 0);
        Assert.True(fields.HasIpv4);
        Assert.Equal(-1, fields.UdpSourcePort);
    }

    [Fact]
    public void Decoding_allocates_nothing_per_packet()
    {
        var frames = AppendixCFrames.All().Select(f => f.Frame).Concat(TunnelFrames().Select(f => f.Frame)).ToArray();
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        foreach (var frame in frames)
            decoder.Decode(LinkType.Ethernet, frame, ref fields);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20_000; i++)
        {
            foreach (var frame in frames)
            {
                // Fragments are excluded: a datagram's buffer is rented and returned per reassembly.
                if (frame.Length > 23 && (frame[20] & 0x3f) == 0 && frame[21] == 0)
                    decoder.Decode(LinkType.Ethernet, frame, ref fields);
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static IEnumerable<(int Number, byte[] Frame, string Expected)> TunnelFrames()
    {
        var inner = Ipv4([172, 16, 0, 1], [172, 16, 0, 2], 6, Tcp(1111, 80, 5, 6, flags: 0x10));
        yield return (100, Ethernet(Ipv4(A, B, 17, Udp(50000, 4789, Concat(new byte[8], Ethernet(inner))))), "");
        yield return (101, Ethernet(Ipv4(A, B, 47, Gre(0x6558, Ethernet(inner), key: 7))), "");
        yield return (102, Ethernet(Ipv4(A, B, 1, Icmp(11, 0, Ipv4(B, A, 6, Tcp(9, 10, 11, 12))[..28]))), "");
        yield return (103, Ethernet(Ipv4(A, B, 41, Ipv6(Ipv6Address("2001:db8::1"), Ipv6Address("2001:db8::2"), 6, Tcp(7, 8, 9, 10)))), "");
    }
}
