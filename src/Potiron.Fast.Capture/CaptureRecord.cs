using Potiron.Fast.Packets;

namespace Potiron.Fast.Capture;

/// <summary>
/// One packet record of a capture, as a view into the reader's buffer: valid only until the next read.
/// </summary>
public readonly ref struct CaptureRecord
{
    public CaptureRecord(ReadOnlySpan<byte> data, LinkType linkType, long seconds, uint nanoseconds,
        bool hasTimestamp, uint originalLength, long fileOffset, long index)
        : this(data, linkType, seconds, nanoseconds, hasTimestamp, originalLength, fileOffset, index, interfaceId: 0)
    {
    }

    public CaptureRecord(ReadOnlySpan<byte> data, LinkType linkType, long seconds, uint nanoseconds,
        bool hasTimestamp, uint originalLength, long fileOffset, long index, int interfaceId)
    {
        Data = data;
        LinkType = linkType;
        Seconds = seconds;
        Nanoseconds = nanoseconds;
        HasTimestamp = hasTimestamp;
        OriginalLength = originalLength;
        FileOffset = fileOffset;
        Index = index;
        InterfaceId = interfaceId;
    }

    /// <summary>The captured bytes (caplen of them, clamped to what the record really holds).</summary>
    public ReadOnlySpan<byte> Data { get; }
    public LinkType LinkType { get; }
    /// <summary>Whole seconds since the Unix epoch, as the record header stores them (see <see cref="PrintedSeconds"/> for the day).</summary>
    public long Seconds { get; }
    /// <summary>
    /// The integer part of <c>frame.time_epoch</c> as tshark prints it, which is what potiron's day comes from:
    /// wiretap keeps the fraction in a signed 32-bit int, so a fraction of 2^31 ns or more prints as a negative time
    /// (<c>-1418145370.2147483648</c>) and potiron's <c>int()</c> of it is negative.
    /// </summary>
    public long PrintedSeconds => Nanoseconds >= 0x8000_0000u ? -Seconds : Seconds;
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
    /// <summary>The pcapng interface (index within its section) the packet was captured on; 0 for classic pcap,
    /// which has a single implicit interface.</summary>
    public int InterfaceId { get; }
}
