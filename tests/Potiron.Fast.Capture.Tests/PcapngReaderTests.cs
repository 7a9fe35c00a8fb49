using Potiron.Fast.Packets;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

public sealed class PcapngReaderTests
{
    [Fact]
    public void Reads_sections_of_either_byte_order_each_with_its_own_interfaces()
    {
        var builder = new PcapngBuilder().Section(bigEndian: false)
            .Interface(linkType: 1)
            .Interface(linkType: 0)
            .EnhancedPacket(1, 2_000_000, CaptureReading.Packet(20, 1))
            .EnhancedPacket(0, 3_000_000, CaptureReading.Packet(60, 2), originalLength: 1514);
        builder.Section(bigEndian: true)
            .Interface(linkType: 113)
            .EnhancedPacket(0, 4_000_000, CaptureReading.Packet(33, 3));

        ReadResult result = CaptureReading.Read(builder.ToArray());

        Assert.Null(result.Problem);
        Assert.Empty(result.Warnings);
        Assert.Equal(CaptureContainer.Pcapng, result.Container);
        Assert.Equal(
            [(LinkType.Null, 1, 2L, 20, 20u), (LinkType.Ethernet, 0, 3L, 60, 1514u), (LinkType.LinuxSll, 0, 4L, 33, 33u)],
            result.Records.Select(r => (r.LinkType, r.InterfaceId, r.Seconds, r.CapturedLength, r.OriginalLength)));
        Assert.Equal([0L, 1, 2], result.Records.Select(r => r.Index));
        Assert.Equal(Convert.ToHexString(CaptureReading.Packet(33, 3)), result.Records[2].Data);
    }

    [Theory]
    [InlineData(null, 1_500_000_123UL, 1500L, 123_000u)]
    [InlineData((byte)9, 1_500_000_123UL, 1L, 500_000_123u)]
    [InlineData((byte)3, 1_500UL, 1L, 500_000_000u)]
    [InlineData((byte)0, 7UL, 7L, 0u)]
    [InlineData((byte)0x94, (5UL << 20) + (1UL << 19), 5L, 500_000_000u)]
    [InlineData((byte)12, ulong.MaxValue, 18_446_744L, 18_369_319u)] // 10^12: the nanosecond product wraps in tshark too
    [InlineData((byte)19, ulong.MaxValue, 1L, 1u)]
    [InlineData((byte)20, 1UL, 0L, 0u)] // 10^20 units per second cannot be represented: tshark uses 2^64-1
    [InlineData((byte)0xc0, 1UL, 0L, 0u)]
    public void Timestamps_follow_the_interface_resolution(byte? resolution, ulong timestamp, long seconds, uint nanoseconds)
    {
        byte[] file = new PcapngBuilder().Section()
            .Interface(1, timestampResolution: resolution)
            .EnhancedPacket(0, timestamp, [1, 2, 3, 4])
            .ToArray();

        ReadRecord record = Assert.Single(CaptureReading.Read(file).Records);

        Assert.Equal((seconds, nanoseconds), (record.Seconds, record.Nanoseconds));
    }

    [Theory]
    [InlineData(1000L, 1001L)]
    [InlineData(-10L, -9L)]
    public void The_interface_offset_adds_seconds(long offset, long seconds)
    {
        byte[] file = new PcapngBuilder().Section()
            .Interface(1, timestampOffset: offset)
            .EnhancedPacket(0, 1_500_000, [1])
            .ToArray();

        ReadRecord record = Assert.Single(CaptureReading.Read(file).Records);

        Assert.Equal((seconds, 500_000_000u), (record.Seconds, record.Nanoseconds));
    }

    [Fact]
    public void The_first_well_formed_resolution_option_wins()
    {
        var builder = new PcapngBuilder().Section();
        byte[] options = [.. builder.Option(9, [9, 9]), .. builder.Option(9, [9]), .. builder.Option(9, [3])];
        byte[] file = builder.Interface(1, extraOptions: options).EnhancedPacket(0, 1_500_000, [1]).ToArray();

        ReadRecord record = Assert.Single(CaptureReading.Read(file).Records);

        Assert.Equal((0L, 1_500_000u), (record.Seconds, record.Nanoseconds));
    }

