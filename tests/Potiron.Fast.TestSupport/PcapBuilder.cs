using System.Buffers.Binary;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// Writes classic pcap files in memory, in either byte order and fraction unit, with any header values, so that
/// tests can state exactly the bytes a reader meets, lying lengths included.
/// </summary>
public sealed class PcapBuilder
{
    public const uint MagicMicroseconds = 0xa1b2c3d4;
    public const uint MagicNanoseconds = 0xa1b23c4d;

    private readonly MemoryStream _output = new();
    private readonly bool _bigEndian;

    /// <param name="network">The whole 32-bit link-type field (link type in the low 16 bits, FCS and reserved bits above).</param>
    public PcapBuilder(uint network = 1, bool bigEndian = false, bool nanosecond = false,
        ushort majorVersion = 2, ushort minorVersion = 4, uint snapLength = 262_144)
    {
        _bigEndian = bigEndian;
        WriteUInt32(nanosecond ? MagicNanoseconds : MagicMicroseconds);
        WriteUInt16(majorVersion);
        WriteUInt16(minorVersion);
        WriteUInt32(0); // thiszone
        WriteUInt32(0); // sigfigs
        WriteUInt32(snapLength);
        WriteUInt32(network);
    }

    public int RecordCount { get; private set; }

    /// <summary>Length of what has been written so far.</summary>
    public long Length => _output.Length;

    /// <summary>A record whose captured length is the data's; the original length defaults to it.</summary>
    public PcapBuilder Add(uint seconds, uint fraction, ReadOnlySpan<byte> data, uint? originalLength = null) =>
        AddRaw(seconds, fraction, (uint)data.Length, originalLength ?? (uint)data.Length, data);

    /// <summary>A record header with any lengths, followed by whatever data is given (which may not match).</summary>
    public PcapBuilder AddRaw(uint seconds, uint fraction, uint includedLength, uint originalLength, ReadOnlySpan<byte> data)
    {
        WriteUInt32(seconds);
        WriteUInt32(fraction);
        WriteUInt32(includedLength);
        WriteUInt32(originalLength);
        _output.Write(data);
        RecordCount++;
        return this;
    }

    /// <summary>Raw bytes, e.g. a cut record.</summary>
    public PcapBuilder AddBytes(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _output.ToArray();

    private void WriteUInt16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        }

        _output.Write(bytes);
    }

    private void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        }

        _output.Write(bytes);
    }
}
