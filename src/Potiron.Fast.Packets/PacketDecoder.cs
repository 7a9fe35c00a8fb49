using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

/// <summary>
/// The lax frame decoder: walks every layer it knows, in tshark's dissection order, and fills
/// <see cref="PacketFields"/> with the first occurrence of each field, as potiron's
/// <c>tshark -E occurrence=f</c> command prints it. It never throws on packet content: what cannot be
/// decoded is counted in <see cref="Events"/> and the layers that did decode still count.
/// One instance per worker and file (it holds the fragment reassembly state, like tshark does per file).
/// </summary>
public sealed partial class PacketDecoder
{
    /// <summary>Bound on nested encapsulations (tunnels, quoted ICMP errors): hostile frames stop here.</summary>
    public const int MaximumDepth = 16;

    private readonly FragmentReassembler _reassembler = new();
    private readonly IpCompInflater _ipComp = new();

    // The anomalies of the frame being decoded: applied to Events when the frame is done, dropped when the frame is
    // handed back for in-order reassembly (it will be decoded again, and must not count twice).
    private readonly DecodeEvent[] _pending = new DecodeEvent[64];
    private int _pendingCount;
    private bool _needsReassembly;

    public DecodeEventCounts Events { get; } = new();

    /// <summary>
    /// When true, a frame that needs fragment reassembly is not decoded: <see cref="Decode"/> returns false and the
    /// caller hands the frame to the one decoder that sees the file's fragments in order (parallel ingest of one file).
    /// </summary>
    public bool DeferFragments { get; init; }

    /// <summary>Forgets per-file state (open fragments): call between files.</summary>
    public void StartFile() => _reassembler.Clear();

    /// <summary>
    /// Decodes one frame. <paramref name="fields"/> is reset first. Returns false only with <see cref="DeferFragments"/>,
    /// for a frame that must go through reassembly; its fields and anomalies are then not to be used.
    /// </summary>
    public bool Decode(LinkType linkType, ReadOnlySpan<byte> frame, ref PacketFields fields)
    {
        fields.Reset();
        _pendingCount = 0;
        _needsReassembly = false;
        DecodeLink(linkType, frame, ref fields, 0);
        if (_needsReassembly)
            return false;
        for (var i = 0; i < _pendingCount; i++)
            Events.Add(_pending[i]);
        return true;
    }

    /// <summary>Adds a fragment; every datagram dropped unfinished to keep the table in its bounds is a counted event.</summary>
    private bool Reassemble(in FragmentKey key, int offset, ReadOnlySpan<byte> payload, bool moreFragments, out ReadOnlySpan<byte> datagram)
    {
        var evictedBefore = _reassembler.Evicted;
        var complete = _reassembler.TryAdd(key, offset, payload, moreFragments, out datagram);
        for (var n = evictedBefore; n < _reassembler.Evicted; n++)
            Note(DecodeEvent.Ipv4ReassemblyEvicted);
        return complete;
    }

    private void Note(DecodeEvent e)
    {
        if (_pendingCount < _pending.Length)
            _pending[_pendingCount++] = e;
        else
            Events.Add(e); // only a frame nested to the bound gets here; it is never deferred after that many layers
    }

