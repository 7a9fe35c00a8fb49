using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

/// <summary>A GRE header (RFC 2784/2890, and the enhanced version 1 of PPTP, RFC 2637), validated on creation.</summary>
public readonly ref struct GreHeader
{
    private const ushort ChecksumPresent = 0x8000;
    private const ushort RoutingPresent = 0x4000;
    private const ushort KeyPresent = 0x2000;
    private const ushort SequencePresent = 0x1000;
    private const ushort AcknowledgementPresent = 0x0080;

    private GreHeader(ushort flags, ushort protocolType, int length)
    {
        Flags = flags;
        ProtocolType = protocolType;
        Length = length;
    }

    public ushort Flags { get; }
    public ushort ProtocolType { get; }
    /// <summary>Bytes up to the payload, optional fields and routing entries included.</summary>
    public int Length { get; }
    public int Version => Flags & 7;
    public bool HasSequence => (Flags & SequencePresent) != 0;

    public static bool TryCreate(ReadOnlySpan<byte> bytes, out GreHeader header)
    {
        header = default;
        if (bytes.Length < 4)
            return false;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        var protocolType = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        var length = 4;
        if ((flags & (ChecksumPresent | RoutingPresent)) != 0)
            length += 4;
        if ((flags & KeyPresent) != 0)
            length += 4;
        if ((flags & SequencePresent) != 0)
            length += 4;
        if ((flags & 7) == 1 && (flags & AcknowledgementPresent) != 0)
            length += 4;
        if ((flags & RoutingPresent) != 0)
        {
            // Source route entries: address family (2), offset (1), length (1), then that many bytes;
            // a zero-length entry with family 0 ends the list.
            while (true)
            {
                if (length + 4 > bytes.Length)
                    return false;
                var family = BinaryPrimitives.ReadUInt16BigEndian(bytes[length..]);
                var entryLength = bytes[length + 3];
                length += 4;
                if (family == 0 && entryLength == 0)
                    break;
                length += entryLength;
            }
        }
        if (length > bytes.Length)
            return false;
        header = new GreHeader(flags, protocolType, length);
        return true;
    }
}
