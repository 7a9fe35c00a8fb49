namespace Potiron.Fast.Capture;

/// <summary>The capture format found at the start of the (decompressed) data, by its magic number.</summary>
public enum CaptureContainer
{
    /// <summary>Not known yet, or nothing recognisable (see the reader's problem).</summary>
    Unknown,
    /// <summary>Classic pcap with microsecond fractions (magic a1b2c3d4, either byte order).</summary>
    Pcap,
    /// <summary>Classic pcap with nanosecond fractions (magic a1b23c4d, either byte order).</summary>
    PcapNanosecond,
    /// <summary>pcapng (section header block 0a0d0d0a).</summary>
    Pcapng,
    /// <summary>No bytes at all.</summary>
    Empty,
}
