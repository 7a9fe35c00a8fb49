using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

/// <summary>A view of the 40-byte fixed IPv6 header.</summary>
public readonly ref struct Ipv6Header
{
    public const int Length = 40;

    private readonly ReadOnlySpan<byte> _bytes;

    private Ipv6Header(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public static bool TryCreate(ReadOnlySpan<byte> bytes, out Ipv6Header header)
    {
        if (bytes.Length < Length)
        {
            header = default;
            return false;
        }
        header = new Ipv6Header(bytes);
        return true;
    }

    public int Version => _bytes[0] >> 4;
    public byte TrafficClass => (byte)((BinaryPrimitives.ReadUInt16BigEndian(_bytes) >> 4) & 0xff);
    public ushort PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[4..]);
    public byte NextHeader => _bytes[6];
    public byte HopLimit => _bytes[7];
    public Ipv6Address Source => Ipv6Address.Read(_bytes[8..]);
    public Ipv6Address Destination => Ipv6Address.Read(_bytes[24..]);
}