    private void DecodeLink(LinkType linkType, ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        switch (linkType)
        {
            case LinkType.Ethernet:
                DecodeEthernet(frame, ref f, depth);
                break;
            case LinkType.Null:
                DecodeNull(frame, ref f, depth, bigEndian: false);
                break;
            case LinkType.Loop:
                DecodeNull(frame, ref f, depth, bigEndian: true);
                break;
            case LinkType.Raw or LinkType.RawOpenBsd or LinkType.RawAlternative or LinkType.Ipv4 or LinkType.Ipv6:
                DecodeIpByVersion(frame, ref f, depth, inError: false);
                break;
            case LinkType.LinuxSll:
                DecodeLinuxSll(frame, ref f, depth);
                break;
            case LinkType.LinuxSll2:
                DecodeLinuxSll2(frame, ref f, depth);
                break;
            case LinkType.Ppp or LinkType.PppHdlc:
                DecodePpp(frame, ref f, depth);
                break;
            case LinkType.CiscoHdlc:
                if (frame.Length < 4)
                    Note(DecodeEvent.LinkTruncated);
                else
                    DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[2..]), frame[4..], ref f, depth);
                break;
            case LinkType.Nflog:
                DecodeNflog(frame, ref f, depth);
                break;
            case LinkType.Pktap:
                DecodePktap(frame, ref f, depth);
                break;
            case LinkType.Ppi:
                DecodePpi(frame, ref f, depth);
                break;
            case LinkType.Ieee80211Radiotap:
                DecodeRadiotap(frame, ref f, depth);
                break;
            case LinkType.Ieee80211:
                DecodeIeee80211(frame, ref f, depth);
                break;
            case LinkType.IpOverInfiniband:
                // Linux captures: destination and source hardware addresses (20 bytes each), type, reserved.
                if (frame.Length < 44)
                    Note(DecodeEvent.LinkTruncated);
                else
                    DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[40..]), frame[44..], ref f, depth);
                break;
            case LinkType.IpNet:
                DecodeIpNet(frame, ref f, depth);
                break;
            case LinkType.ArcnetLinux:
                DecodeArcnetLinux(frame, ref f, depth);
                break;
            default:
                Note(DecodeEvent.UnsupportedLinkType);
                break;
        }
    }

    private void DecodeEthernet(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 14)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[12..]), frame[14..], ref f, depth);
    }

    /// <summary>Dispatches on an EtherType (or an 802.3 length, which means an LLC header follows).</summary>
    private void DecodeEtherType(ushort type, ReadOnlySpan<byte> payload, ref PacketFields f, int depth)
    {
        if (++depth > MaximumDepth)
        {
            Note(DecodeEvent.TooDeep);
            return;
        }
        while (EtherType.IsVlanTag(type))
        {
            if (payload.Length < 4)
            {
                Note(DecodeEvent.LinkTruncated);
                return;
            }
            type = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
            payload = payload[4..];
        }
        switch (type)
        {
            case EtherType.Ipv4:
            case EtherType.Ipv6:
                // tshark's "ip" dissector looks at the version nibble, whatever the EtherType said.
                DecodeIpByVersion(payload, ref f, depth, inError: false);
                return;
            case EtherType.MplsUnicast:
            case EtherType.MplsMulticast:
                DecodeMpls(payload, ref f, depth);
                return;
            case EtherType.PppoeSession:
                if (payload.Length < 6)
                {
                    Note(DecodeEvent.PppTruncated);
                    return;
                }
                DecodePpp(payload[6..], ref f, depth);
                return;
            case EtherType.TransparentEthernetBridging:
                DecodeEthernet(payload, ref f, depth);
                return;
            case EtherType.CiscoMetaData:
                // On Ethernet: version, length, option (2), SGT (2), then the next type.
                if (payload.Length < 8)
                {
                    Note(DecodeEvent.LinkTruncated);
                    return;
                }
                DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(payload[6..]), payload[8..], ref f, depth);
                return;
            case EtherType.CiscoFabricPath:
                // FTAG and TTL (2 bytes), then the whole inner Ethernet frame.
                if (payload.Length < 2 + 14)
                {
                    Note(DecodeEvent.LinkTruncated);
                    return;
                }
                DecodeEthernet(payload[2..], ref f, depth);
                return;
            case EtherType.AristaTimestamp:
            {
                // Sub-type 1 (timestamp) of version 0x10 (64-bit) or 0x20 (48-bit), then the next type.
                if (payload.Length < 4 || BinaryPrimitives.ReadUInt16BigEndian(payload) != 1)
                    return;
                var stamp = (payload[3]) switch { 0x10 => 8, 0x20 => 6, _ => -1 };
                if (stamp < 0 || payload.Length < 4 + stamp + 2)
                    return;
                DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(payload[(4 + stamp)..]), payload[(6 + stamp)..], ref f, depth);
                return;
            }
            default:
                if (type <= 1500)
                {
                    DecodeLlc(payload, ref f, depth);
                    return;
                }
                Note(DecodeEvent.NotIp);
                return;
        }
    }

    /// <summary>802.2 LLC; only SNAP carries an EtherType we can follow.</summary>
    private void DecodeLlc(ReadOnlySpan<byte> payload, ref PacketFields f, int depth)
    {
        if (payload.Length >= 8 && payload[0] == 0xaa && payload[1] == 0xaa && payload[2] == 0x03)
        {
            DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(payload[6..]), payload[8..], ref f, depth);
            return;
        }
        Note(DecodeEvent.NotIp);
    }

    private void DecodeMpls(ReadOnlySpan<byte> payload, ref PacketFields f, int depth)
    {
        while (true)
        {
            if (payload.Length < 4)
            {
                Note(DecodeEvent.MplsTruncated);
                return;
            }
            var bottomOfStack = (payload[2] & 1) != 0;
            payload = payload[4..];
            if (bottomOfStack)
                break;
        }
        if (payload.Length == 0)
        {
            Note(DecodeEvent.MplsTruncated);
            return;
        }
        switch (payload[0] >> 4)
        {
            case 4:
            case 6:
                DecodeIpByVersion(payload, ref f, depth, inError: false);
                return;
            case 0:
                // Pseudowire: a 4-byte control word, then an Ethernet frame (tshark's heuristic).
                if (payload.Length >= 4 + 14)
                {
                    DecodeEthernet(payload[4..], ref f, depth + 1);
                    return;
                }
                Note(DecodeEvent.MplsTruncated);
                return;
            default:
                Note(DecodeEvent.NotIp);
                return;
        }
    }

    private void DecodeNull(ReadOnlySpan<byte> frame, ref PacketFields f, int depth, bool bigEndian)
    {
        if (frame.Length < 4)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        if (!bigEndian && frame[0] == 0xff && frame[1] == 0x03)
        {
            DecodePpp(frame, ref f, depth);
            return;
        }
        // The family is in the byte order of the machine that wrote the file: whichever order gives a small value.
        var family = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(frame) : BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (family > 0xffff)
            family = BinaryPrimitives.ReverseEndianness(family);
        switch (family)
        {
            case 2: // AF_INET
            case 10 or 24 or 28 or 30: // AF_INET6 on Linux, the BSDs, FreeBSD, Darwin
                DecodeIpByVersion(frame[4..], ref f, depth, inError: false);
                return;
            default:
                Note(DecodeEvent.NotIp);
                return;
        }
    }

    private void DecodeLinuxSll(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 16)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        var hardwareType = BinaryPrimitives.ReadUInt16BigEndian(frame[2..]);
        DecodeSllProtocol(hardwareType, BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), frame[16..], ref f, depth);
    }

    private void DecodeLinuxSll2(ReadOnlySpan<byte> frame, ref PacketFields f, int depth)
    {
        if (frame.Length < 20)
        {
            Note(DecodeEvent.LinkTruncated);
            return;
        }
        var hardwareType = BinaryPrimitives.ReadUInt16BigEndian(frame[8..]);
        DecodeSllProtocol(hardwareType, BinaryPrimitives.ReadUInt16BigEndian(frame), frame[20..], ref f, depth);
    }

    private void DecodeSllProtocol(ushort hardwareType, ushort protocol, ReadOnlySpan<byte> payload, ref PacketFields f, int depth)
    {
        const ushort ArphrdIpGre = 778;
        const ushort ArphrdNetlink = 824;
        if (hardwareType == ArphrdNetlink)
        {
            Note(DecodeEvent.NotIp);
            return;
        }
        if (hardwareType == ArphrdIpGre)
        {
            // The protocol field holds a GRE protocol type; the payload is what GRE carried.
            DecodeGrePayload(protocol, hasSequence: false, payload, ref f, depth);
            return;
        }
        switch (protocol)
        {
            case 0x0004: // 802.2 LLC frames
                DecodeLlc(payload, ref f, depth);
                return;
            case 0x0001 or 0x0003 or 0x0005 or 0x000c or 0x0010 or 0x0019: // Novell 802.3, all, ...
                Note(DecodeEvent.NotIp);
                return;
            default:
                DecodeEtherType(protocol, payload, ref f, depth);
                return;
        }
    }

    private void DecodePpp(ReadOnlySpan<byte> payload, ref PacketFields f, int depth)
    {
        if (payload.Length >= 2 && payload[0] == 0xff && payload[1] == 0x03)
            payload = payload[2..];
        if (payload.Length < 1)
        {
            Note(DecodeEvent.PppTruncated);
            return;
        }
        ushort protocol;
        if ((payload[0] & 1) != 0)
        {
            // Protocol-field compression: a single odd byte.
            protocol = payload[0];
            payload = payload[1..];
        }
        else
        {
            if (payload.Length < 2)
            {
                Note(DecodeEvent.PppTruncated);
                return;
            }
            protocol = BinaryPrimitives.ReadUInt16BigEndian(payload);
            payload = payload[2..];
        }
        switch (protocol)
        {
            case 0x0021:
            case 0x0057:
                DecodeIpByVersion(payload, ref f, depth + 1, inError: false);
                return;
            case 0x0281:
            case 0x0283:
                DecodeMpls(payload, ref f, depth + 1);
                return;
            default:
                Note(DecodeEvent.NotIp);
                return;
        }
    }
}
