using System.Buffers.Binary;

namespace Potiron.Fast.Packets;

/// <summary>A view of an IPv4 header with at least the 20 fixed bytes present.</summary>
public readonly ref struct Ipv4Header
{
    public const int MinimumLength = 20;

    private readonly ReadOnlySpan<byte> _bytes;

    private Ipv4Header(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Succeeds when the 20 fixed bytes are there; the version and lengths are checked by the caller,
    /// because tshark still shows the fields of a header whose lengths lie.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out Ipv4Header header)
    {
        if (bytes.Length < MinimumLength)
        {
            header = default;
            return false;
        }
        header = new Ipv4Header(bytes);
        return true;
    }

    public int Version => _bytes[0] >> 4;
    public int HeaderLength => (_bytes[0] & 0x0f) * 4;
    public byte Tos => _bytes[1];
    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_bytes[4..]);
    public bool MoreFragments => (_bytes[6] & 0x20) != 0;
    /// <summary>Fragment offset in bytes.</summary>
    public int FragmentOffset => (BinaryPrimitives.ReadUInt16BigEndian(_bytes[6..]) & 0x1fff) * 8;
    public bool IsFragment => MoreFragments || FragmentOffset != 0;
    public byte Ttl => _bytes[8];
    public byte Protocol => _bytes[9];
    public uint Source => BinaryPrimitives.ReadUInt32BigEndian(_bytes[12..]);
    public uint Destination => BinaryPrimitives.ReadUInt32BigEndian(_bytes[16..]);
}
