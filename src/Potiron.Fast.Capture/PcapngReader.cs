using System.Buffers.Binary;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Capture;

/// <summary>
/// Reads pcapng packet records (enhanced, simple and obsolete packet blocks) from one buffer, section after section
/// in either byte order. Returns false when the buffer holds no complete packet block; <see cref="Stop"/> then says
/// whether to come back with more bytes, or why reading is over. A block is consumed only once it is complete, except
/// the blocks nobody reads (custom, decryption secrets, unknown), which are skipped as they stream past so that
/// their size never grows the caller's buffer.
/// The checks are tshark 4.0's (wiretap pcapng.c), verified against tshark 4.0.17 on crafted files.
/// </summary>
public ref partial struct PcapngReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly bool _isFinalBlock;
    private PcapngReaderState _state;
    private int _consumed;

    public PcapngReader(ReadOnlySpan<byte> buffer, bool isFinalBlock, PcapngReaderState state)
    {
        _buffer = buffer;
        _isFinalBlock = isFinalBlock;
        _state = state;
    }

    public readonly long BytesConsumed => _consumed;

    public readonly PcapngReaderState CurrentState
    {
        get
        {
            PcapngReaderState state = _state;
            state.position += _consumed;
            return state;
        }
    }

    public CaptureReadStop Stop { get; private set; }

    /// <summary>When <see cref="Stop"/> is <see cref="CaptureReadStop.NeedMoreData"/>: how many contiguous bytes,
    /// from the first unconsumed one, the next step needs.</summary>
    public int BytesNeeded { get; private set; }

    public CaptureReadFailure Failure { get; private set; }

    /// <summary>True when <paramref name="data"/> starts with a section header block type, or the start of one.</summary>
    public static bool StartsWithMagic(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> magic = [0x0A, 0x0D, 0x0D, 0x0A];
        int length = Math.Min(magic.Length, data.Length);
        return length > 0 && data[..length].SequenceEqual(magic[..length]);
    }

    public bool TryRead(out CaptureRecord record)
    {
        while (true)
        {
            BlockResult result;
            record = default;
            if (_state.phase != PcapngPhase.BlockStart)
            {
                result = _state.bigEndian ? ContinueSkip<BigEndianOrder>() : ContinueSkip<LittleEndianOrder>();
            }
            else if (!_state.sectionStarted || StartsWithSectionHeader())
            {
                result = TryReadSectionHeader();
            }
            else
            {
                result = _state.bigEndian
                    ? TryReadBlock<BigEndianOrder>(out record)
                    : TryReadBlock<LittleEndianOrder>(out record);
            }

            if (result == BlockResult.Packet)
            {
                return true;
            }

            if (result == BlockResult.Stopped)
            {
                record = default;
                return false;
            }
        }
    }

    private readonly bool StartsWithSectionHeader()
    {
        ReadOnlySpan<byte> rest = _buffer[_consumed..];
        // The section header block type reads the same in both byte orders.
        return rest.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(rest) == PcapngBlockType.SectionHeader;
    }

    private BlockResult TryReadBlock<TOrder>(out CaptureRecord record) where TOrder : struct, IByteOrder
    {
        record = default;
        ReadOnlySpan<byte> rest = _buffer[_consumed..];
        if (rest.Length < 8)
        {
            return NeedMore(8, rest.Length, insideBlock: false);
        }

        uint type = TOrder.UInt32(rest);
        uint length = RoundUpToFour(TOrder.UInt32(rest[4..]));
        if (length > CaptureLimits.MaxPcapngBlockLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} is too large (> {CaptureLimits.MaxPcapngBlockLength})");
        }

        return type switch
        {
            PcapngBlockType.EnhancedPacket => ReadPacketBlock<TOrder>(rest, length, enhanced: true, out record),
            PcapngBlockType.SimplePacket => ReadSimplePacketBlock<TOrder>(rest, length, out record),
            PcapngBlockType.Packet => ReadPacketBlock<TOrder>(rest, length, enhanced: false, out record),
            PcapngBlockType.InterfaceDescription => ReadInterfaceDescriptionBlock<TOrder>(rest, length),
            PcapngBlockType.NameResolution => ReadNameResolutionBlock<TOrder>(rest, length),
            PcapngBlockType.InterfaceStatistics => ReadInterfaceStatisticsBlock<TOrder>(rest, length),
            PcapngBlockType.Custom or PcapngBlockType.CustomNoCopy => StartSkip(type, length, PcapngBlockType.MinimumCustomLength),
            PcapngBlockType.DecryptionSecrets => StartSkip(type, length, PcapngBlockType.MinimumDecryptionSecretsLength),
            _ => StartSkip(type, length, PcapngBlockType.MinimumLength),
        };
    }

    private BlockResult StartSkip(uint type, uint length, int minimum)
    {
        if (length < minimum)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of a block of type 0x{type:x8} is less than its minimum size {minimum}");
        }

        _state.pendingBlockStart = _state.position + _consumed;
        _consumed += 8;
        _state.phase = PcapngPhase.SkippingBody;
        _state.skipRemaining = length - PcapngBlockType.MinimumLength;
        _state.pendingBlockLength = length;
        return BlockResult.Consumed;
    }

    private BlockResult ContinueSkip<TOrder>() where TOrder : struct, IByteOrder
    {
        ReadOnlySpan<byte> rest = _buffer[_consumed..];
        if (_state.phase == PcapngPhase.SkippingBody)
        {
            int skipped = (int)Math.Min(rest.Length, _state.skipRemaining);
            _consumed += skipped;
            _state.skipRemaining -= skipped;
            if (_state.skipRemaining > 0)
            {
                return NeedMore(1, 0, insideBlock: true);
            }

            _state.phase = PcapngPhase.Trailer;
            rest = rest[skipped..];
        }

        if (rest.Length < 4)
        {
            return NeedMore(4, rest.Length, insideBlock: true);
        }

        uint trailer = RoundUpToFour(TOrder.UInt32(rest));
        if (trailer != _state.pendingBlockLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block lengths (first {_state.pendingBlockLength} and second {trailer}) don't match");
        }

        _consumed += 4;
        _state.phase = PcapngPhase.BlockStart;
        return BlockResult.Consumed;
    }

    private BlockResult TryReadSectionHeader()
    {
        ReadOnlySpan<byte> rest = _buffer[_consumed..];
        if (rest.Length < 12)
        {
            return NeedMore(12, rest.Length, insideBlock: false);
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(rest) != PcapngBlockType.SectionHeader)
        {
            return Fail(CaptureProblemKind.BadHeader, "pcapng: the data does not start with a section header block");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]);
        if (magic == PcapngBlockType.ByteOrderMagic)
        {
            return ReadSectionHeader<LittleEndianOrder>(rest);
        }

        if (magic == BinaryPrimitives.ReverseEndianness(PcapngBlockType.ByteOrderMagic))
        {
            return ReadSectionHeader<BigEndianOrder>(rest);
        }

        return Fail(CaptureProblemKind.BadHeader, $"pcapng: unknown byte-order magic number 0x{magic:x8}");
    }

    private BlockResult ReadSectionHeader<TOrder>(ReadOnlySpan<byte> rest) where TOrder : struct, IByteOrder
    {
        uint length = RoundUpToFour(TOrder.UInt32(rest[4..]));
        if (length < PcapngBlockType.MinimumSectionHeaderLength)
        {
            return Fail(CaptureProblemKind.BadHeader,
                $"pcapng: total block length {length} of an SHB is less than the minimum SHB size {PcapngBlockType.MinimumSectionHeaderLength}");
        }

        if (length > CaptureLimits.MaxPcapngBlockLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} is too large (> {CaptureLimits.MaxPcapngBlockLength})");
        }

        if (rest.Length < 16)
        {
            return NeedMore(16, rest.Length, insideBlock: true);
        }

        // The specification allows 1.x, but tshark 4.0 knows only 1.0 and 1.2 (1.2 being written as 1.0's synonym).
        ushort major = TOrder.UInt16(rest[12..]);
        ushort minor = TOrder.UInt16(rest[14..]);
        if (major != 1 || (minor != 0 && minor != 2))
        {
            return Fail(CaptureProblemKind.BadHeader, $"pcapng: unknown SHB version {major}.{minor}");
        }

        if (rest.Length < length)
        {
            return NeedMore((int)length, rest.Length, insideBlock: true);
        }

        ReadOnlySpan<byte> block = rest[..(int)length];
        string? error = PcapngOptions.Validate<TOrder>(block[24..^4]);
        if (error is not null)
        {
            return Fail(CaptureProblemKind.BadHeader, error);
        }

        if (!CheckTrailer<TOrder>(block, length))
        {
            return BlockResult.Stopped;
        }

        _state.sectionStarted = true;
        _state.bigEndian = typeof(TOrder) == typeof(BigEndianOrder);
        _state.interfaceCount = 0;
        _state.sectionCount++;
        _consumed += (int)length;
        return BlockResult.Consumed;
    }

    private BlockResult ReadInterfaceDescriptionBlock<TOrder>(ReadOnlySpan<byte> rest, uint length)
        where TOrder : struct, IByteOrder
    {
        if (length < PcapngBlockType.MinimumInterfaceDescriptionLength)
        {
            return Fail(CaptureProblemKind.BadRecordLength,
                $"pcapng: total block length {length} of an IDB is less than the minimum IDB size {PcapngBlockType.MinimumInterfaceDescriptionLength}");
        }

        if (rest.Length < length)
        {
            return NeedMore((int)length, rest.Length, insideBlock: true);
        }

        ReadOnlySpan<byte> block = rest[..(int)length];
        ushort linkType = TOrder.UInt16(block[8..]);
        uint snapLength = TOrder.UInt32(block[12..]);
        string? error = PcapngOptions.ReadInterface<TOrder>(block[16..^4], out ulong unitsPerSecond, out long offsetSeconds);
        if (error is not null)
        {
            return Fail(CaptureProblemKind.BadHeader, error);
        }

        if (!CheckTrailer<TOrder>(block, length))
        {
            return BlockResult.Stopped;
        }

        _state.AddInterface(new PcapngInterface(
            (LinkType)linkType, snapLength, unitsPerSecond, offsetSeconds, CaptureLimits.MaxCapturedLength(linkType)));
        _consumed += (int)length;
        return BlockResult.Consumed;
    }

    private bool CheckTrailer<TOrder>(ReadOnlySpan<byte> block, uint length) where TOrder : struct, IByteOrder
    {
        // tshark rounds both copies up to a multiple of four, so a writer that left the padding out of both passes.
        uint trailer = RoundUpToFour(TOrder.UInt32(block[^4..]));
        if (trailer == length)
        {
            return true;
        }

        Fail(CaptureProblemKind.BadRecordLength,
            $"pcapng: total block lengths (first {length} and second {trailer}) don't match");
        return false;
    }

    private static uint RoundUpToFour(uint length) => unchecked((length + 3) & ~3u);

    private static uint PaddingToFour(uint length) => (4 - (length & 3)) & 3;

    private BlockResult NeedMore(int needed, int available, bool insideBlock)
    {
        if (!_isFinalBlock)
        {
            Stop = CaptureReadStop.NeedMoreData;
            BytesNeeded = needed;
            return BlockResult.Stopped;
        }

        if (!_state.sectionStarted)
        {
            return Fail(CaptureProblemKind.TruncatedHeader,
                $"pcapng: the data ends inside its first section header block ({available} of {needed} bytes)");
        }

        if (available == 0 && !insideBlock)
        {
            Stop = CaptureReadStop.EndOfData;
            return BlockResult.Stopped;
        }

        return Fail(CaptureProblemKind.TruncatedRecord,
            $"pcapng: the file ends inside a block ({available} of {needed} bytes)", isFatal: false);
    }

    private BlockResult Fail(CaptureProblemKind kind, string reason, bool isFatal = true)
    {
        Stop = CaptureReadStop.Failed;
        long offset = _state.phase == PcapngPhase.BlockStart ? _state.position + _consumed : _state.pendingBlockStart;
        Failure = new CaptureReadFailure(kind, reason, offset,
            _state.sectionStarted ? _state.recordIndex : -1, isFatal);
        return BlockResult.Stopped;
    }

    private enum BlockResult : byte
    {
        /// <summary>A block (or part of one being skipped) was consumed; go on.</summary>
        Consumed,
        Packet,
        /// <summary>See <see cref="Stop"/>.</summary>
        Stopped,
    }
}
