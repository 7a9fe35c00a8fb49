using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

/// <summary>A view of a UDP header; ports need 4 bytes, the rest 8.</summary>
public readonly ref struct UdpHeader
{
    public const int Length = 8;

    private readonly ReadOnlySpan<byte> _bytes;

    public UdpHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public bool HasPorts => _bytes.Length >= 4;
    public bool IsComplete => _bytes.Length >= Length;
    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_bytes);
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);
    public ushort DatagramLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[4..]);
}
