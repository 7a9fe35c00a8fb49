using Potiron.Fast.Packets;

namespace Potiron.Fast.Capture;

/// <summary>What an interface description block says that packet blocks need: decided once per interface.</summary>
public readonly record struct PcapngInterface(
    LinkType LinkType,
    uint SnapLength,
    ulong UnitsPerSecond,
    long OffsetSeconds,
    uint MaxCapturedLength)
{
    /// <summary>
    /// Splits a raw 64-bit timestamp as wiretap does, wrap-arounds included, so that odd resolutions
    /// (10^12 and finer overflow the intermediate product) print the same as in tshark.
    /// </summary>
    public (long Seconds, uint Nanoseconds) Split(ulong timestamp)
    {
        ulong seconds;
        ulong nanoseconds;
        if (UnitsPerSecond == 1_000_000)
        {
            seconds = timestamp / 1_000_000;
            nanoseconds = timestamp % 1_000_000 * 1000;
        }
        else if (UnitsPerSecond == 1_000_000_000)
        {
            seconds = timestamp / 1_000_000_000;
            nanoseconds = timestamp % 1_000_000_000;
        }
        else
        {
            seconds = timestamp / UnitsPerSecond;
            nanoseconds = unchecked(timestamp % UnitsPerSecond * 1_000_000_000UL) / UnitsPerSecond;
        }

        return (unchecked((long)seconds + OffsetSeconds), (uint)nanoseconds);
    }

    /// <summary>
    /// Time units per second for an if_tsresol byte: bit 7 chooses base 2 or 10, the rest is the exponent.
    /// tshark 4.0 uses 2^64-1 for exponents it cannot represent (2^64 and up, 10^20 and up) rather than failing.
    /// </summary>
    public static ulong UnitsFromResolution(byte resolution)
    {
        int exponent = resolution & 0x7f;
        bool powerOfTwo = (resolution & 0x80) != 0;
        if (powerOfTwo ? exponent >= 64 : exponent >= 20)
        {
            return ulong.MaxValue;
        }

        ulong units = 1;
        for (int i = 0; i < exponent; i++)
        {
            units *= powerOfTwo ? 2UL : 10UL;
        }

        return units;
    }
}
