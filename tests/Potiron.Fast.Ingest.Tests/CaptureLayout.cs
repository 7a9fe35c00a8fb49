using System.Buffers.Binary;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>What a header field of a capture is, so that the mutator knows which values make it lie.</summary>
internal enum LayoutField
{
    PcapMagic,
    PcapVersionMajor,
    PcapVersionMinor,
    PcapSnapLength,
    PcapNetwork,
    RecordSeconds,
    RecordFraction,
    RecordCapturedLength,
    RecordOriginalLength,
    BlockType,
    BlockLength,
    BlockTrailer,
    SectionByteOrder,
    SectionVersion,
    InterfaceLinkType,
    InterfaceSnapLength,
    PacketInterfaceId,
    PacketTimestamp,
    PacketCapturedLength,
    OptionCode,
    OptionLength,
}

/// <summary>One header field: where it is, how wide (2 or 4 bytes), in which byte order.</summary>
internal readonly record struct FieldAt(LayoutField Field, int Offset, int Width, bool BigEndian)
{
    public uint Read(ReadOnlySpan<byte> bytes) => Width == 2
        ? BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes[Offset..]) : BinaryPrimitives.ReadUInt16LittleEndian(bytes[Offset..])
        : BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes[Offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[Offset..]);

    public void Write(Span<byte> bytes, uint value)
    {
        if (Offset + Width > bytes.Length)
            return;
        if (Width == 2)
        {
            if (BigEndian)
                BinaryPrimitives.WriteUInt16BigEndian(bytes[Offset..], (ushort)value);
            else
                BinaryPrimitives.WriteUInt16LittleEndian(bytes[Offset..], (ushort)value);
        }
        else if (BigEndian)
            BinaryPrimitives.WriteUInt32BigEndian(bytes[Offset..], value);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[Offset..], value);
    }
}

/// <summary>One packet's captured bytes in the file, and where its network-layer header starts (-1: unknown).</summary>
internal readonly record struct FrameAt(int Offset, int Length, int NetworkOffset);

/// <summary>
/// The structure of a valid, uncompressed seed capture, found once: every length, type and time field of the pcap
/// global and record headers or of the pcapng blocks and their options, where each frame and its IP header lie, and
/// where records start (for splices). Written independently of the product's readers (it trusts its input, which
/// the product must not), so that the mutations aim at the fields without sharing the code they test.
/// </summary>
internal sealed class CaptureLayout
{
    private CaptureLayout(string name, byte[] bytes) => (Name, Bytes) = (name, bytes);

    public string Name { get; }
    public byte[] Bytes { get; }
    public List<FieldAt> Fields { get; } = [];
    public List<FrameAt> Frames { get; } = [];
    /// <summary>Offsets where a record or block starts, then the end of the data.</summary>
    public List<int> Boundaries { get; } = [];

    /// <summary>The layout of a pcap or pcapng capture, or null for anything else (compressed data included).</summary>
    public static CaptureLayout? TryScan(string name, byte[] bytes)
    {
        if (bytes.Length < 24)
            return null;
        var layout = new CaptureLayout(name, bytes);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        var scanned = magic switch
        {
            0xa1b2c3d4 or 0xa1b23c4d => layout.ScanPcap(bigEndian: false),
            0xd4c3b2a1 or 0x4d3cb2a1 => layout.ScanPcap(bigEndian: true),
            0x0A0D0D0A => layout.ScanPcapng(),
            _ => false,
        };
        return scanned && layout.Frames.Count > 0 ? layout : null;
    }

    private bool ScanPcap(bool bigEndian)
    {
        var bytes = Bytes.AsSpan();
        Fields.Add(new FieldAt(LayoutField.PcapMagic, 0, 4, bigEndian));
        Fields.Add(new FieldAt(LayoutField.PcapVersionMajor, 4, 2, bigEndian));
        Fields.Add(new FieldAt(LayoutField.PcapVersionMinor, 6, 2, bigEndian));
        Fields.Add(new FieldAt(LayoutField.PcapSnapLength, 16, 4, bigEndian));
        var network = new FieldAt(LayoutField.PcapNetwork, 20, 4, bigEndian);
        Fields.Add(network);
        var linkType = (ushort)network.Read(bytes);
        var minor = new FieldAt(LayoutField.PcapVersionMinor, 6, 2, bigEndian).Read(bytes);
        var offset = 24;
        while (offset + 16 <= bytes.Length)
        {
            Boundaries.Add(offset);
            var captured = new FieldAt(LayoutField.RecordCapturedLength, offset + 8, 4, bigEndian);
            var original = new FieldAt(LayoutField.RecordOriginalLength, offset + 12, 4, bigEndian);
            // Versions before 2.3 store the two lengths the other way round.
            if (minor < 3)
                (captured, original) = (captured with { Offset = offset + 12 }, original with { Offset = offset + 8 });
            var length = (int)captured.Read(bytes);
            if (length < 0 || offset + 16 + length > bytes.Length)
                return false;
            Fields.Add(new FieldAt(LayoutField.RecordSeconds, offset, 4, bigEndian));
            Fields.Add(new FieldAt(LayoutField.RecordFraction, offset + 4, 4, bigEndian));
            Fields.Add(captured);
            Fields.Add(original);
            AddFrame(offset + 16, length, linkType);
            offset += 16 + length;
        }
        Boundaries.Add(offset);
        return true;
    }

