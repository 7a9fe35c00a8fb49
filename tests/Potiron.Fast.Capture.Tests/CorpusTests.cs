using Potiron.Fast.Packets;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

/// <summary>The real captures of ../shared/captures, read in place.</summary>
public sealed class CorpusTests
{
    [Fact]
    public void Every_readable_capture_gives_the_manifest_packet_count_and_tsharks_times_and_lengths()
    {
        IReadOnlyList<CaptureManifestEntry> manifest = SharedCaptures.RequireManifest();
        var mismatches = new List<string>();
        int checkedFiles = 0;
        foreach (CaptureManifestEntry entry in manifest.Where(e => e.Packets is not null))
        {
            ReadResult result = CaptureReading.ReadFile(entry.FullPath);
            if (result.Records.Count != entry.Packets)
            {
                mismatches.Add($"{entry.Name}: {result.Records.Count} packets, manifest says {entry.Packets} ({result.Describe()})");
                continue;
            }

            if (result.Problem is not null)
            {
                mismatches.Add($"{entry.Name}: {result.Problem}");
            }

            if (TsharkDigests.ByName.TryGetValue(entry.Name, out CaptureDigest? expected)
                && CaptureDigest.Of(result.Records) is var actual && actual != expected)
            {
                mismatches.Add($"{entry.Name}: read {actual}, tshark {expected}");
            }

            checkedFiles++;
        }

        Assert.Empty(mismatches);
        Assert.True(checkedFiles >= 100, $"only {checkedFiles} captures checked");
    }

