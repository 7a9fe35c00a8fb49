using System.Buffers.Binary;
using System.Net;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary>Builds the <see cref="PacketFields"/> a correct decoder yields, field by field.</summary>
internal static class Packet
{
    public static PacketFields None()
    {
        var fields = default(PacketFields);
        fields.Reset();
        return fields;
    }

    public static PacketFields Ipv4(string source, string destination, byte protocol, ushort totalLength, byte ttl = 64, byte tos = 0)
    {
        var fields = None();
        fields.HasIpv4 = true;
        fields.Ipv4Source = Address(source);
        fields.Ipv4Destination = Address(destination);
        fields.AnyIpv4DestinationIsBroadcast = fields.Ipv4Destination == uint.MaxValue;
        fields.Ipv4Protocol = protocol;
        fields.Ipv4TotalLength = totalLength;
        fields.Ipv4Ttl = ttl;
        fields.Ipv4Tos = tos;
        return fields;
    }

    public static PacketFields Ipv6(string source, string destination, byte upperProtocol, ushort payloadLength, byte hopLimit = 64, byte trafficClass = 0)
    {
        var fields = None();
        fields.HasIpv6 = true;
        fields.Ipv6Source = Address6(source);
        fields.Ipv6Destination = Address6(destination);
        fields.Ipv6UpperProtocol = upperProtocol;
        fields.Ipv6PayloadLength = payloadLength;
        fields.Ipv6HopLimit = hopLimit;
        fields.Ipv6TrafficClass = trafficClass;
        return fields;
    }

    public static PacketFields Tcp(this PacketFields fields, int sourcePort, int destinationPort, long sequence, long acknowledgement)
    {
        fields.TcpSourcePort = sourcePort;
        fields.TcpDestinationPort = destinationPort;
        fields.TcpSequence = sequence;
        fields.TcpAcknowledgement = acknowledgement;
        return fields;
    }

    public static PacketFields Udp(this PacketFields fields, int sourcePort, int destinationPort)
    {
        fields.UdpSourcePort = sourcePort;
        fields.UdpDestinationPort = destinationPort;
        return fields;
    }

    public static PacketFields Icmp(this PacketFields fields, short type, short code)
    {
        fields.IcmpType = type;
        fields.IcmpCode = code;
        return fields;
    }

    public static uint Address(string dotted) =>
        BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(dotted).GetAddressBytes());

    public static Ipv6Address Address6(string text) => Ipv6Address.Read(IPAddress.Parse(text).GetAddressBytes());
}