    private bool ScanPcapng()
    {
        var bytes = Bytes.AsSpan();
        var bigEndian = false;
        var linkTypes = new List<ushort>();
        var offset = 0;
        while (offset + 12 <= bytes.Length)
        {
            Boundaries.Add(offset);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
            if (type == 0x0A0D0D0A)
            {
                bigEndian = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(offset + 8)..]) != 0x1A2B3C4D;
                linkTypes.Clear();
            }
            var length = (int)new FieldAt(LayoutField.BlockLength, offset + 4, 4, bigEndian).Read(bytes);
            if (length < 12 || length % 4 != 0 || offset + length > bytes.Length)
                return false;
            Fields.Add(new FieldAt(LayoutField.BlockType, offset, 4, bigEndian));
            Fields.Add(new FieldAt(LayoutField.BlockLength, offset + 4, 4, bigEndian));
            Fields.Add(new FieldAt(LayoutField.BlockTrailer, offset + length - 4, 4, bigEndian));
            var blockType = type == 0x0A0D0D0A ? type : new FieldAt(LayoutField.BlockType, offset, 4, bigEndian).Read(bytes);
            switch (blockType)
            {
                case 0x0A0D0D0A when length >= 28:
                    Fields.Add(new FieldAt(LayoutField.SectionByteOrder, offset + 8, 4, bigEndian));
                    Fields.Add(new FieldAt(LayoutField.SectionVersion, offset + 12, 2, bigEndian));
                    Fields.Add(new FieldAt(LayoutField.SectionVersion, offset + 14, 2, bigEndian));
                    AddOptions(offset + 24, offset + length - 4, bigEndian);
                    break;
                case 1 when length >= 20:
                    var linkType = new FieldAt(LayoutField.InterfaceLinkType, offset + 8, 2, bigEndian);
                    Fields.Add(linkType);
                    Fields.Add(new FieldAt(LayoutField.InterfaceSnapLength, offset + 12, 4, bigEndian));
                    linkTypes.Add((ushort)linkType.Read(bytes));
                    AddOptions(offset + 16, offset + length - 4, bigEndian);
                    break;
                case 6 or 2 when length >= 32:
                {
                    var interfaceId = blockType == 6 ? new FieldAt(LayoutField.PacketInterfaceId, offset + 8, 4, bigEndian) : new FieldAt(LayoutField.PacketInterfaceId, offset + 8, 2, bigEndian);
                    var captured = new FieldAt(LayoutField.PacketCapturedLength, offset + 20, 4, bigEndian);
                    Fields.Add(interfaceId);
                    Fields.Add(new FieldAt(LayoutField.PacketTimestamp, offset + 12, 4, bigEndian));
                    Fields.Add(new FieldAt(LayoutField.PacketTimestamp, offset + 16, 4, bigEndian));
                    Fields.Add(captured);
                    Fields.Add(new FieldAt(LayoutField.RecordOriginalLength, offset + 24, 4, bigEndian));
                    var dataLength = (int)captured.Read(bytes);
                    var id = (int)interfaceId.Read(bytes);
                    if (dataLength < 0 || 28 + dataLength > length - 4 || id >= linkTypes.Count)
                        return false;
                    AddFrame(offset + 28, dataLength, linkTypes[id]);
                    AddOptions(offset + 28 + ((dataLength + 3) & ~3), offset + length - 4, bigEndian);
                    break;
                }
                case 3 when length >= 16 && linkTypes.Count > 0:
                    Fields.Add(new FieldAt(LayoutField.RecordOriginalLength, offset + 8, 4, bigEndian));
                    AddFrame(offset + 12, Math.Min(length - 16, (int)new FieldAt(LayoutField.RecordOriginalLength, offset + 8, 4, bigEndian).Read(bytes)), linkTypes[0]);
                    break;
            }
            offset += length;
        }
        Boundaries.Add(offset);
        return offset == bytes.Length;
    }

    private void AddOptions(int start, int end, bool bigEndian)
    {
        var bytes = Bytes.AsSpan();
        while (start + 4 <= end)
        {
            Fields.Add(new FieldAt(LayoutField.OptionCode, start, 2, bigEndian));
            var length = new FieldAt(LayoutField.OptionLength, start + 2, 2, bigEndian);
            Fields.Add(length);
            start += 4 + (((int)length.Read(bytes) + 3) & ~3);
        }
    }

    private void AddFrame(int offset, int length, ushort linkType)
    {
        var frame = Bytes.AsSpan(offset, length);
        var network = linkType switch
        {
            1 => EthernetPayloadOffset(frame),
            101 or 228 or 229 or 12 or 14 => 0,
            0 or 108 or 9 or 104 => 4,
            113 => 16,
            276 => 20,
            226 => 24,
            242 => 44,
            129 => 8,
            _ => -1,
        };
        Frames.Add(new FrameAt(offset, length, network < length && network >= 0 && (frame[network] >> 4) is 4 or 6 ? network : -1));
    }

    private static int EthernetPayloadOffset(ReadOnlySpan<byte> frame)
    {
        var offset = 12;
        while (offset + 2 <= frame.Length)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
            if (type is 0x8100 or 0x88a8 or 0x9100)
            {
                offset += 4;
                continue;
            }
            return type is 0x0800 or 0x86dd ? offset + 2 : -1;
        }
        return -1;
    }
}
