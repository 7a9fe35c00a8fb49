namespace Potiron.Fast.Capture;

/// <summary>
/// Walks the options of one pcapng block, checking what tshark 4.0 checks for every block type: each option fits
/// in what is left of the block, custom options hold at least their enterprise number. A failure here makes tshark
/// refuse the rest of the file, so it does the same for us.
/// </summary>
internal ref struct PcapngOptionReader<TOrder> where TOrder : struct, IByteOrder
{
    public const ushort EndOfOptions = 0;
    private ReadOnlySpan<byte> _rest;

    public PcapngOptionReader(ReadOnlySpan<byte> options) => _rest = options;

    /// <summary>Set when <see cref="TryReadNext"/> returned false because the options are malformed.</summary>
    public string? Error { get; private set; }

    public bool TryReadNext(out ushort code, out ReadOnlySpan<byte> value)
    {
        code = 0;
        value = default;
        if (_rest.IsEmpty)
        {
            return false;
        }

        if (_rest.Length < 4)
        {
            Error = "pcapng: Not enough data for option header";
            return false;
        }

        code = TOrder.UInt16(_rest);
        ushort length = TOrder.UInt16(_rest[2..]);
        int padded = (length + 3) & ~3;
        if (padded > _rest.Length - 4)
        {
            Error = $"pcapng: Not enough data to handle option of length {length}";
            return false;
        }

        value = _rest.Slice(4, length);
        if (code == EndOfOptions)
        {
            // Whatever follows opt_endofopt is ignored, as tshark does.
            _rest = default;
            return false;
        }

        _rest = _rest[(4 + padded)..];
        if (code is 2988 or 2989 or 19372 or 19373 && length < 4)
        {
            Error = $"pcapng: option length ({length}) too small for custom option";
            return false;
        }

        return true;
    }
}

/// <summary>The per-block-type option rules on top of <see cref="PcapngOptionReader{TOrder}"/>.</summary>
internal static class PcapngOptions
{
    private const ushort InterfaceFilter = 11;
    private const ushort InterfaceTimestampResolution = 9;
    private const ushort InterfaceTimestampOffset = 14;

    /// <summary>Options of blocks whose values nobody here needs (section header, statistics, name resolution).</summary>
    public static string? Validate<TOrder>(ReadOnlySpan<byte> options) where TOrder : struct, IByteOrder
    {
        var reader = new PcapngOptionReader<TOrder>(options);
        while (reader.TryReadNext(out _, out _))
        {
        }

        return reader.Error;
    }

    /// <summary>Interface options: the first well-formed if_tsresol and if_tsoffset win, as in tshark; others of the
    /// wrong length are ignored.</summary>
    public static string? ReadInterface<TOrder>(ReadOnlySpan<byte> options, out ulong unitsPerSecond, out long offsetSeconds)
        where TOrder : struct, IByteOrder
    {
        unitsPerSecond = 1_000_000;
        offsetSeconds = 0;
        bool haveResolution = false;
        bool haveOffset = false;
        var reader = new PcapngOptionReader<TOrder>(options);
        while (reader.TryReadNext(out ushort code, out ReadOnlySpan<byte> value))
        {
            switch (code)
            {
                case InterfaceTimestampResolution when value.Length == 1 && !haveResolution:
                    unitsPerSecond = PcapngInterface.UnitsFromResolution(value[0]);
                    haveResolution = true;
                    break;
                case InterfaceTimestampOffset when value.Length == 8 && !haveOffset:
                    offsetSeconds = (long)TOrder.UInt64(value);
                    haveOffset = true;
                    break;
                case InterfaceFilter when value.IsEmpty:
                    return "pcapng: interface filter option length 0 is < 1";
            }
        }

        return reader.Error;
    }

    /// <summary>Packet block options: tshark refuses the file when a fixed-size packet option has the wrong size.</summary>
    public static string? ValidatePacket<TOrder>(ReadOnlySpan<byte> options) where TOrder : struct, IByteOrder
    {
        var reader = new PcapngOptionReader<TOrder>(options);
        while (reader.TryReadNext(out ushort code, out ReadOnlySpan<byte> value))
        {
            string? error = code switch
            {
                2 when value.Length != 4 => $"pcapng: packet block flags option length {value.Length} is not 4",
                4 when value.Length != 8 => $"pcapng: packet block drop count option length {value.Length} is not 8",
                5 when value.Length != 8 => $"pcapng: packet block packet id option length {value.Length} is not 8",
                6 when value.Length != 4 => $"pcapng: packet block queue option length {value.Length} is not 4",
                7 when value.IsEmpty => "pcapng: packet block verdict option length 0 is < 1",
                7 when value[0] == 1 && value.Length != 9 => $"pcapng: packet block TC verdict option length {value.Length} is != 9",
                7 when value[0] == 2 && value.Length != 9 => $"pcapng: packet block XDP verdict option length {value.Length} is != 9",
                _ => null,
            };
            if (error is not null)
            {
                return error;
            }
        }

        return reader.Error;
    }
}
