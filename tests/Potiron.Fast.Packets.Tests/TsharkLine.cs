using System.Globalization;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Packets.Tests;

/// <summary>
/// Formats decoded fields the way potiron's tshark command prints a line after the timestamp
/// (<c>ip.len ip.proto ip.src ip.dst ip.ttl ip.dsfield tcp.srcport udp.srcport tcp.dstport udp.dstport tcp.seq tcp.ack icmp.code icmp.type</c>,
/// absent fields empty), so expectations can be written as tshark's own output.
/// </summary>
internal static class TsharkLine
{
    public static string Of(in PacketFields f)
    {
        static string N(long v) => v < 0 ? "" : v.ToString(CultureInfo.InvariantCulture);
        static string Ip(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
        return f.HasIpv4
            ? $"{f.Ipv4TotalLength} {f.Ipv4Protocol} {Ip(f.Ipv4Source)} {Ip(f.Ipv4Destination)} {f.Ipv4Ttl} 0x{f.Ipv4Tos:x2} " +
              $"{N(f.TcpSourcePort)} {N(f.UdpSourcePort)} {N(f.TcpDestinationPort)} {N(f.UdpDestinationPort)} {N(f.TcpSequence)} {N(f.TcpAcknowledgement)} {N(f.IcmpCode)} {N(f.IcmpType)}"
            : $"      {N(f.TcpSourcePort)} {N(f.UdpSourcePort)} {N(f.TcpDestinationPort)} {N(f.UdpDestinationPort)} {N(f.TcpSequence)} {N(f.TcpAcknowledgement)} {N(f.IcmpCode)} {N(f.IcmpType)}";
    }

    public static string Decode(byte[] frame, LinkType linkType = LinkType.Ethernet)
    {
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        decoder.Decode(linkType, frame, ref fields);
        return fields.PassesDefaultFilter ? Of(fields) : "filtered";
    }
}
