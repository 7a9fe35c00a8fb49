using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

/// <summary>
/// The first 12 bytes of a TCP header, read lazily: tshark prints the ports from 4 bytes and the sequence
/// number from 8, which is all an ICMP error quotes, so each field has its own presence test.
/// </summary>
public readonly ref struct TcpHeader
{
    private readonly ReadOnlySpan<byte> _bytes;

    public TcpHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public bool HasPorts => _bytes.Length >= 4;
    public bool HasSequence => _bytes.Length >= 8;
    public bool HasAcknowledgement => _bytes.Length >= 12;
    public bool HasDataOffset => _bytes.Length >= 13;

    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_bytes);
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);
    public uint Sequence => BinaryPrimitives.ReadUInt32BigEndian(_bytes[4..]);
    public uint Acknowledgement => BinaryPrimitives.ReadUInt32BigEndian(_bytes[8..]);
    public int HeaderLength => (_bytes[12] >> 4) * 4;
}
