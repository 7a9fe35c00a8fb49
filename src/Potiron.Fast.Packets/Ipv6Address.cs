using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Potiron.Fast.Packets;

/// <summary>A 16-byte IPv6 address as a value key (two big-endian halves), so tables never hold byte arrays.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Ipv6Address(ulong High, ulong Low)
{
    public static Ipv6Address Read(ReadOnlySpan<byte> sixteenBytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(sixteenBytes), BinaryPrimitives.ReadUInt64BigEndian(sixteenBytes[8..]));

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }
}