    [Theory]
    [InlineData("corpus-badfile-000-20000101000000.pcap", CaptureProblemKind.BadHeader, "pcap: major version 1 unsupported")]
    [InlineData("corpus-badfile-001-20000101000000.pcapng", CaptureProblemKind.BadHeader, "pcapng: unknown SHB version 0.1")]
    [InlineData("corpus-badfile-002-20000101000000.pcapng", CaptureProblemKind.BadHeader, "pcapng: Not enough data to handle option of length 12336")]
    [InlineData("corpus-badfile-003-20000101000000.pcap", CaptureProblemKind.BadHeader, "pcap: network type reserved field not zero (0x00300000)")]
    public void The_files_tshark_refuses_are_refused_with_its_reason(string name, CaptureProblemKind kind, string reason)
    {
        ReadResult result = CaptureReading.ReadFile(SharedCaptures.RequireFile(name));

        Assert.Empty(result.Records);
        Assert.NotNull(result.Problem);
        Assert.True(result.Problem.IsFatal);
        Assert.Equal((kind, reason), (result.Problem.Kind, result.Problem.Reason));
        Assert.EndsWith(name, result.Problem.File, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_type_tshark_does_not_know_is_still_read()
    {
        // tshark 4.0 refuses link type 284 (DSA tags) as a whole; the decoder is the place to count what it cannot use.
        ReadResult result = CaptureReading.ReadFile(SharedCaptures.RequireFile("corpus-badlink-000-20000101000000.pcap"));

        Assert.Null(result.Problem);
        Assert.Equal(8, result.Records.Count);
        Assert.All(result.Records, r => Assert.Equal((LinkType)284, r.LinkType));
    }

    [Theory]
    [InlineData("corpus-cutshort-000-20010128051322.pcap", 1, CaptureProblemKind.TruncatedRecord)]
    [InlineData("corpus-cutshort-001-20170414105537.pcap", 511, CaptureProblemKind.TruncatedRecord)]
    [InlineData("corpus-cutshort-002-20220612104641.cap.gz", 315, CaptureProblemKind.CompressionError)]
    public void Files_cut_short_count_the_records_before_the_cut_and_warn(string name, int records, CaptureProblemKind kind)
    {
        ReadResult result = CaptureReading.ReadFile(SharedCaptures.RequireFile(name));

        Assert.Equal(records, result.Records.Count);
        Assert.Null(result.Problem);
        CaptureProblem warning = Assert.Single(result.Warnings);
        Assert.Equal(kind, warning.Kind);
        Assert.False(warning.IsFatal);
        Assert.Equal(records, warning.RecordIndex);
    }

    [Fact]
    public void A_version_2_0_nanosecond_file_swaps_its_lengths_and_keeps_an_invalid_fraction()
    {
        ReadRecord record = CaptureReading.ReadFile(SharedCaptures.RequireFile("corpus-cutshort-000-20010128051322.pcap")).Records[0];

        // tshark: 980658802.1882137472  197  524501
        Assert.Equal((980658802L, 1_882_137_472u, 197, 524_501u),
            (record.Seconds, record.Nanoseconds, record.CapturedLength, record.OriginalLength));
        Assert.Equal(LinkType.Null, record.LinkType);
    }

    [Theory]
    [InlineData("corpus-empty-000-20000101000000.pcapng", CaptureContainer.Pcapng)]
    [InlineData("corpus-empty-001-20000101000000.pcap", CaptureContainer.Pcap)]
    [InlineData("corpus-empty-002-20000101000000.pcapng", CaptureContainer.Pcapng)]
    public void Captures_without_packets_read_cleanly(string name, CaptureContainer container)
    {
        ReadResult result = CaptureReading.ReadFile(SharedCaptures.RequireFile(name));

        Assert.Equal(container, result.Container);
        Assert.Empty(result.Records);
        Assert.Null(result.Problem);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_zero_byte_file_is_empty_without_being_an_error()
    {
        ReadResult result = CaptureReading.ReadFile(SharedCaptures.RequireFile("corpus-zerobyte-000-20000101000000.cap"));

        Assert.Equal(CaptureContainer.Empty, result.Container);
        Assert.Null(result.Problem);
        CaptureProblem warning = Assert.Single(result.Warnings);
        Assert.Equal(CaptureProblemKind.Empty, warning.Kind);
        Assert.False(warning.IsFatal);
    }

    [Fact]
    public void Invalid_fractions_come_out_as_tshark_computes_them()
    {
        uint[] nanosecond = [.. CaptureReading.ReadFile(SharedCaptures.RequireFile("corpus-nsec-001-20141209171610.pcap")).Records.Select(r => r.Nanoseconds)];
        uint[] microsecond = [.. CaptureReading.ReadFile(SharedCaptures.RequireFile("corpus-badtime-000-20141209171609.pcap")).Records.Select(r => r.Nanoseconds)];

        // tshark prints .999999999, .1000000000 and -...2147483648 (wiretap's nanoseconds are a signed int).
        Assert.Equal([999_999_999u, 1_000_000_000u, 2_147_483_648u], nanosecond);
        // tshark prints .999999000, .1000000000 and .000000000 (2^31 µs times 1000 wraps to 0 in 32 bits).
        Assert.Equal([999_999_000u, 1_000_000_000u, 0u], microsecond);
    }

    [Theory]
    [InlineData("corpus-time-000-21060207062816.pcapng", 4_294_967_296L)]
    [InlineData("corpus-time-001-21070101000000.pcapng", 4_323_283_200L)]
    public void Times_after_2106_are_kept(string name, long seconds)
    {
        ReadRecord record = Assert.Single(CaptureReading.ReadFile(SharedCaptures.RequireFile(name)).Records);

        Assert.Equal((seconds, 0u), (record.Seconds, record.Nanoseconds));
    }

    [Fact]
    public void Sections_of_both_byte_orders_with_simple_packets_cut_to_their_snaplen()
    {
        ReadResult result = CaptureReading.ReadFile(SharedCaptures.RequireFile("corpus-pcapngshb-000-20000101000000.pcapng"));

        // tshark lists (custom blocks left out): 96/314 if0, 96/342 if0, 168/168 if1, SPB 128/314, 128/342 if0, SPB 128/314, 128/342 if0, 168/168 if1.
        Assert.Equal(
            [(96, 314u, 0, true), (96, 342u, 0, true), (168, 168u, 1, true), (128, 314u, 0, false), (128, 342u, 0, true),
                (128, 314u, 0, false), (128, 342u, 0, true), (168, 168u, 1, true)],
            result.Records.Select(r => (r.CapturedLength, r.OriginalLength, r.InterfaceId, r.HasTimestamp)));
        Assert.Equal(LinkType.Null, result.Records[2].LinkType);
    }

    [Fact]
    public void Compressed_captures_are_recognised_by_content()
    {
        ReadResult result = CaptureReading.ReadFile(SharedCaptures.RequireFile("corpus-pcapnggz-000-20240116220155.pcapng.gz"));

        Assert.Equal((CaptureContainer.Pcapng, CaptureCompression.Gzip), (result.Container, result.Compression));
        Assert.Equal(48, result.Records.Count);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("corpus-arp-003-20230124180408.pcapng", CaptureContainer.Pcap)]
    [InlineData("corpus-fuzz-001-20180614170747.pcap", CaptureContainer.Pcapng)]
    public void The_container_comes_from_the_magic_number_not_the_name(string name, CaptureContainer container)
    {
        Assert.Equal(container, CaptureReading.ReadFile(SharedCaptures.RequireFile(name)).Container);
    }

    [Fact]
    public void Reading_reports_bytes_before_and_after_decompression()
    {
        string path = SharedCaptures.RequireFile("corpus-large-004-20200416125432.cap.gz");
        using var reader = CaptureFileReader.Open(path);
        CaptureReading.Drain(reader);

        Assert.Equal(new FileInfo(path).Length, reader.CompressedBytesRead);
        Assert.True(reader.BytesRead > reader.CompressedBytesRead);
        Assert.Equal(1540, reader.RecordsRead);
    }
}
