using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

// The less common link layers: capture-tool pseudo-headers and 802.11.
public sealed partial class PacketDecoder
{
    /// <summary>Linux NFLOG: a 4-byte header, then type-length-value attributes; NFULA_PAYLOAD (9) holds the packet.</summary>
    private void DecodeNflog(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 4)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        var offset = 4;
        while (offset + 4 <= frame.Length)
        {
            // Lengths and types are in host byte order of the capturing machine; little-endian in practice.
            int length = BinaryPrimitives.ReadUInt16LittleEndian(frame[offset..]);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(frame[(offset + 2)..]) & 0x7fff;
            if (length < 4 || offset + length > frame.Length)
            {
                Note(DecodeEvent.LinkTruncated);
                return;
            }
            if (type == 9)
            {
                DecodeIpByVersion(frame.Slice(offset + 4, length - 4), ref f, depth + 1, inError: false);
                return;
            }
            offset += (length + 3) & ~3;
        }
        Note(DecodeEvent.NotIp);
    }

    /// <summary>Apple PKTAP: a header whose length and inner link type it states itself (little-endian).</summary>
    private void DecodePktap(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 8)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        var inner = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
        if (headerLength < 8 || headerLength > (uint)frame.Length || depth + 1 > MaximumDepth)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        DecodeLink((LinkType)(ushort)inner, frame[(int)headerLength..], ref f, depth + 1);
    }

    /// <summary>Per-Packet Information: version, flags, length (LE), inner link type (LE), then fields we skip.</summary>
    private void DecodePpi(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 8)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(frame[2..]);
        var inner = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
        if (length < 8 || length > frame.Length || depth + 1 > MaximumDepth)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        DecodeLink((LinkType)(ushort)inner, frame[length..], ref f, depth + 1);
    }

    /// <summary>Radiotap: a self-describing header of stated length (LE), then an 802.11 frame.</summary>
    private void DecodeRadiotap(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 8)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(frame[2..]);
        if (length < 8 || length > frame.Length)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        DecodeIeee80211(frame[length..], ref f, depth + 1);
    }

    /// <summary>802.11 data frames carrying LLC/SNAP; management, control, null-data and protected frames carry no IP we can read.</summary>
    private void DecodeIeee80211(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 24)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        var control = frame[0];
        var flags = frame[1];
        var type = (control >> 2) & 3;
        var subtype = (control >> 4) & 0xf;
        if (type != 2 || (subtype & 0x4) != 0 || (flags & 0x40) != 0)
        {
            Note(DecodeEvent.NotIp);
            return;
        }
        var headerLength = 24;
        if ((flags & 0x03) == 0x03)
            headerLength += 6; // four addresses (WDS)
        if ((subtype & 0x8) != 0)
        {
            headerLength += 2; // QoS control
            if ((flags & 0x80) != 0)
                headerLength += 4; // HT control
        }
        if (headerLength > frame.Length)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        DecodeLlc(frame[headerLength..], ref f, depth);
    }

    /// <summary>Solaris IPNET: a 24-byte header whose family byte says IPv4 (2) or IPv6 (26).</summary>
    private void DecodeIpNet(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 24)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        if (frame[1] is 2 or 26)
            DecodeIpByVersion(frame[24..], ref f, depth, inError: false);
        else
            Note(DecodeEvent.NotIp);
    }

    /// <summary>Linux ARCNET: source, destination, 2 bytes of offset, protocol id, then (RFC 1201) split flag and sequence.</summary>
    private void DecodeArcnetLinux(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 5)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        var protocol = frame[4];
        var offset = 5;
        switch (protocol)
        {
            case 0xd4 or 0xc4: // RFC 1201 IPv4, IPv6: split flag and sequence number follow
                if (frame.Length < 8)
                {
                    Note(DecodeEvent.LinkTruncated);
                    return;
                }
                offset = frame[5] == 0xff ? 12 : 8; // an exception packet repeats the header
                break;
            case 0xf0: // RFC 1051 IPv4
                break;
            default:
                Note(DecodeEvent.NotIp);
                return;
        }
        if (offset > frame.Length)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        DecodeIpByVersion(frame[offset..], ref f, depth, inError: false);
    }
}
