using Potiron.Fast.Packets;

namespace Potiron.Fast.Capture;

/// <summary>
/// One packet record of a capture, as a view into the reader's buffer: valid only until the next read.
/// </summary>
public readonly ref struct CaptureRecord
{
    public CaptureRecord(ReadOnlySpan<byte> data, LinkType linkType, long seconds, uint nanoseconds,
        bool hasTimestamp, uint originalLength, long fileOffset, long index)
    {
        Data = data;
        LinkType = linkType;
        Seconds = seconds;
        Nanoseconds = nanoseconds;
        HasTimestamp = hasTimestamp;
        OriginalLength = originalLength;
        FileOffset = fileOffset;
        Index = index;
    }

    /// <summary>The captured bytes (caplen of them, clamped to what the record really holds).</summary>
    public ReadOnlySpan<byte> Data { get; }
    public LinkType LinkType { get; }
    /// <summary>Whole seconds since the Unix epoch, as tshark's <c>frame.time_epoch</c> prints its integer part.</summary>
    public long Seconds { get; }
    /// <summary>The fraction in nanoseconds. May be 1e9 or more when a nanosecond pcap stores an invalid fraction:
    /// tshark then prints ten fraction digits, and so do we.</summary>
    public uint Nanoseconds { get; }
    /// <summary>False for pcapng simple packet blocks, which carry no timestamp.</summary>
    public bool HasTimestamp { get; }
    public uint OriginalLength { get; }
    /// <summary>Byte offset of the record header in the (decompressed) capture stream.</summary>
    public long FileOffset { get; }
    /// <summary>0-based index of the record among the packet records of the file.</summary>
    public long Index { get; }
}
