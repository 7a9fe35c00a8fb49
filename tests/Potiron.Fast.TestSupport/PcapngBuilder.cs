using System.Buffers.Binary;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// Writes pcapng files in memory: several sections, each in its own byte order, several interfaces with their
/// timestamp resolution and offset, enhanced, simple and obsolete packet blocks, and any other block as raw bytes.
/// Lengths are computed unless a test overrides them to build a damaged file.
/// </summary>
public sealed class PcapngBuilder
{
    public const uint SectionHeaderType = 0x0A0D0D0A;
    public const uint InterfaceDescriptionType = 1;
    public const uint ObsoletePacketType = 2;
    public const uint SimplePacketType = 3;
    public const uint NameResolutionType = 4;
    public const uint InterfaceStatisticsType = 5;
    public const uint EnhancedPacketType = 6;
    public const uint DecryptionSecretsType = 10;
    public const uint CustomType = 0x00000BAD;

    public const ushort OptionEnd = 0;
    public const ushort OptionComment = 1;
    public const ushort OptionTimestampResolution = 9;
    public const ushort OptionTimestampOffset = 14;
    public const ushort OptionPacketFlags = 2;

    private readonly MemoryStream _output = new();
    private bool _bigEndian;

    /// <param name="bigEndian">Byte order of <see cref="Option"/> and the number helpers until the first section
    /// (handy to build that section's own options).</param>
    public PcapngBuilder(bool bigEndian = false) => _bigEndian = bigEndian;

    /// <summary>Byte order of the section being written.</summary>
    public bool BigEndian => _bigEndian;

    public int PacketCount { get; private set; }

    public long Length => _output.Length;

    /// <summary>Starts a section (a section header block) in the given byte order.</summary>
    public PcapngBuilder Section(bool bigEndian = false, ushort majorVersion = 1, ushort minorVersion = 0, byte[]? options = null)
    {
        _bigEndian = bigEndian;
        var body = new List<byte>();
        body.AddRange(UInt32(0x1A2B3C4D));
        body.AddRange(UInt16(majorVersion));
        body.AddRange(UInt16(minorVersion));
        body.AddRange(UInt64(ulong.MaxValue)); // section length unknown
        body.AddRange(options ?? []);
        return Block(SectionHeaderType, body.ToArray());
    }

    /// <summary>An interface description block; <paramref name="timestampResolution"/> is the raw if_tsresol byte.</summary>
    public PcapngBuilder Interface(ushort linkType, uint snapLength = 0, byte? timestampResolution = null,
        long? timestampOffset = null, byte[]? extraOptions = null)
    {
        var body = new List<byte>();
        body.AddRange(UInt16(linkType));
        body.AddRange(UInt16(0));
        body.AddRange(UInt32(snapLength));
        if (timestampResolution is byte resolution)
        {
            body.AddRange(Option(OptionTimestampResolution, [resolution]));
        }

        if (timestampOffset is long offset)
        {
            body.AddRange(Option(OptionTimestampOffset, UInt64((ulong)offset)));
        }

        body.AddRange(extraOptions ?? []);
        if (timestampResolution is not null || timestampOffset is not null || extraOptions is not null)
        {
            body.AddRange(Option(OptionEnd, []));
        }

        return Block(InterfaceDescriptionType, body.ToArray());
    }

    public PcapngBuilder EnhancedPacket(uint interfaceId, ulong timestamp, ReadOnlySpan<byte> data,
        uint? originalLength = null, byte[]? options = null, uint? capturedLength = null)
    {
        var body = new List<byte>();
        body.AddRange(UInt32(interfaceId));
        body.AddRange(UInt32((uint)(timestamp >> 32)));
        body.AddRange(UInt32((uint)timestamp));
        body.AddRange(UInt32(capturedLength ?? (uint)data.Length));
        body.AddRange(UInt32(originalLength ?? (uint)data.Length));
        body.AddRange(data.ToArray());
        body.AddRange(new byte[Padding(data.Length)]);
        body.AddRange(options ?? []);
        PacketCount++;
        return Block(EnhancedPacketType, body.ToArray());
    }

