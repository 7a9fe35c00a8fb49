namespace Potiron.Fast.Capture;

/// <summary>
/// Everything a <see cref="PcapngReader"/> must remember between buffers: the current section's byte order and
/// interfaces, and a block being skipped across buffers. A plain value whose only reference is the interface
/// array, which is reused from section to section and grows only when a section has more interfaces than any before.
/// </summary>
public struct PcapngReaderState
{
    internal bool sectionStarted;
    internal bool bigEndian;
    internal PcapngPhase phase;
    internal long skipRemaining;
    internal uint pendingBlockLength;
    /// <summary>Absolute offset of the block being skipped, for problems found after part of it is consumed.</summary>
    internal long pendingBlockStart;
    internal PcapngInterface[]? interfaces;
    internal int interfaceCount;
    internal int sectionCount;
    internal long position;
    internal long recordIndex;

    /// <summary>State for data whose first byte is at <paramref name="position"/> (0 for a whole file).</summary>
    public PcapngReaderState(long position) => this.position = position;

    public readonly bool BigEndian => bigEndian;
    public readonly int SectionCount => sectionCount;
    public readonly int InterfaceCount => interfaceCount;
    public readonly PcapngInterface GetInterface(int index) =>
        (uint)index < (uint)interfaceCount ? interfaces![index] : throw new ArgumentOutOfRangeException(nameof(index));
    /// <summary>Absolute offset of the next unread byte.</summary>
    public readonly long Position => position;
    /// <summary>How many packet records have been returned.</summary>
    public readonly long RecordCount => recordIndex;

    internal void AddInterface(PcapngInterface description)
    {
        if (interfaces is null || interfaceCount == interfaces.Length)
        {
            Array.Resize(ref interfaces, Math.Max(4, interfaceCount * 2));
        }

        interfaces[interfaceCount++] = description;
    }
}

/// <summary>Where a pcapng reader stands inside a block it does not need whole.</summary>
internal enum PcapngPhase : byte
{
    BlockStart,
    /// <summary>Discarding the body of a block nobody reads (custom, decryption secrets, unknown types).</summary>
    SkippingBody,
    /// <summary>Checking the trailing length copy of a skipped block.</summary>
    Trailer,
}
