using System.Buffers.Binary;

namespace Potiron.Fast.Capture;

/// <summary>
/// Field reads for one byte order. Readers pick the order once per file (pcap) or section (pcapng) and run a loop
/// specialised on it, so no field read tests the order again.
/// </summary>
internal interface IByteOrder
{
    static abstract ushort UInt16(ReadOnlySpan<byte> source);
    static abstract uint UInt32(ReadOnlySpan<byte> source);
    static abstract ulong UInt64(ReadOnlySpan<byte> source);
}

internal readonly struct LittleEndianOrder : IByteOrder
{
    public static ushort UInt16(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt16LittleEndian(source);
    public static uint UInt32(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt32LittleEndian(source);
    public static ulong UInt64(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt64LittleEndian(source);
}

internal readonly struct BigEndianOrder : IByteOrder
{
    public static ushort UInt16(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt16BigEndian(source);
    public static uint UInt32(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt32BigEndian(source);
    public static ulong UInt64(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt64BigEndian(source);
}
