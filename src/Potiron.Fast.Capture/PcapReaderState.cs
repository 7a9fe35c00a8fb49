using Potiron.Fast.Packets;

namespace Potiron.Fast.Capture;

/// <summary>
/// Everything a <see cref="PcapReader"/> must remember between buffers: what the file header chose once for the
/// whole file (byte order, fraction unit, length order, link type) and where reading stands.
/// A plain value: copy it out of a reader with <see cref="PcapReader.CurrentState"/> and hand it to the next one.
/// </summary>
public struct PcapReaderState
{
    internal bool headerRead;
    internal bool bigEndian;
    internal bool nanosecond;
    /// <summary>1000 for microsecond files, 1 for nanosecond ones: applied with 32-bit wrap-around, as wiretap does,
    /// so that an invalid microsecond fraction gives the same (odd) nanoseconds as tshark.</summary>
    internal uint fractionToNanoseconds;
    internal PcapLengthOrder lengthOrder;
    internal ushort linkType;
    internal uint snapLength;
    internal uint maxCapturedLength;
    internal ushort majorVersion;
    internal ushort minorVersion;
    internal long position;
    internal long recordIndex;

    /// <summary>State for a file whose first byte is at <paramref name="position"/> (0 for a whole file).</summary>
    public PcapReaderState(long position) => this.position = position;

    public readonly bool HeaderRead => headerRead;
    public readonly bool BigEndian => bigEndian;
    public readonly bool Nanosecond => nanosecond;
    public readonly LinkType LinkType => (LinkType)linkType;
    public readonly uint SnapLength => snapLength;
    public readonly ushort MajorVersion => majorVersion;
    public readonly ushort MinorVersion => minorVersion;
    /// <summary>Absolute offset of the next unread byte.</summary>
    public readonly long Position => position;
    /// <summary>How many packet records have been returned.</summary>
    public readonly long RecordCount => recordIndex;
}

/// <summary>Where incl_len and orig_len sit in a record header: file versions before 2.3 wrote them the other way.</summary>
internal enum PcapLengthOrder : byte
{
    Normal,
    /// <summary>Versions 2.0-2.2 and 543.0 (DG/UX).</summary>
    Swapped,
    /// <summary>Version 2.3: some writers swapped, some did not; swap when incl_len &gt; orig_len.</summary>
    SwappedWhenCapturedExceedsOriginal,
}