    [Fact]
    public void Timestamps_beyond_2106_keep_their_seconds()
    {
        // corpus-time-000: 2^32 seconds.
        byte[] file = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, (1UL << 32) * 1_000_000, [1]).ToArray();

        Assert.Equal(4_294_967_296L, Assert.Single(CaptureReading.Read(file).Records).Seconds);
    }

    [Theory]
    [InlineData(0u, 60, 60)]
    [InlineData(40u, 100, 40)]
    [InlineData(128u, 100, 100)]
    public void Simple_packets_have_no_timestamp_and_are_cut_to_the_first_interface_snaplen(uint snapLength, int original, int captured)
    {
        var builder = new PcapngBuilder().Section().Interface(linkType: 0, snapLength: snapLength).Interface(linkType: 1);
        byte[] file = builder.SimplePacket((uint)original, CaptureReading.Packet(captured, 1)).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Null(result.Problem);
        ReadRecord record = Assert.Single(result.Records);
        Assert.False(record.HasTimestamp);
        Assert.Equal((0L, 0u), (record.Seconds, record.Nanoseconds));
        Assert.Equal(LinkType.Null, record.LinkType);
        Assert.Equal(0, record.InterfaceId);
        Assert.Equal(captured, record.CapturedLength);
        Assert.Equal((uint)original, record.OriginalLength);
    }

    [Fact]
    public void A_simple_packet_before_any_interface_stops_the_file()
    {
        byte[] file = new PcapngBuilder().Section().SimplePacket(4, [1, 2, 3, 4]).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Equal(CaptureProblemKind.UnknownInterface, result.Problem?.Kind);
        Assert.Equal("pcapng: SPB appeared before any IDBs in the section", result.Problem?.Reason);
    }

    [Fact]
    public void Obsolete_packet_blocks_are_read()
    {
        byte[] file = new PcapngBuilder().Section().Interface(1).Interface(113)
            .ObsoletePacket(1, 2_500_000, CaptureReading.Packet(60, 1), originalLength: 70)
            .ToArray();

        ReadRecord record = Assert.Single(CaptureReading.Read(file).Records);

        Assert.Equal((LinkType.LinuxSll, 1, 2L, 500_000_000u, 60, 70u),
            (record.LinkType, record.InterfaceId, record.Seconds, record.Nanoseconds, record.CapturedLength, record.OriginalLength));
    }

    [Fact]
    public void Blocks_that_hold_no_packet_are_skipped()
    {
        var builder = new PcapngBuilder().Section().Interface(1);
        builder.EnhancedPacket(0, 1, [1])
            .NameResolution([10, 0, 0, 1], "host.example")
            .InterfaceStatistics(0, 5)
            .Block(PcapngBuilder.DecryptionSecretsType, [.. builder.UInt32(0x544c534b), .. builder.UInt32(4), 1, 2, 3, 4])
            .Block(PcapngBuilder.CustomType, [.. builder.UInt32(32473), 9, 9, 9, 9])
            .Block(0x12345678, [])
            .Block(0x80000001, new byte[4000])
            .EnhancedPacket(0, 2, [2]);

        ReadResult result = CaptureReading.Read(builder.ToArray());

        Assert.Null(result.Problem);
        Assert.Empty(result.Warnings);
        Assert.Equal(["01", "02"], result.Records.Select(r => r.Data));
    }

    [Fact]
    public void Block_lengths_without_their_padding_are_rounded_up_as_tshark_does()
    {
        var builder = new PcapngBuilder().Section().Interface(1);
        byte[] body = [.. builder.UInt32(0), .. builder.UInt32(0), .. builder.UInt32(1), .. builder.UInt32(5), .. builder.UInt32(5), 1, 2, 3, 4, 5, 0, 0, 0];
        builder.Block(PcapngBuilder.EnhancedPacketType, body, totalLength: 12 + 20 + 5, trailerLength: 12 + 20 + 5).EnhancedPacket(0, 2, [6]);

        ReadResult result = CaptureReading.Read(builder.ToArray());

        Assert.Null(result.Problem);
        Assert.Equal(["0102030405", "06"], result.Records.Select(r => r.Data));
    }

    [Fact]
    public void Different_length_copies_stop_the_file()
    {
        var builder = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, 1, [1]);
        builder.Block(0x12345678, [1, 2, 3, 4], trailerLength: 20).EnhancedPacket(0, 2, [2]);

        ReadResult result = CaptureReading.Read(builder.ToArray());

        Assert.Single(result.Records);
        Assert.Equal(CaptureProblemKind.BadRecordLength, result.Problem?.Kind);
        Assert.Equal("pcapng: total block lengths (first 16 and second 20) don't match", result.Problem?.Reason);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(8u)]
    public void Blocks_shorter_than_their_own_header_stop_the_file(uint length)
    {
        var builder = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, 1, [1]);
        builder.Bytes([.. builder.UInt32(0x99), .. builder.UInt32(length), .. builder.UInt32(length)]);

        ReadResult result = CaptureReading.Read(builder.ToArray());

        Assert.Single(result.Records);
        Assert.Equal(CaptureProblemKind.BadRecordLength, result.Problem?.Kind);
    }

    [Theory]
    [InlineData((ushort)1, (ushort)0, true)]
    [InlineData((ushort)1, (ushort)2, true)]
    [InlineData((ushort)1, (ushort)1, false)]
    [InlineData((ushort)0, (ushort)1, false)]
    [InlineData((ushort)2, (ushort)0, false)]
    public void Only_the_section_versions_tshark_knows_are_read(ushort major, ushort minor, bool accepted)
    {
        byte[] file = new PcapngBuilder().Section(majorVersion: major, minorVersion: minor).Interface(1).EnhancedPacket(0, 1, [1]).ToArray();

        ReadResult result = CaptureReading.Read(file);

        if (accepted)
        {
            Assert.Single(result.Records);
            Assert.Null(result.Problem);
        }
        else
        {
            Assert.Empty(result.Records);
            Assert.Equal(CaptureProblemKind.BadHeader, result.Problem?.Kind);
            Assert.Equal($"pcapng: unknown SHB version {major}.{minor}", result.Problem?.Reason);
        }
    }

    [Fact]
    public void A_section_header_option_longer_than_its_block_stops_the_file()
    {
        var builder = new PcapngBuilder();
        byte[] file = builder.Section(options: [.. builder.UInt16(2), .. builder.UInt16(40), 1, 2, 3, 4]).Interface(1).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Equal(CaptureProblemKind.BadHeader, result.Problem?.Kind);
        Assert.Equal("pcapng: Not enough data to handle option of length 40", result.Problem?.Reason);
    }

    [Theory]
    [InlineData((ushort)2, 2, "pcapng: packet block flags option length 2 is not 4")]
    [InlineData((ushort)4, 4, "pcapng: packet block drop count option length 4 is not 8")]
    [InlineData((ushort)2988, 2, "pcapng: option length (2) too small for custom option")]
    [InlineData((ushort)2, 4, null)]
    [InlineData((ushort)1, 5, null)]
    [InlineData((ushort)77, 3, null)]
    public void Packet_options_of_the_wrong_size_stop_the_file(ushort code, int length, string? reason)
    {
        var builder = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, 1, [1]);
        builder.EnhancedPacket(0, 2, [2], options: builder.Option(code, new byte[length])).EnhancedPacket(0, 3, [3]);

        ReadResult result = CaptureReading.Read(builder.ToArray());

        if (reason is null)
        {
            Assert.Null(result.Problem);
            Assert.Equal(3, result.Records.Count);
        }
        else
        {
            Assert.Single(result.Records);
            Assert.Equal(reason, result.Problem?.Reason);
            Assert.True(result.Problem?.IsFatal);
        }
    }

    [Fact]
    public void A_packet_on_an_undescribed_interface_stops_the_file()
    {
        byte[] file = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, 1, [1]).EnhancedPacket(1, 2, [2]).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Single(result.Records);
        Assert.Equal(CaptureProblemKind.UnknownInterface, result.Problem?.Kind);
        Assert.Equal(1, result.Problem?.RecordIndex);
    }

    [Fact]
    public void Interfaces_do_not_carry_over_to_the_next_section()
    {
        var builder = new PcapngBuilder().Section().Interface(1).Interface(1).EnhancedPacket(1, 1, [1]);
        builder.Section(bigEndian: true).Interface(1).EnhancedPacket(1, 2, [2]);

        ReadResult result = CaptureReading.Read(builder.ToArray());

        Assert.Single(result.Records);
        Assert.Equal(CaptureProblemKind.UnknownInterface, result.Problem?.Kind);
    }

    [Theory]
    [InlineData(1, 262_145u, "pcapng: cap_len 262145 is larger than 262144")]
    [InlineData(231, 300_000u, null)]
    public void Captured_lengths_beyond_tsharks_limit_stop_the_file(ushort linkType, uint length, string? reason)
    {
        byte[] file = new PcapngBuilder().Section().Interface(linkType).EnhancedPacket(0, 1, new byte[length]).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Equal(reason, result.Problem?.Reason);
        Assert.Equal(reason is null ? 1 : 0, result.Records.Count);
    }

    [Fact]
    public void A_block_claiming_more_than_the_block_limit_is_refused_without_allocating_for_it()
    {
        var builder = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, 1, [1]);
        builder.Bytes([.. builder.UInt32(0x99), .. builder.UInt32(CaptureLimits.MaxPcapngBlockLength + 4), 0, 0, 0, 0]);
        byte[] file = builder.ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        ReadResult result = CaptureReading.Read(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Single(result.Records);
        Assert.Equal(CaptureProblemKind.BadRecordLength, result.Problem?.Kind);
        Assert.Equal($"pcapng: total block length {CaptureLimits.MaxPcapngBlockLength + 4} is too large (> 134348832)", result.Problem?.Reason);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_legal_but_huge_block_in_a_short_file_costs_no_more_memory_than_the_file()
    {
        // A D-Bus packet may be 128 MiB: the buffer grows only as its bytes really arrive.
        var builder = new PcapngBuilder().Section().Interface(231);
        builder.Bytes([.. builder.UInt32(PcapngBuilder.EnhancedPacketType), .. builder.UInt32(100_000_032),
            .. builder.UInt32(0), .. builder.UInt32(0), .. builder.UInt32(1), .. builder.UInt32(100_000_000), .. builder.UInt32(100_000_000)]);
        builder.Bytes(new byte[3_000_000]);
        byte[] file = builder.ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        ReadResult result = CaptureReading.Read(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(result.Records);
        Assert.Equal(CaptureProblemKind.TruncatedRecord, Assert.Single(result.Warnings).Kind);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_large_skipped_block_streams_past_without_growing_the_buffer()
    {
        var builder = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, 1, [1]);
        builder.Block(PcapngBuilder.CustomType, [.. builder.UInt32(32473), .. new byte[20_000_000]]).EnhancedPacket(0, 2, [2]);
        byte[] file = builder.ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        ReadResult result = CaptureReading.Read(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(result.Problem);
        Assert.Equal(2, result.Records.Count);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Name_resolution_records_are_checked_as_tshark_checks_them()
    {
        var builder = new PcapngBuilder().Section().Interface(1).EnhancedPacket(0, 1, [1]);
        builder.Block(PcapngBuilder.NameResolutionType, [.. builder.UInt16(1), .. builder.UInt16(8), 10, 0, 0, 1, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 0, 0, 0, 0]);

        ReadResult result = CaptureReading.Read(builder.ToArray());

        Assert.Single(result.Records);
        Assert.Equal("pcapng: NRB record has non-null-terminated host name", result.Problem?.Reason);
    }

    [Fact]
    public void The_span_reader_resumes_a_skipped_block_across_buffers()
    {
        var builder = new PcapngBuilder().Section().Interface(1);
        builder.Block(0x12345678, new byte[1000]).EnhancedPacket(0, 1, [7]);
        byte[] file = builder.ToArray();
        int cut = 28 + 20 + 500;

        var reader = new PcapngReader(file.AsSpan(0, cut), isFinalBlock: false, new PcapngReaderState(0));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(CaptureReadStop.NeedMoreData, reader.Stop);
        Assert.Equal(cut, reader.BytesConsumed);
        PcapngReaderState state = reader.CurrentState;
        Assert.Equal(1, state.InterfaceCount);
        Assert.Equal(LinkType.Ethernet, state.GetInterface(0).LinkType);

        var next = new PcapngReader(file.AsSpan(cut), isFinalBlock: true, state);
        Assert.True(next.TryRead(out CaptureRecord record));
        Assert.Equal(file.Length - 36, record.FileOffset);
        Assert.Equal(7, record.Data[0]);
        Assert.False(next.TryRead(out _));
        Assert.Equal(CaptureReadStop.EndOfData, next.Stop);
    }
}
