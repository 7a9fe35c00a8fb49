using Potiron.Fast.Packets;

namespace Potiron.Fast.Capture;

/// <summary>The packet blocks, and the non-packet blocks tshark validates (a malformed one stops tshark too).</summary>
public ref partial struct PcapngReader
{
    private BlockResult ReadPacketBlock<TOrder>(ReadOnlySpan<byte> rest, uint length, bool enhanced, out CaptureRecord record)
        where TOrder : struct, IByteOrder
    {
        const int FixedLength = 28;
        record = default;
        string name = enhanced ? "an EPB" : "a PB";
        if (length < PcapngBlockType.MinimumPacketLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of {name} is less than the minimum size {PcapngBlockType.MinimumPacketLength}");
        }

        if (rest.Length < FixedLength)
        {
            return NeedMore(FixedLength, rest.Length, insideBlock: true);
        }

        // The obsolete packet block has a 16-bit interface id followed by a 16-bit drop count.
        uint interfaceId = enhanced ? TOrder.UInt32(rest[8..]) : TOrder.UInt16(rest[8..]);
        ulong timestamp = ((ulong)TOrder.UInt32(rest[12..]) << 32) | TOrder.UInt32(rest[16..]);
        uint captured = TOrder.UInt32(rest[20..]);
        uint original = TOrder.UInt32(rest[24..]);
        uint padding = PaddingToFour(captured);
        if (length < (ulong)PcapngBlockType.MinimumPacketLength + captured + padding)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of {name} is too small for {captured} bytes of packet data");
        }

        if (interfaceId >= (uint)_state.interfaceCount)
        {
            return Fail(CaptureProblemKind.UnknownInterface,
                $"pcapng: interface index {interfaceId} is not less than section interface count {_state.interfaceCount}");
        }

        ref readonly PcapngInterface description = ref _state.interfaces![interfaceId];
        if (captured > description.MaxCapturedLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: cap_len {captured} is larger than {description.MaxCapturedLength}");
        }

        if (rest.Length < length)
        {
            return NeedMore((int)length, rest.Length, insideBlock: true);
        }

        ReadOnlySpan<byte> block = rest[..(int)length];
        int optionsStart = FixedLength + (int)captured + (int)padding;
        ReadOnlySpan<byte> options = block[optionsStart..^4];
        if (!options.IsEmpty)
        {
            string? error = PcapngOptions.ValidatePacket<TOrder>(options);
            if (error is not null)
            {
                return Fail(CaptureProblemKind.BadRecordLength, error);
            }
        }

        if (!CheckTrailer<TOrder>(block, length))
        {
            return BlockResult.Stopped;
        }

        (long seconds, uint nanoseconds) = description.Split(timestamp);
        record = new CaptureRecord(block.Slice(FixedLength, (int)captured), description.LinkType, seconds, nanoseconds,
            hasTimestamp: true, original, _state.position + _consumed, _state.recordIndex, (int)interfaceId);
        _consumed += (int)length;
        _state.recordIndex++;
        return BlockResult.Packet;
    }

    private BlockResult ReadSimplePacketBlock<TOrder>(ReadOnlySpan<byte> rest, uint length, out CaptureRecord record)
        where TOrder : struct, IByteOrder
    {
        const int FixedLength = 12;
        record = default;
        if (length < PcapngBlockType.MinimumSimplePacketLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of an SPB is less than the minimum SPB size {PcapngBlockType.MinimumSimplePacketLength}");
        }

        if (rest.Length < FixedLength)
        {
            return NeedMore(FixedLength, rest.Length, insideBlock: true);
        }

        if (_state.interfaceCount == 0)
        {
            return Fail(CaptureProblemKind.UnknownInterface, "pcapng: SPB appeared before any IDBs in the section");
        }

        // No captured length in the block: the packet length cut to the first interface's snaplen (0: no limit).
        ref readonly PcapngInterface description = ref _state.interfaces![0];
        uint original = TOrder.UInt32(rest[8..]);
        uint captured = description.SnapLength != 0 && original > description.SnapLength ? description.SnapLength : original;
        uint padding = PaddingToFour(captured);
        if (length < (ulong)PcapngBlockType.MinimumSimplePacketLength + captured + padding)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of an SPB is too small for {original} bytes of packet data");
        }

        if (captured > description.MaxCapturedLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: cap_len {captured} is larger than {description.MaxCapturedLength}");
        }

        // tshark reads the trailing length right after the padded data, not at the end the block claims: a block
        // with room to spare then fails the length comparison, and the next block starts where tshark stopped.
        int used = PcapngBlockType.MinimumSimplePacketLength + (int)captured + (int)padding;
        if (rest.Length < used)
        {
            return NeedMore(used, rest.Length, insideBlock: true);
        }

        ReadOnlySpan<byte> block = rest[..used];
        if (!CheckTrailer<TOrder>(block, length))
        {
            return BlockResult.Stopped;
        }

        record = new CaptureRecord(block.Slice(FixedLength, (int)captured), description.LinkType, 0, 0,
            hasTimestamp: false, original, _state.position + _consumed, _state.recordIndex, interfaceId: 0);
        _consumed += used;
        _state.recordIndex++;
        return BlockResult.Packet;
    }

    private BlockResult ReadNameResolutionBlock<TOrder>(ReadOnlySpan<byte> rest, uint length)
        where TOrder : struct, IByteOrder
    {
        if (length < PcapngBlockType.MinimumNameResolutionLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of an NRB is less than the minimum NRB size {PcapngBlockType.MinimumNameResolutionLength}");
        }

        if (rest.Length < length)
        {
            return NeedMore((int)length, rest.Length, insideBlock: true);
        }

        ReadOnlySpan<byte> block = rest[..(int)length];
        ReadOnlySpan<byte> body = block[8..^4];
        int read = 0;
        while (read < body.Length)
        {
            if (body.Length - read < 4)
            {
                return Fail(CaptureProblemKind.BadRecordLength,
                    $"pcapng: {body.Length - read} bytes left in the block < NRB record header size 4");
            }

            ushort type = TOrder.UInt16(body[read..]);
            ushort recordLength = TOrder.UInt16(body[(read + 2)..]);
            read += 4;
            int padded = recordLength + (int)PaddingToFour(recordLength);
            if (body.Length - read < padded)
            {
                return Fail(CaptureProblemKind.BadRecordLength,
                    $"pcapng: {body.Length - read} bytes left in the block < NRB record length + padding {padded}");
            }

            if (type == 0)
            {
                // End of records; like tshark, whatever follows its header is taken as options.
                break;
            }

            int addressLength = type switch { 1 => 4, 2 => 16, _ => -1 };
            if (addressLength > 0)
            {
                if (recordLength < addressLength)
                {
                    return Fail(CaptureProblemKind.BadRecordLength,
                        $"pcapng: NRB record length for IPv{(type == 1 ? 4 : 6)} record {recordLength} < minimum length {addressLength}");
                }

                ReadOnlySpan<byte> names = body.Slice(read + addressLength, recordLength - addressLength);
                while (!names.IsEmpty)
                {
                    int end = names.IndexOf((byte)0);
                    if (end < 0)
                    {
                        return Fail(CaptureProblemKind.BadRecordLength, "pcapng: NRB record has non-null-terminated host name");
                    }

                    names = names[(end + 1)..];
                }
            }

            read += padded;
        }

        string? error = PcapngOptions.Validate<TOrder>(body[read..]);
        if (error is not null)
        {
            return Fail(CaptureProblemKind.BadRecordLength, error);
        }

        if (!CheckTrailer<TOrder>(block, length))
        {
            return BlockResult.Stopped;
        }

        _consumed += (int)length;
        return BlockResult.Consumed;
    }

    private BlockResult ReadInterfaceStatisticsBlock<TOrder>(ReadOnlySpan<byte> rest, uint length)
        where TOrder : struct, IByteOrder
    {
        if (length < PcapngBlockType.MinimumInterfaceStatisticsLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of an ISB is too small (< {PcapngBlockType.MinimumInterfaceStatisticsLength})");
        }

        if (rest.Length < length)
        {
            return NeedMore((int)length, rest.Length, insideBlock: true);
        }

        ReadOnlySpan<byte> block = rest[..(int)length];
        string? error = PcapngOptions.Validate<TOrder>(block[20..^4]);
        if (error is not null)
        {
            return Fail(CaptureProblemKind.BadRecordLength, error);
        }

        if (!CheckTrailer<TOrder>(block, length))
        {
            return BlockResult.Stopped;
        }

        _consumed += (int)length;
        return BlockResult.Consumed;
    }
}