    /// <summary>A simple packet block: holds min(original length, snaplen of interface 0) bytes, which the test gives.</summary>
    public PcapngBuilder SimplePacket(uint originalLength, ReadOnlySpan<byte> data)
    {
        var body = new List<byte>();
        body.AddRange(UInt32(originalLength));
        body.AddRange(data.ToArray());
        body.AddRange(new byte[Padding(data.Length)]);
        PacketCount++;
        return Block(SimplePacketType, body.ToArray());
    }

    /// <summary>The obsolete packet block (type 2): 16-bit interface id and drop count.</summary>
    public PcapngBuilder ObsoletePacket(ushort interfaceId, ulong timestamp, ReadOnlySpan<byte> data, uint? originalLength = null)
    {
        var body = new List<byte>();
        body.AddRange(UInt16(interfaceId));
        body.AddRange(UInt16(0xffff));
        body.AddRange(UInt32((uint)(timestamp >> 32)));
        body.AddRange(UInt32((uint)timestamp));
        body.AddRange(UInt32((uint)data.Length));
        body.AddRange(UInt32(originalLength ?? (uint)data.Length));
        body.AddRange(data.ToArray());
        body.AddRange(new byte[Padding(data.Length)]);
        PacketCount++;
        return Block(ObsoletePacketType, body.ToArray());
    }

    /// <summary>A name resolution block with one IPv4 record and its end record.</summary>
    public PcapngBuilder NameResolution(byte[] ipv4Address, string name)
    {
        var value = new List<byte>(ipv4Address);
        value.AddRange(System.Text.Encoding.ASCII.GetBytes(name));
        value.Add(0);
        var body = new List<byte>();
        body.AddRange(UInt16(1));
        body.AddRange(UInt16((ushort)value.Count));
        body.AddRange(value);
        body.AddRange(new byte[Padding(value.Count)]);
        body.AddRange(UInt16(0));
        body.AddRange(UInt16(0));
        return Block(NameResolutionType, body.ToArray());
    }

    public PcapngBuilder InterfaceStatistics(uint interfaceId, ulong timestamp)
    {
        var body = new List<byte>();
        body.AddRange(UInt32(interfaceId));
        body.AddRange(UInt32((uint)(timestamp >> 32)));
        body.AddRange(UInt32((uint)timestamp));
        body.AddRange(Option(OptionComment, "stats"u8));
        body.AddRange(Option(OptionEnd, []));
        return Block(InterfaceStatisticsType, body.ToArray());
    }

    /// <summary>Any block: type, computed (or given) lengths around the body, which must be a multiple of 4 long
    /// unless the test means otherwise.</summary>
    public PcapngBuilder Block(uint type, ReadOnlySpan<byte> body, uint? totalLength = null, uint? trailerLength = null)
    {
        uint length = totalLength ?? (uint)(12 + body.Length);
        Write(UInt32(type));
        Write(UInt32(length));
        _output.Write(body);
        Write(UInt32(trailerLength ?? length));
        return this;
    }

    /// <summary>Raw bytes, e.g. a cut block.</summary>
    public PcapngBuilder Bytes(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        return this;
    }

    /// <summary>One option (code, length, value, padding) in the current section's byte order.</summary>
    public byte[] Option(ushort code, ReadOnlySpan<byte> value)
    {
        var option = new List<byte>();
        option.AddRange(UInt16(code));
        option.AddRange(UInt16((ushort)value.Length));
        option.AddRange(value.ToArray());
        option.AddRange(new byte[Padding(value.Length)]);
        return option.ToArray();
    }

    public byte[] ToArray() => _output.ToArray();

    public byte[] UInt16(ushort value)
    {
        byte[] bytes = new byte[2];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        }

        return bytes;
    }

    public byte[] UInt32(uint value)
    {
        byte[] bytes = new byte[4];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        }

        return bytes;
    }

    public byte[] UInt64(ulong value)
    {
        byte[] bytes = new byte[8];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        }

        return bytes;
    }

    private static int Padding(int length) => (4 - (length & 3)) & 3;

    private void Write(byte[] bytes) => _output.Write(bytes);
}
