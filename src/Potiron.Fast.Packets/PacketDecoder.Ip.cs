using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

// The network and transport layers, with tshark 4.0's rules for which fields exist when bytes are missing.
public sealed partial class PacketDecoder
{
    private void DecodeIpByVersion(ReadOnlySpan<byte> packet, ref PacketFields f, int depth, bool inError)
    {
        if (packet.Length < 1)
        {
            Note(DecodeEvent.Ipv4Truncated);
            return;
        }
        switch (packet[0] >> 4)
        {
            case 4:
                DecodeIpv4(packet, ref f, depth, inError);
                return;
            case 6:
                DecodeIpv6(packet, ref f, depth, inError);
                return;
            default:
                Note(DecodeEvent.Ipv4BadVersion);
                return;
        }
    }

    private void DecodeIpv4(ReadOnlySpan<byte> packet, ref PacketFields f, int depth, bool inError)
    {
        if (++depth > MaximumDepth)
        {
            Note(DecodeEvent.TooDeep);
            return;
        }
        if (!Ipv4Header.TryCreate(packet, out var ip))
        {
            // tshark shows the fields it could read, but without ip.dst the frame never passes potiron's filter.
            Note(DecodeEvent.Ipv4Truncated);
            return;
        }
        var headerLength = ip.HeaderLength;
        if (headerLength < Ipv4Header.MinimumLength)
        {
            Note(DecodeEvent.Ipv4BadHeaderLength);
            return;
        }
        int totalLength = ip.TotalLength;
        if (totalLength == 0)
        {
            // tshark presumes TCP segmentation offload and takes the captured length.
            totalLength = packet.Length;
        }
        else if (totalLength < headerLength)
        {
            Note(DecodeEvent.Ipv4BadTotalLength);
            return;
        }

        if (!f.HasIpv4)
        {
            f.HasIpv4 = true;
            f.Ipv4Source = ip.Source;
            f.Ipv4Destination = ip.Destination;
            f.Ipv4TotalLength = (ushort)totalLength;
            f.Ipv4Ttl = ip.Ttl;
            f.Ipv4Tos = ip.Tos;
            f.Ipv4Protocol = ip.Protocol;
        }
        if (ip.Destination == 0xffffffff)
            f.AnyIpv4DestinationIsBroadcast = true;

        if (headerLength > packet.Length)
        {
            Note(DecodeEvent.Ipv4OptionsTruncated);
            return;
        }
        var end = totalLength;
        if (end > packet.Length)
        {
            Note(DecodeEvent.Ipv4TotalLengthBeyondCapture);
            end = packet.Length;
        }
        var payload = packet[headerLength..end];

        if (ip.IsFragment)
        {
            Note(DecodeEvent.Ipv4Fragment);
            var payloadLength = totalLength - headerLength;
            if (!inError && payloadLength > 0 && payload.Length >= payloadLength)
            {
                if (DeferFragments)
                {
                    _needsReassembly = true;
                    return;
                }
                var key = FragmentKey.ForIpv4(ip.Source, ip.Destination, ip.Identification, ip.Protocol);
                if (Reassemble(key, ip.FragmentOffset, payload[..payloadLength], ip.MoreFragments, out var datagram))
                {
                    Note(DecodeEvent.Ipv4Reassembled);
                    DecodeIpPayload(ip.Protocol, datagram, ref f, depth, inError, quotedByIcmpv4: false);
                }
                return;
            }
            // Not reassembled (cut by the snapshot length, or quoted in an ICMP error):
            // tshark dissects a first fragment's contents as they are, and nothing of the others.
            if (ip.FragmentOffset != 0)
                return;
        }
        DecodeIpPayload(ip.Protocol, payload, ref f, depth, inError, quotedByIcmpv4: false);
    }

