using Potiron.Fast.Packets;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

public sealed class PcapReaderTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Reads_records_in_either_byte_order_and_resolution(bool bigEndian, bool nanosecond)
    {
        byte[] file = new PcapBuilder(network: 113, bigEndian: bigEndian, nanosecond: nanosecond)
            .Add(1_500_000_000, 123_456, CaptureReading.Packet(60, 1))
            .Add(1_500_000_001, 999_999, CaptureReading.Packet(0, 2), originalLength: 1514)
            .Add(uint.MaxValue, 0, CaptureReading.Packet(1514, 3))
            .ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Null(result.Problem);
        Assert.Empty(result.Warnings);
        Assert.Equal(nanosecond ? CaptureContainer.PcapNanosecond : CaptureContainer.Pcap, result.Container);
        Assert.Equal(3, result.Records.Count);
        ReadRecord first = result.Records[0];
        Assert.Equal(LinkType.LinuxSll, first.LinkType);
        Assert.Equal(1_500_000_000, first.Seconds);
        Assert.Equal(nanosecond ? 123_456u : 123_456_000u, first.Nanoseconds);
        Assert.True(first.HasTimestamp);
        Assert.Equal(Convert.ToHexString(CaptureReading.Packet(60, 1)), first.Data);
        Assert.Equal(24, first.FileOffset);
        Assert.Equal(0, first.Index);
        Assert.Equal(1514u, result.Records[1].OriginalLength);
        Assert.Equal(0, result.Records[1].CapturedLength);
        Assert.Equal(24 + 16 + 60, result.Records[1].FileOffset);
        // ts_sec is unsigned: timestamps run to 2106.
        Assert.Equal(4_294_967_295L, result.Records[2].Seconds);
        Assert.Equal(2, result.Records[2].Index);
    }

    [Fact]
    public void Nanosecond_fractions_of_a_second_or_more_are_kept_as_written()
    {
        byte[] file = new PcapBuilder(nanosecond: true)
            .Add(10, 999_999_999, [1])
            .Add(10, 1_000_000_000, [2])
            .Add(10, 2_147_483_648, [3])
            .ToArray();

        uint[] fractions = [.. CaptureReading.Read(file).Records.Select(r => r.Nanoseconds)];

        Assert.Equal([999_999_999u, 1_000_000_000u, 2_147_483_648u], fractions);
    }

    [Fact]
    public void Microsecond_fractions_are_scaled_with_the_32_bit_wrap_around_tshark_has()
    {
        // corpus-badtime-000: tshark prints .1000000000 for 1000000 µs and .000000000 for 2^31 µs.
        byte[] file = new PcapBuilder()
            .Add(10, 999_999, [1])
            .Add(10, 1_000_000, [2])
            .Add(10, 2_147_483_648, [3])
            .ToArray();

        uint[] fractions = [.. CaptureReading.Read(file).Records.Select(r => r.Nanoseconds)];

        Assert.Equal([999_999_000u, 1_000_000_000u, 0u], fractions);
    }

    [Theory]
    [InlineData((ushort)0)]
    [InlineData((ushort)1)]
    public void Major_versions_before_2_are_refused(ushort major)
    {
        byte[] file = new PcapBuilder(majorVersion: major).Add(1, 0, [1, 2, 3]).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Empty(result.Records);
        Assert.NotNull(result.Problem);
        Assert.True(result.Problem.IsFatal);
        Assert.Equal(CaptureProblemKind.BadHeader, result.Problem.Kind);
        Assert.Equal($"pcap: major version {major} unsupported", result.Problem.Reason);
    }

    [Theory]
    [InlineData((ushort)2, (ushort)5)]
    [InlineData((ushort)3, (ushort)0)]
    public void Later_versions_are_read_like_2_4(ushort major, ushort minor)
    {
        byte[] file = new PcapBuilder(majorVersion: major, minorVersion: minor).Add(1, 0, [1, 2, 3], originalLength: 9).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Null(result.Problem);
        Assert.Equal(3, Assert.Single(result.Records).CapturedLength);
    }

    [Fact]
    public void Versions_before_2_3_have_their_lengths_the_other_way_round()
    {
        // corpus-cutshort-000 is a 2.0 file: caplen 197 is written where 2.4 has orig_len.
        byte[] file = new PcapBuilder(minorVersion: 2).AddRaw(1, 0, includedLength: 100, originalLength: 3, [1, 2, 3]).ToArray();

        ReadRecord record = Assert.Single(CaptureReading.Read(file).Records);

        Assert.Equal(3, record.CapturedLength);
        Assert.Equal(100u, record.OriginalLength);
    }

    [Fact]
    public void Version_2_3_swaps_only_lengths_that_make_no_sense()
    {
        byte[] file = new PcapBuilder(minorVersion: 3)
            .AddRaw(1, 0, includedLength: 2, originalLength: 60, [1, 2])
            .AddRaw(2, 0, includedLength: 60, originalLength: 2, [3, 4])
            .ToArray();

        IReadOnlyList<ReadRecord> records = CaptureReading.Read(file).Records;

        Assert.Equal([(2, 60u), (2, 60u)], records.Select(r => (r.CapturedLength, r.OriginalLength)));
    }

    [Fact]
    public void Aix_files_name_their_link_type_by_ifType_and_count_nanoseconds()
    {
        byte[] file = new PcapBuilder(network: 6, minorVersion: 2).Add(1, 5, [1, 2, 3]).ToArray();

        ReadRecord record = Assert.Single(CaptureReading.Read(file).Records);

        Assert.Equal(LinkType.Ethernet, record.LinkType);
        Assert.Equal(5u, record.Nanoseconds);
    }

    [Fact]
    public void Reserved_link_type_bits_are_refused_as_tshark_does()
    {
        // corpus-badfile-003 has 0x00300000 there.
        byte[] file = new PcapBuilder(network: 0x00300000).Add(1, 0, [1]).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Equal(CaptureProblemKind.BadHeader, result.Problem?.Kind);
        Assert.Equal("pcap: network type reserved field not zero (0x00300000)", result.Problem?.Reason);
    }

    [Fact]
    public void Fcs_bits_above_the_link_type_are_ignored()
    {
        byte[] file = new PcapBuilder(network: 0x14000001).Add(1, 0, [1]).ToArray();

        ReadResult result = CaptureReading.Read(file);

        Assert.Null(result.Problem);
        Assert.Equal(LinkType.Ethernet, Assert.Single(result.Records).LinkType);
    }

    [Fact]
    public void Unknown_link_types_pass_through()
    {
        byte[] file = new PcapBuilder(network: 284).Add(1, 0, [1]).ToArray();

        Assert.Equal((LinkType)284, Assert.Single(CaptureReading.Read(file).Records).LinkType);
    }

    [Theory]
    [InlineData(1u, 262_144u, true)]
    [InlineData(1u, 262_145u, false)]
    [InlineData(147u, 262_145u, false)]
    [InlineData(231u, 262_145u, true)]
    [InlineData(249u, 262_145u, true)]
    [InlineData(279u, 262_145u, true)]
    public void Captured_lengths_beyond_tsharks_limit_stop_the_file_at_that_record(uint linkType, uint length, bool accepted)
    {
        byte[] file = new PcapBuilder(network: linkType)
            .Add(1, 0, [1, 2, 3])
            .Add(2, 0, new byte[length])
            .Add(3, 0, [4, 5, 6])
            .ToArray();

        ReadResult result = CaptureReading.Read(file);

        if (accepted)
        {
            Assert.Null(result.Problem);
            Assert.Equal(3, result.Records.Count);
            Assert.Equal((int)length, result.Records[1].CapturedLength);
        }
        else
        {
            ReadRecord first = Assert.Single(result.Records);
            Assert.Equal(3, first.CapturedLength);
            Assert.NotNull(result.Problem);
            Assert.True(result.Problem.IsFatal);
            Assert.Equal(CaptureProblemKind.BadRecordLength, result.Problem.Kind);
            Assert.Equal(1, result.Problem.RecordIndex);
            Assert.Equal(24 + 16 + 3, result.Problem.Offset);
            Assert.Equal($"pcap: File has {length}-byte packet, bigger than maximum of 262144", result.Problem.Reason);
        }
    }

    [Fact]
    public void A_record_cut_by_the_end_of_the_file_is_a_warning_after_the_records_before_it()
    {
        byte[] whole = new PcapBuilder().Add(1, 0, [1, 2, 3]).Add(2, 0, [4, 5, 6, 7]).ToArray();

        ReadResult result = CaptureReading.Read(whole[..^2]);

        Assert.Single(result.Records);
        Assert.Null(result.Problem);
        CaptureProblem warning = Assert.Single(result.Warnings);
        Assert.Equal(CaptureProblemKind.TruncatedRecord, warning.Kind);
        Assert.False(warning.IsFatal);
        Assert.Equal(1, warning.RecordIndex);
        Assert.Equal(24 + 16 + 3, warning.Offset);
    }

    [Fact]
    public void The_span_reader_consumes_nothing_of_an_incomplete_record_and_resumes_from_its_state()
    {
        byte[] file = new PcapBuilder().Add(1, 0, CaptureReading.Packet(40, 1)).Add(2, 0, CaptureReading.Packet(50, 2)).ToArray();
        int firstEnd = 24 + 16 + 40;

        var reader = new PcapReader(file.AsSpan(0, firstEnd + 20), isFinalBlock: false, new PcapReaderState(0));
        Assert.True(reader.TryRead(out CaptureRecord first));
        Assert.Equal(40, first.Data.Length);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(CaptureReadStop.NeedMoreData, reader.Stop);
        Assert.Equal(16 + 50, reader.BytesNeeded);
        Assert.Equal(firstEnd, reader.BytesConsumed);
        PcapReaderState state = reader.CurrentState;
        Assert.Equal(firstEnd, state.Position);
        Assert.Equal(LinkType.Ethernet, state.LinkType);

        var next = new PcapReader(file.AsSpan(firstEnd), isFinalBlock: true, state);
        Assert.True(next.TryRead(out CaptureRecord second));
        Assert.Equal(firstEnd, second.FileOffset);
        Assert.Equal(1, second.Index);
        Assert.False(next.TryRead(out _));
        Assert.Equal(CaptureReadStop.EndOfData, next.Stop);
    }

    [Fact]
    public void A_header_alone_is_an_empty_capture()
    {
        ReadResult result = CaptureReading.Read(new PcapBuilder().ToArray());

        Assert.Empty(result.Records);
        Assert.Null(result.Problem);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData(false, false, 4)]
    [InlineData(true, false, 4)]
    [InlineData(false, true, 4)]
    [InlineData(true, true, 4)]
    [InlineData(false, false, 2)]
    [InlineData(false, false, 3)]
    public void The_whole_record_path_reads_what_the_span_reader_reads_and_leaves_everything_else_to_it(bool bigEndian, bool nanosecond, ushort minor)
    {
        // Every cut of the file: records whole in the buffer, records cut anywhere, a length over the link type's
        // limit, and the versions whose lengths are the other way round (left to the span reader).
        var builder = new PcapBuilder(network: 1, bigEndian: bigEndian, nanosecond: nanosecond, minorVersion: minor)
            .Add(1_500_000_000, 999_999, CaptureReading.Packet(60, 1), originalLength: 1514)
            .Add(1_500_000_001, 0, [])
            .Add(uint.MaxValue, 1, CaptureReading.Packet(1514, 2))
            .AddRaw(7, 0, 300, 200, CaptureReading.Packet(300, 3));
        int overLimit = (int)builder.Length;
        byte[] file = builder.Add(8, 0, new byte[262_145]).ToArray();
        int[] cuts = [.. Enumerable.Range(PcapReader.FileHeaderLength, overLimit + 40 - PcapReader.FileHeaderLength), file.Length];
        foreach (int cut in cuts)
        {
            PcapReaderState state = StateAfterHeader(file);
            int position = PcapReader.FileHeaderLength;
            while (true)
            {
                ReadOnlySpan<byte> data = file.AsSpan(position, cut - position);
                var spanReader = new PcapReader(data, isFinalBlock: false, state);
                bool spanRead = spanReader.TryRead(out CaptureRecord expected);
                PcapReaderState before = state;
                bool wholeRead = PcapReader.TryReadWhole(data, ref state, out CaptureRecord actual, out int length);
                if (!wholeRead)
                {
                    Assert.Equal(before, state);
                    // Only the old versions' length order may be read by the span reader and not by the whole path.
                    Assert.True(!spanRead || minor < 4, $"cut {cut}, offset {position}: the span reader read a record the whole path left");
                    break;
                }

                Assert.True(spanRead, $"cut {cut}, offset {position}: the whole path read a record the span reader did not");
                Assert.Equal(ReadRecord.From(expected), ReadRecord.From(actual));
                Assert.Equal(spanReader.BytesConsumed, length);
                Assert.Equal(spanReader.CurrentState, state);
                position += length;
            }
        }
    }

    // The state after the file header, as a reader leaves it before the first record.
    private static PcapReaderState StateAfterHeader(byte[] file)
    {
        var reader = new PcapReader(file.AsSpan(0, PcapReader.FileHeaderLength), isFinalBlock: false, new PcapReaderState(0));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(CaptureReadStop.NeedMoreData, reader.Stop);
        return reader.CurrentState;
    }
}
