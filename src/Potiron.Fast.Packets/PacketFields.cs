namespace Potiron.Fast.Packets;

/// <summary>
/// The values potiron's tshark command prints for one frame: the first occurrence of each field in
/// dissection order (<c>-E occurrence=f</c>). The decoder fills it; aggregation reads it.
/// Absent numeric values are -1 so that "absent" and "zero" never mix.
/// </summary>
public struct PacketFields
{
    /// <summary>True when the frame holds at least one IPv4 header (tshark's <c>ip</c> layer).</summary>
    public bool HasIpv4;
    /// <summary>True when some IPv4 header anywhere in the frame (outer, tunnelled or quoted in an ICMP error)
    /// has destination 255.255.255.255: tshark 4.0's <c>ip.dst ne 255.255.255.255</c> is then false.</summary>
    public bool AnyIpv4DestinationIsBroadcast;

    // First IPv4 header in dissection order.
    public uint Ipv4Source;          // host byte order
    public uint Ipv4Destination;     // host byte order
    public ushort Ipv4TotalLength;
    public byte Ipv4Ttl;
    public byte Ipv4Tos;
    public byte Ipv4Protocol;

    // First IPv6 header in dissection order (counted only with --ipv6).
    public bool HasIpv6;
    public Ipv6Address Ipv6Source;
    public Ipv6Address Ipv6Destination;
    public ushort Ipv6PayloadLength;
    public byte Ipv6HopLimit;
    public byte Ipv6TrafficClass;
    /// <summary>The upper-layer protocol after the extension headers of the first IPv6 header.</summary>
    public byte Ipv6UpperProtocol;

    // First TCP header (ports, sequence, acknowledgement are each present or -1).
    public int TcpSourcePort;
    public int TcpDestinationPort;
    public long TcpSequence;
    public long TcpAcknowledgement;

    // First UDP header.
    public int UdpSourcePort;
    public int UdpDestinationPort;

    // First ICMP (v4) header.
    public short IcmpType;
    public short IcmpCode;

    /// <summary>Clears every field to "absent".</summary>
    public void Reset()
    {
        this = default;
        TcpSourcePort = TcpDestinationPort = UdpSourcePort = UdpDestinationPort = -1;
        TcpSequence = TcpAcknowledgement = -1;
        IcmpType = IcmpCode = -1;
    }

    /// <summary>tshark 4.0's <c>ip.dst ne 255.255.255.255</c>: some IPv4 header exists and none goes to the limited broadcast.</summary>
    public readonly bool PassesDefaultFilter => HasIpv4 && !AnyIpv4DestinationIsBroadcast;

    /// <summary>potiron's <c>sport</c>: the TCP source port when a TCP header was found, else the UDP one, else -1.</summary>
    public readonly int SourcePort => TcpSourcePort >= 0 ? TcpSourcePort : UdpSourcePort;

    /// <summary>potiron's <c>dport</c>, TCP before UDP like <see cref="SourcePort"/>.</summary>
    public readonly int DestinationPort => TcpDestinationPort >= 0 ? TcpDestinationPort : UdpDestinationPort;
}
