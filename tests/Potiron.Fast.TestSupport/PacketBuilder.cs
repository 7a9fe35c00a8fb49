using System.Buffers.Binary;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// Builds frames for tests, innermost layer first: <c>PacketBuilder.Tcp(...)</c> gives a TCP header, wrap it with
/// <see cref="Ipv4"/>, then <see cref="Ethernet"/>. Checksums are left at zero (tshark does not validate them by default,
/// and neither do we).
/// </summary>
public static class PacketBuilder
{
    public static readonly byte[] A = [10, 0, 0, 1];
    public static readonly byte[] B = [192, 168, 1, 2];
    public static readonly byte[] Broadcast = [255, 255, 255, 255];

    public static byte[] Ethernet(byte[] payload, ushort etherType = 0x0800, byte[]? source = null, byte[]? destination = null)
    {
        var frame = new byte[14 + payload.Length];
        (destination ?? [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]).CopyTo(frame, 0);
        (source ?? [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]).CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame, 14);
        return frame;
    }

    /// <summary>An 802.1Q (or 802.1ad with <paramref name="tpid"/> 0x88a8) tag in front of <paramref name="payload"/>.</summary>
    public static byte[] VlanTagged(byte[] payload, ushort innerType = 0x0800, ushort vlan = 100) =>
        Concat([(byte)(vlan >> 8), (byte)vlan, (byte)(innerType >> 8), (byte)innerType], payload);

    public static byte[] Ipv4(byte[] source, byte[] destination, byte protocol, byte[] payload, byte ttl = 64, byte tos = 0,
        ushort identification = 1, bool moreFragments = false, int fragmentOffset = 0, int? totalLength = null, byte[]? options = null)
    {
        options ??= [];
        var headerLength = 20 + options.Length;
        var packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        packet[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(totalLength ?? packet.Length));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identification);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)((moreFragments ? 0x2000 : 0) | (fragmentOffset / 8)));
        packet[8] = ttl;
        packet[9] = protocol;
        source.CopyTo(packet, 12);
        destination.CopyTo(packet, 16);
        options.CopyTo(packet, 20);
        payload.CopyTo(packet, headerLength);
        return packet;
    }

    public static byte[] Ipv6(byte[] source16, byte[] destination16, byte nextHeader, byte[] payload, byte hopLimit = 64, byte trafficClass = 0)
    {
        var packet = new byte[40 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, 0x60000000u | ((uint)trafficClass << 20));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        source16.CopyTo(packet, 8);
        destination16.CopyTo(packet, 24);
        payload.CopyTo(packet, 40);
        return packet;
    }

    public static byte[] Tcp(ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgement, byte flags = 0x02, int dataOffsetWords = 5, byte[]? payload = null)
    {
        payload ??= [];
        var header = new byte[Math.Max(20, dataOffsetWords * 4) + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(header, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), acknowledgement);
        header[12] = (byte)(dataOffsetWords << 4);
        header[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), 1024);
        payload.CopyTo(header, header.Length - payload.Length);
        return header;
    }

    public static byte[] Udp(ushort sourcePort, ushort destinationPort, byte[]? payload = null)
    {
        payload ??= [];
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        payload.CopyTo(datagram, 8);
        return datagram;
    }

    /// <summary>An ICMP message: type, code, checksum (0), the 4 bytes after it, then <paramref name="body"/>.</summary>
    public static byte[] Icmp(byte type, byte code, byte[]? body = null, uint restOfHeader = 0)
    {
        body ??= [];
        var message = new byte[8 + body.Length];
        message[0] = type;
        message[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), restOfHeader);
        body.CopyTo(message, 8);
        return message;
    }

    public static byte[] Gre(ushort protocolType, byte[] payload, uint? key = null)
    {
        var header = new byte[4 + (key is null ? 0 : 4)];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)(key is null ? 0 : 0x2000));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), protocolType);
        if (key is not null)
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), key.Value);
        return Concat(header, payload);
    }

    public static byte[] Arp(ushort opcode)
    {
        var arp = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), 0x0800);
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), opcode);
        return arp;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    public static byte[] Ipv6Address(string text) => System.Net.IPAddress.Parse(text).GetAddressBytes();
}
