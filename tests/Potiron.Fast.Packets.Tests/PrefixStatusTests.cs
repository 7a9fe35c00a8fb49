using Potiron.Fast.Packets;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Packets.Tests;

/// <summary>Every prefix length of a fixture gives the expected anomaly, named by the layer where the bytes ran out.</summary>
public sealed class PrefixStatusTests
{
    private static DecodeEvent? EventOf(ReadOnlySpan<byte> frame, LinkType linkType = LinkType.Ethernet)
    {
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        decoder.Decode(linkType, frame, ref fields);
        var events = decoder.Events.NonZero().Select(e => e.Key).Where(e => e is not (DecodeEvent.Ipv4TotalLengthBeyondCapture or DecodeEvent.Tunnelled or DecodeEvent.IcmpErrorQuote)).ToArray();
        Assert.True(events.Length <= 1, string.Join(", ", events));
        return events.Length == 0 ? null : events[0];
    }

    [Fact]
    public void Ethernet_ipv4_tcp()
    {
        var frame = Ethernet(Ipv4(A, B, 6, Tcp(1, 2, 3, 4)));
        for (var length = 0; length <= frame.Length; length++)
        {
            DecodeEvent? expected = length switch
            {
                < 14 => DecodeEvent.LinkTruncated,
                < 14 + 20 => DecodeEvent.Ipv4Truncated,
                < 14 + 20 + 16 => DecodeEvent.TcpTruncated,
                _ => null,
            };
            Assert.True(expected == EventOf(frame.AsSpan(0, length)), $"{length} bytes: expected {expected}, got {EventOf(frame.AsSpan(0, length))}");
        }
    }

    [Fact]
    public void Vlan_ipv4_udp()
    {
        var frame = Ethernet(VlanTagged(Ipv4(A, B, 17, Udp(1, 2))), 0x8100);
        for (var length = 0; length <= frame.Length; length++)
        {
            DecodeEvent? expected = length switch
            {
                < 14 + 4 => DecodeEvent.LinkTruncated,
                < 18 + 20 => DecodeEvent.Ipv4Truncated,
                < 18 + 20 + 8 => DecodeEvent.UdpTruncated,
                _ => null,
            };
            Assert.True(expected == EventOf(frame.AsSpan(0, length)), $"{length} bytes: expected {expected}, got {EventOf(frame.AsSpan(0, length))}");
        }
    }

    [Fact]
    public void Ipv4_gre_ipv4_udp()
    {
        var frame = Ipv4(A, B, 47, Gre(0x0800, Ipv4(B, A, 17, Udp(1, 2)), key: 5));
        for (var length = 0; length <= frame.Length; length++)
        {
            DecodeEvent? expected = length switch
            {
                < 20 => DecodeEvent.Ipv4Truncated,
                < 20 + 8 => DecodeEvent.GreTruncated,
                < 28 + 20 => DecodeEvent.Ipv4Truncated,
                < 48 + 8 => DecodeEvent.UdpTruncated,
                _ => null,
            };
            Assert.True(expected == EventOf(frame.AsSpan(0, length), LinkType.Raw), $"{length} bytes: expected {expected}, got {EventOf(frame.AsSpan(0, length), LinkType.Raw)}");
        }
    }

    [Fact]
    public void Ipv6_hop_by_hop_tcp()
    {
        var hopByHop = new byte[8];
        hopByHop[0] = 6;
        var frame = Ipv6(Ipv6Address("2001:db8::1"), Ipv6Address("2001:db8::2"), 0, Concat(hopByHop, Tcp(1, 2, 3, 4)));
        for (var length = 0; length <= frame.Length; length++)
        {
            DecodeEvent? expected = length switch
            {
                0 => DecodeEvent.Ipv4Truncated, // no version nibble at all
                < 40 => DecodeEvent.Ipv6Truncated,
                < 48 => DecodeEvent.Ipv6ExtensionHeadersTruncated,
                < 48 + 16 => DecodeEvent.TcpTruncated,
                _ => null,
            };
            Assert.True(expected == EventOf(frame.AsSpan(0, length), LinkType.Raw), $"{length} bytes: expected {expected}, got {EventOf(frame.AsSpan(0, length), LinkType.Raw)}");
        }
    }
}
