namespace Potiron.Fast.Packets;

/// <summary>
/// Named anomalies and notable layers met while decoding. Each is a counter, never an exception or a log line
/// per packet (the Suricata/Zeek way); the run's stats block prints every non-zero one.
/// </summary>
public enum DecodeEvent
{
    /// <summary>The link-layer header is cut short.</summary>
    LinkTruncated,
    /// <summary>A link type we do not decode (the frame cannot count).</summary>
    UnsupportedLinkType,
    /// <summary>Frames that carry neither IPv4 nor IPv6 (ARP, STP, LLC ...): normal, counted for the stats.</summary>
    NotIp,
    /// <summary>IPv4 header shorter than 20 bytes of capture, or its fields cut by the snapshot length.</summary>
    Ipv4Truncated,
    /// <summary>IPv4 header length field below 20 bytes (tshark: "bogus IP header length").</summary>
    Ipv4BadHeaderLength,
    /// <summary>IPv4 total length below the header length.</summary>
    Ipv4BadTotalLength,
    /// <summary>IPv4 total length says more bytes than the frame holds (cut by the snapshot length or lying).</summary>
    Ipv4TotalLengthBeyondCapture,
    /// <summary>Version nibble is not 4 where IPv4 was announced.</summary>
    Ipv4BadVersion,
    /// <summary>IPv4 options run past the header length.</summary>
    Ipv4OptionsTruncated,
    /// <summary>An IPv4 fragment (reassembly is attempted like tshark's).</summary>
    Ipv4Fragment,
    /// <summary>A datagram whose fragments were all seen: its payload was decoded on the completing fragment.</summary>
    Ipv4Reassembled,
    /// <summary>
    /// An unfinished datagram (IPv4 or IPv6) dropped to keep the reassembly table within its bounds (1,024 datagrams,
    /// 16 MiB of buffers), oldest first: its fragments are not reassembled.
    /// </summary>
    Ipv4ReassemblyEvicted,
    Ipv6Truncated,
    Ipv6BadVersion,
    /// <summary>IPv6 extension header chain cut short, too long or malformed.</summary>
    Ipv6ExtensionHeadersTruncated,
    TcpTruncated,
    /// <summary>TCP data offset below 5 (tshark: "bogus TCP header length").</summary>
    TcpBadHeaderLength,
    UdpTruncated,
    IcmpTruncated,
    Icmpv6Truncated,
    GreTruncated,
    /// <summary>GRE with a version or flags we do not decode further.</summary>
    GreUnsupported,
    /// <summary>Encapsulation deeper than the decoder's bound: the rest of the frame is not looked at.</summary>
    TooDeep,
    /// <summary>Frames carried in a tunnel (GRE, IP-in-IP, 6in4, VXLAN, Geneve ...).</summary>
    Tunnelled,
    /// <summary>ICMP or ICMPv6 errors whose quoted packet was decoded.</summary>
    IcmpErrorQuote,
    MplsTruncated,
    PppTruncated,
}