    private void DecodeIpv6(ReadOnlySpan<byte> packet, ref PacketFields f, int depth, bool inError)
    {
        if (++depth > MaximumDepth)
        {
            Note(DecodeEvent.TooDeep);
            return;
        }
        if (!Ipv6Header.TryCreate(packet, out var ip))
        {
            Note(DecodeEvent.Ipv6Truncated);
            return;
        }
        if (ip.Version != 6)
        {
            Note(DecodeEvent.Ipv6BadVersion);
            return;
        }
        var first = !f.HasIpv6;
        if (first)
        {
            f.HasIpv6 = true;
            f.Ipv6Source = ip.Source;
            f.Ipv6Destination = ip.Destination;
            f.Ipv6PayloadLength = ip.PayloadLength;
            f.Ipv6HopLimit = ip.HopLimit;
            f.Ipv6TrafficClass = ip.TrafficClass;
            f.Ipv6UpperProtocol = ip.NextHeader;
        }
        var end = Ipv6Header.Length + ip.PayloadLength;
        if (ip.PayloadLength == 0 || end > packet.Length)
            end = packet.Length; // jumbogram or cut by the snapshot length
        var data = packet[..end];
        var offset = Ipv6Header.Length;
        var next = ip.NextHeader;

        // Extension headers: each step consumes at least 8 bytes, so the walk ends; the bound stops a long chain.
        for (var hops = 0; ; hops++)
        {
            if (hops > 64)
            {
                Note(DecodeEvent.Ipv6ExtensionHeadersTruncated);
                return;
            }
            switch (next)
            {
                case IpProtocol.HopByHop or IpProtocol.Ipv6Route or IpProtocol.Ipv6DestinationOptions
                    or IpProtocol.Mobility or IpProtocol.Hip or IpProtocol.Shim6:
                {
                    if (offset + 8 > data.Length)
                    {
                        Note(DecodeEvent.Ipv6ExtensionHeadersTruncated);
                        return;
                    }
                    var length = (data[offset + 1] + 1) * 8;
                    if (offset + length > data.Length)
                    {
                        Note(DecodeEvent.Ipv6ExtensionHeadersTruncated);
                        return;
                    }
                    next = data[offset];
                    offset += length;
                    continue;
                }
                case IpProtocol.Ipv6Fragment:
                {
                    if (offset + 8 > data.Length)
                    {
                        Note(DecodeEvent.Ipv6ExtensionHeadersTruncated);
                        return;
                    }
                    var fragmentWord = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
                    var fragmentOffset = fragmentWord & 0xfff8;
                    var more = (fragmentWord & 1) != 0;
                    var identification = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 4)..]);
                    next = data[offset];
                    offset += 8;
                    if (first)
                        f.Ipv6UpperProtocol = next;
                    if (fragmentOffset == 0 && !more)
                        continue; // an atomic fragment: nothing to reassemble
                    Note(DecodeEvent.Ipv4Fragment);
                    var declared = Ipv6Header.Length + ip.PayloadLength;
                    if (!inError && ip.PayloadLength != 0 && declared <= packet.Length)
                    {
                        if (DeferFragments)
                        {
                            _needsReassembly = true;
                            return;
                        }
                        var key = new FragmentKey(ip.Source, ip.Destination, identification, 0, true);
                        if (Reassemble(key, fragmentOffset, data[offset..], more, out var datagram))
                        {
                            Note(DecodeEvent.Ipv4Reassembled);
                            DecodeIpPayload(next, datagram, ref f, depth, inError, quotedByIcmpv4: false);
                        }
                        return;
                    }
                    if (fragmentOffset != 0)
                        return;
                    DecodeIpPayload(next, data[offset..], ref f, depth, inError, quotedByIcmpv4: false);
                    return;
                }
                case IpProtocol.Ah:
                {
                    if (offset + 8 > data.Length)
                    {
                        Note(DecodeEvent.Ipv6ExtensionHeadersTruncated);
                        return;
                    }
                    var length = (data[offset + 1] + 2) * 4;
                    if (offset + length > data.Length)
                    {
                        Note(DecodeEvent.Ipv6ExtensionHeadersTruncated);
                        return;
                    }
                    next = data[offset];
                    offset += length;
                    continue;
                }
                default:
                    if (first)
                        f.Ipv6UpperProtocol = next;
                    DecodeIpPayload(next, data[offset..], ref f, depth, inError, quotedByIcmpv4: false);
                    return;
            }
        }
    }

    /// <summary>Dispatches on an IP protocol number (after IPv4, the IPv6 extension headers, AH ...).</summary>
    private void DecodeIpPayload(byte protocol, ReadOnlySpan<byte> payload, ref PacketFields f, int depth, bool inError, bool quotedByIcmpv4)
    {
        switch (protocol)
        {
            case IpProtocol.Tcp:
                DecodeTcp(payload, ref f, quotedByIcmpv4);
                return;
            case IpProtocol.Udp:
            case 136: // UDP-Lite: tshark shows its ports as udp.srcport/udp.dstport
                DecodeUdp(payload, ref f, depth, inError);
                return;
            case IpProtocol.Icmp:
                DecodeIcmp(payload, ref f, depth, inError);
                return;
            case IpProtocol.Icmpv6:
                DecodeIcmpv6(payload, ref f, depth, inError);
                return;
            case IpProtocol.IpInIp:
            case IpProtocol.Ipv6:
                Note(DecodeEvent.Tunnelled);
                DecodeIpByVersion(payload, ref f, depth, inError);
                return;
            case IpProtocol.Gre:
                DecodeGre(payload, ref f, depth, inError);
                return;
            case IpProtocol.Ah:
                // tshark dissects AH, then what it protects.
                if (payload.Length < 8)
                    return;
                var length = (payload[1] + 2) * 4;
                if (length > payload.Length || IsTooDeep(depth + 1))
                    return;
                DecodeIpPayload(payload[0], payload[length..], ref f, depth + 1, inError, quotedByIcmpv4);
                return;
            case IpProtocol.EtherIp:
                if (payload.Length >= 2)
                {
                    Note(DecodeEvent.Tunnelled);
                    DecodeEthernet(payload[2..], ref f, depth + 1);
                }
                return;
            case 108: // IPComp: tshark inflates the payload, then dissects it as the next header says
                if (payload.Length >= 4 && !IsTooDeep(depth + 1) && _ipComp.TryInflate(payload[4..], out var inflated))
                    DecodeIpPayload(payload[0], inflated, ref f, depth + 1, inError, quotedByIcmpv4);
                return;
            case 103: // PIM: a version 2 Register message carries a whole IP packet after 8 bytes
                if (payload.Length > 8 && payload[0] == 0x21)
                {
                    Note(DecodeEvent.Tunnelled);
                    DecodeIpByVersion(payload[8..], ref f, depth + 1, inError);
                }
                return;
            case 137: // MPLS in IP
                DecodeMpls(payload, ref f, depth + 1);
                return;
            default:
                return;
        }
    }

    private void DecodeTcp(ReadOnlySpan<byte> segment, ref PacketFields f, bool quotedByIcmpv4)
    {
        var tcp = new TcpHeader(segment);
        if (!tcp.HasPorts)
        {
            Note(DecodeEvent.TcpTruncated);
            return;
        }
        if (f.TcpSourcePort >= 0)
        {
            // Only the first TCP header's values are printed; a later one adds nothing.
            return;
        }
        f.TcpSourcePort = tcp.SourcePort;
        f.TcpDestinationPort = tcp.DestinationPort;
        // tshark adds tcp.seq early for a header quoted by ICMP, which usually holds only 8 bytes.
        if (quotedByIcmpv4 && tcp.HasSequence)
            f.TcpSequence = tcp.Sequence;
        // Otherwise it reads the 16 fixed bytes up to the window before it shows seq, and ack only after
        // checking the data offset (tshark 4.0, checked with crafted frames).
        if (segment.Length < 16)
        {
            Note(DecodeEvent.TcpTruncated);
            return;
        }
        f.TcpSequence = tcp.Sequence;
        if (tcp.HeaderLength < 20)
        {
            Note(DecodeEvent.TcpBadHeaderLength);
            return;
        }
        f.TcpAcknowledgement = tcp.Acknowledgement;
    }

    private void DecodeUdp(ReadOnlySpan<byte> datagram, ref PacketFields f, int depth, bool inError)
    {
        var udp = new UdpHeader(datagram);
        if (!udp.HasPorts)
        {
            Note(DecodeEvent.UdpTruncated);
            return;
        }
        if (f.UdpSourcePort < 0)
        {
            f.UdpSourcePort = udp.SourcePort;
            f.UdpDestinationPort = udp.DestinationPort;
        }
        if (!udp.IsComplete)
        {
            // tshark prints the ports from 4 bytes; the rest of the header is missing.
            Note(DecodeEvent.UdpTruncated);
            return;
        }
        DecodeUdpPayload(udp.SourcePort, udp.DestinationPort, datagram[UdpHeader.Length..], ref f, depth, inError);
    }

    private void DecodeIcmp(ReadOnlySpan<byte> message, ref PacketFields f, int depth, bool inError)
    {
        if (message.Length < 2)
        {
            Note(DecodeEvent.IcmpTruncated);
            if (message.Length == 1 && f.IcmpType < 0)
                f.IcmpType = message[0];
            return;
        }
        var type = message[0];
        if (f.IcmpType < 0)
        {
            f.IcmpType = type;
            f.IcmpCode = message[1];
        }
        // Destination unreachable, source quench, redirect, time exceeded, parameter problem quote the datagram.
        if (type is 3 or 4 or 5 or 11 or 12 && message.Length > 8)
        {
            Note(DecodeEvent.IcmpErrorQuote);
            // How much of the quoted datagram's payload tshark lets the next layer see (checked with crafted
            // frames): an RFC 4884 length (in 32-bit words) bounds it for the three types that have one; a
            // redirect shows only the 8 bytes RFC 792 promises.
            var payloadLimit = -1;
            if (type is 3 or 11 or 12 && message[5] != 0)
                payloadLimit = message[5] * 4;
            else if (type == 5)
                payloadLimit = 8;
            DecodeIpv4Quoted(message[8..], payloadLimit, ref f, depth);
        }
    }

    /// <summary>The datagram quoted by an ICMPv4 error, with tshark's early tcp.seq for an 8-byte TCP quote.</summary>
    private void DecodeIpv4Quoted(ReadOnlySpan<byte> quoted, int payloadLimit, ref PacketFields f, int depth)
    {
        if (payloadLimit >= 0 && quoted.Length >= 1 && (quoted[0] >> 4) == 4)
        {
            var limit = (quoted[0] & 0x0f) * 4 + payloadLimit;
            if (limit < quoted.Length)
                quoted = quoted[..limit];
        }
        if (quoted.Length >= 1 && (quoted[0] >> 4) == 4 && Ipv4Header.TryCreate(quoted, out var ip)
            && ip.HeaderLength >= Ipv4Header.MinimumLength && ip.Protocol == IpProtocol.Tcp
            && ip.HeaderLength <= quoted.Length && ip.FragmentOffset == 0 && ip.TotalLength >= ip.HeaderLength)
        {
            // Same as DecodeIpv4 for the IP fields, then the TCP header with the ICMP rule.
            if (!f.HasIpv4)
            {
                f.HasIpv4 = true;
                f.Ipv4Source = ip.Source;
                f.Ipv4Destination = ip.Destination;
                f.Ipv4TotalLength = ip.TotalLength;
                f.Ipv4Ttl = ip.Ttl;
                f.Ipv4Tos = ip.Tos;
                f.Ipv4Protocol = ip.Protocol;
            }
            if (ip.Destination == 0xffffffff)
                f.AnyIpv4DestinationIsBroadcast = true;
            var end = Math.Min(ip.TotalLength == 0 ? quoted.Length : ip.TotalLength, quoted.Length);
            DecodeTcp(quoted[ip.HeaderLength..end], ref f, quotedByIcmpv4: true);
            return;
        }
        DecodeIpByVersion(quoted, ref f, depth, inError: true);
    }

    private void DecodeIcmpv6(ReadOnlySpan<byte> message, ref PacketFields f, int depth, bool inError)
    {
        if (message.Length < 4)
        {
            Note(DecodeEvent.Icmpv6Truncated);
            return;
        }
        // Errors (destination unreachable, packet too big, time exceeded, parameter problem) quote the packet.
        if (message[0] is 1 or 2 or 3 or 4 && message.Length > 8)
        {
            Note(DecodeEvent.IcmpErrorQuote);
            DecodeIpByVersion(message[8..], ref f, depth, inError: true);
        }
    }

    private void DecodeGre(ReadOnlySpan<byte> packet, ref PacketFields f, int depth, bool inError)
    {
        if (!GreHeader.TryCreate(packet, out var gre))
        {
            Note(DecodeEvent.GreTruncated);
            return;
        }
        if (gre.Version > 1)
        {
            Note(DecodeEvent.GreUnsupported);
            return;
        }
        Note(DecodeEvent.Tunnelled);
        DecodeGrePayload(gre.ProtocolType, gre.HasSequence, packet[gre.Length..], ref f, depth, inError);
    }

    private void DecodeGrePayload(ushort protocolType, bool hasSequence, ReadOnlySpan<byte> payload, ref PacketFields f, int depth, bool inError = false)
    {
        switch (protocolType)
        {
            case EtherType.Ipv4:
            case EtherType.Ipv6:
                DecodeIpByVersion(payload, ref f, depth, inError);
                return;
            case EtherType.TransparentEthernetBridging:
                DecodeEthernet(payload, ref f, depth + 1);
                return;
            case EtherType.Ppp:
                DecodePpp(payload, ref f, depth);
                return;
            case EtherType.MplsUnicast:
            case EtherType.MplsMulticast:
                DecodeMpls(payload, ref f, depth + 1);
                return;
            case EtherType.ErspanTypeII:
                // Type II has an 8-byte ERSPAN header (and GRE's sequence bit); type I has none.
                if (hasSequence)
                {
                    if (payload.Length < 8)
                        return;
                    payload = payload[8..];
                }
                DecodeEthernet(payload, ref f, depth + 1);
                return;
            case EtherType.ErspanTypeIII:
                if (payload.Length < 12)
                    return;
                var optional = (payload[11] & 1) != 0 ? 8 : 0;
                if (payload.Length < 12 + optional)
                    return;
                DecodeEthernet(payload[(12 + optional)..], ref f, depth + 1);
                return;
            case EtherType.CiscoMetaData:
                // In GRE the type comes first: type (2), version, length, option (2), SGT (2).
                if (payload.Length < 8 || IsTooDeep(depth + 1))
                    return;
                DecodeGrePayload(BinaryPrimitives.ReadUInt16BigEndian(payload), false, payload[8..], ref f, depth + 1, inError);
                return;
            case EtherType.Wccp:
                // A 4-byte redirect header, unless the payload already starts like IPv4.
                if (payload.Length >= 1 && (payload[0] >> 4) != 4 && payload.Length >= 4)
                    payload = payload[4..];
                DecodeIpByVersion(payload, ref f, depth, inError);
                return;
            default:
                Note(DecodeEvent.NotIp);
                return;
        }
    }

    /// <summary>UDP tunnels that tshark follows by port: the lower port's dissector first, like tshark's UDP.</summary>
    private void DecodeUdpPayload(ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, ref PacketFields f, int depth, bool inError)
    {
        var low = Math.Min(sourcePort, destinationPort);
        var high = Math.Max(sourcePort, destinationPort);
        if (!TryDecodeUdpTunnel(low, payload, ref f, depth, inError) && !IsKnownUdpService(low))
            TryDecodeUdpTunnel(high, payload, ref f, depth, inError);
    }

    private bool TryDecodeUdpTunnel(ushort port, ReadOnlySpan<byte> payload, ref PacketFields f, int depth, bool inError)
    {
        switch (port)
        {
            case 4789: // VXLAN
                if (payload.Length < 8)
                    return true;
                Note(DecodeEvent.Tunnelled);
                DecodeEthernet(payload[8..], ref f, depth + 1);
                return true;
            case 6081: // Geneve
            {
                if (payload.Length < 8)
                    return true;
                var length = 8 + (payload[0] & 0x3f) * 4;
                if (payload.Length < length)
                    return true;
                Note(DecodeEvent.Tunnelled);
                DecodeGrePayload(BinaryPrimitives.ReadUInt16BigEndian(payload[2..]), false, payload[length..], ref f, depth + 1, inError);
                return true;
            }
            case 2152: // GTP-U
                DecodeGtpUser(payload, ref f, depth, inError);
                return true;
            default:
                return false;
        }
    }

    /// <summary>GTPv1-U: a G-PDU (message type 255) carries an IP packet after the header and its extensions.</summary>
    private void DecodeGtpUser(ReadOnlySpan<byte> payload, ref PacketFields f, int depth, bool inError)
    {
        if (payload.Length < 8 || (payload[0] >> 5) != 1 || payload[1] != 0xff)
            return;
        var offset = 8;
        if ((payload[0] & 0x07) != 0)
        {
            if (payload.Length < 12)
                return;
            var next = payload[11];
            offset = 12;
            while (next != 0)
            {
                if (offset >= payload.Length)
                    return;
                var length = payload[offset] * 4;
                if (length == 0 || offset + length > payload.Length)
                    return;
                next = payload[offset + length - 1];
                offset += length;
            }
        }
        Note(DecodeEvent.Tunnelled);
        DecodeIpByVersion(payload[offset..], ref f, depth + 1, inError);
    }

    /// <summary>
    /// The bound for the layers that call themselves without passing through an IP or EtherType dispatch (AH in AH,
    /// IPComp in IPComp, Cisco metadata in Cisco metadata): each step eats only a few bytes, so without it one
    /// 64 KiB frame nests thousands of calls deep and overflows a thread-pool thread's stack, which kills the process.
    /// </summary>
    private bool IsTooDeep(int depth)
    {
        if (depth <= MaximumDepth)
            return false;
        Note(DecodeEvent.TooDeep);
        return true;
    }

    /// <summary>Low ports that tshark hands to a non-tunnel dissector first, so a tunnel on the high port is not tried.</summary>
    private static bool IsKnownUdpService(ushort port) => port is 53 or 67 or 68 or 123 or 137 or 138 or 161 or 162 or 500 or 514 or 1900 or 4500 or 5353;
}
