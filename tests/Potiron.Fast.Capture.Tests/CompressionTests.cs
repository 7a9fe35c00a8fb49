using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

public sealed class CompressionTests
{
    private static readonly byte[] Capture = BuildCapture(400);

    private static byte[] BuildCapture(int records)
    {
        var builder = new PcapBuilder();
        for (int i = 0; i < records; i++)
        {
            builder.Add((uint)i, (uint)i, CaptureReading.Packet(60 + i % 200, i));
        }

        return builder.ToArray();
    }

    private static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Lz4(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        using (var lz4 = LZ4Stream.Encode(output, leaveOpen: true))
        {
            lz4.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Zstd(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(output, 3, leaveOpen: true))
        {
            zstd.Write(data);
        }

        return output.ToArray();
    }

    public static TheoryData<CaptureCompression> Compressions => [CaptureCompression.Gzip, CaptureCompression.Lz4, CaptureCompression.Zstd];

    private static byte[] Compress(CaptureCompression compression, byte[] data) => compression switch
    {
        CaptureCompression.Gzip => Gzip(data),
        CaptureCompression.Lz4 => Lz4(data),
        CaptureCompression.Zstd => Zstd(data),
        _ => data,
    };

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Compressed_captures_read_as_the_plain_ones(CaptureCompression compression)
    {
        ReadResult plain = CaptureReading.Read(Capture);

        ReadResult result = CaptureReading.ReadChunked(Compress(compression, Capture), 777);

        Assert.Equal(compression, result.Compression);
        Assert.Equal(CaptureContainer.Pcap, result.Container);
        Assert.Null(result.Problem);
        Assert.Empty(result.Warnings);
        Assert.True(plain.Records.SequenceEqual(result.Records));
    }

    [Fact]
    public void Concatenated_gzip_members_are_read_through()
    {
        byte[] members = [.. Gzip(Capture.AsSpan(0, 1000)), .. Gzip(Capture.AsSpan(1000, 20_000)), .. Gzip(Capture.AsSpan(21_000))];

        ReadResult result = CaptureReading.Read(members);

        Assert.Null(result.Problem);
        Assert.Empty(result.Warnings);
        Assert.True(CaptureReading.Read(Capture).Records.SequenceEqual(result.Records));
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void A_compressed_stream_cut_short_keeps_the_records_before_the_cut(CaptureCompression compression)
    {
        byte[] capture = BuildCapture(4000);
        byte[] compressed = Compress(compression, capture);
        int total = CaptureReading.Read(capture).Records.Count;

        foreach (int cut in (int[])[compressed.Length - 1, compressed.Length - 4, compressed.Length - 9, compressed.Length / 2])
        {
            using var reader = CaptureFileReader.Open(new MemoryStream(compressed[..cut]), "cut.gz");
            ReadResult result = CaptureReading.Drain(reader);

            Assert.Null(result.Problem);
            CaptureProblem warning = Assert.Single(result.Warnings);
            Assert.Equal(CaptureProblemKind.CompressionError, warning.Kind);
            Assert.False(warning.IsFatal);
            Assert.Equal(reader.BytesRead, warning.Offset);
            Assert.Equal(result.Records.Count, warning.RecordIndex);
            Assert.True(result.Records.Count > 0 && result.Records.Count <= total, $"cut {cut}: {result.Describe()}");
        }
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void A_compressed_stream_cut_before_the_capture_header_is_fatal(CaptureCompression compression)
    {
        byte[] compressed = Compress(compression, Capture);

        ReadResult result = CaptureReading.Read(compressed[..12]);

        Assert.Empty(result.Records);
        Assert.True(result.Problem is { Kind: CaptureProblemKind.CompressionError, IsFatal: true }, result.Describe());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void A_gzip_trailer_that_does_not_match_is_a_compression_error_after_the_records_before_it(int fromEnd)
    {
        byte[] compressed = Gzip(BuildCapture(4000));
        compressed[^fromEnd] ^= 0xff;

        ReadResult result = CaptureReading.Read(compressed);

        Assert.Null(result.Problem);
        Assert.Equal(CaptureProblemKind.CompressionError, Assert.Single(result.Warnings).Kind);
        Assert.NotEmpty(result.Records);
    }

    [Theory]
    [InlineData(new byte[] { 0x1f, 0x8b })]
    [InlineData(new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 0x00 })]
    [InlineData(new byte[] { 0x04, 0x22, 0x4d, 0x18, 0x99, 0x99, 0x99 })]
    public void Compressed_data_that_gives_no_capture_header_is_fatal(byte[] data)
    {
        ReadResult result = CaptureReading.Read(data);

        Assert.Empty(result.Records);
        Assert.NotNull(result.Problem);
        Assert.Equal(CaptureProblemKind.CompressionError, result.Problem.Kind);
        Assert.True(result.Problem.IsFatal);
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Damaged_compressed_data_is_a_problem_never_an_exception(CaptureCompression compression)
    {
        byte[] compressed = Compress(compression, Capture);
        var random = new Random(42);
        for (int round = 0; round < 300; round++)
        {
            byte[] damaged = (byte[])compressed.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                damaged[random.Next(4, damaged.Length)] = (byte)random.Next(256);
            }

            ReadResult result = CaptureReading.Read(damaged);
            Assert.True(result.Records.Count <= 400, result.Describe());
        }
    }

    [Fact]
    public void An_empty_stream_is_empty_and_not_an_error()
    {
        ReadResult result = CaptureReading.Read([]);

        Assert.Equal(CaptureContainer.Empty, result.Container);
        Assert.Null(result.Problem);
        Assert.Equal(CaptureProblemKind.Empty, Assert.Single(result.Warnings).Kind);
    }

    [Fact]
    public void A_compressed_empty_file_is_empty_too()
    {
        // What gzip(1) writes for an empty file: header, an empty final block, CRC 0, size 0.
        ReadResult result = CaptureReading.Read([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

        Assert.Equal((CaptureContainer.Empty, CaptureCompression.Gzip), (result.Container, result.Compression));
        Assert.Null(result.Problem);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0x7f })]
    public void Unknown_magic_is_fatal(byte[] data)
    {
        ReadResult result = CaptureReading.Read(data);

        Assert.Equal(CaptureContainer.Unknown, result.Container);
        Assert.Equal(CaptureProblemKind.UnknownFormat, result.Problem?.Kind);
        Assert.True(result.Problem?.IsFatal);
    }

    [Fact]
    public void Compression_is_recognised_whatever_the_file_is_called()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("potiron-capture-").FullName, "plain-name.pcap");
        try
        {
            File.WriteAllBytes(path, Zstd(Capture));
            using var reader = CaptureFileReader.Open(path);
            ReadResult result = CaptureReading.Drain(reader);

            Assert.Equal(CaptureCompression.Zstd, result.Compression);
            Assert.Equal(400, result.Records.Count);
            Assert.Equal(new FileInfo(path).Length, reader.CompressedBytesRead);
            Assert.Equal(Capture.Length, reader.BytesRead);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void The_bytes_read_stay_known_after_the_reader_is_disposed()
    {
        // Found by the split fuzz target: the split ingest builds its file's summary after closing the reader, and
        // every file ingested on several lanes reported 0 bytes (and 0 MB/s).
        string path = Path.Combine(Directory.CreateTempSubdirectory("potiron-capture-").FullName, "capture.pcap.gz");
        try
        {
            File.WriteAllBytes(path, Gzip(Capture));
            var reader = CaptureFileReader.Open(path);
            ReadResult result = CaptureReading.Drain(reader);
            long bytes = reader.CompressedBytesRead;
            reader.Dispose();

            Assert.Equal(400, result.Records.Count);
            Assert.Equal(new FileInfo(path).Length, bytes);
            Assert.Equal(bytes, reader.CompressedBytesRead);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void A_missing_file_is_a_fatal_io_error_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.pcap");

        ReadResult result = CaptureReading.ReadFile(path);

        Assert.NotNull(result.Problem);
        Assert.Equal((CaptureProblemKind.IoError, true, path), (result.Problem.Kind, result.Problem.IsFatal, result.Problem.File));
        Assert.Contains(path, result.Problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_is_a_fatal_io_error()
    {
        ReadResult result = CaptureReading.ReadFile(Path.GetTempPath());

        Assert.Equal(CaptureProblemKind.IoError, result.Problem?.Kind);
    }

    /// <summary>
    /// Reading a plain file on a thread of its own (the staged read's third stage) gives exactly what a direct read gives,
    /// whole or cut anywhere (inside the header, a record header, a record), or with a record length over the limit.
    /// </summary>
    [Fact]
    public void Reading_a_plain_file_ahead_reads_as_a_direct_read()
    {
        byte[] plain = BuildCapture(6000);
        var variants = new List<byte[]> { plain };
        foreach (int cut in (int[])[0, 10, 24, 30, 1000, plain.Length / 3, plain.Length / 2, plain.Length - 9, plain.Length - 1])
            variants.Add(plain[..cut]);
        byte[] overLimit = (byte[])plain.Clone();
        // The second record's captured length, far over any link type's limit.
        int secondRecord = PcapReader.FileHeaderLength + PcapReader.RecordHeaderLength + BitConverter.ToInt32(plain, PcapReader.FileHeaderLength + 8);
        BitConverter.GetBytes(0x7fff_0000).CopyTo(overLimit, secondRecord + 8);
        variants.Add(overLimit);

        Assert.Equal(6000, CaptureReading.Read(plain).Records.Count);

        ReadEachDirectlyAndAhead(variants, (i, direct, expected, ahead, actual) =>
        {
            Assert.True(expected.Equivalent(actual), $"variant {i}: direct {expected.Describe()}; ahead {actual.Describe()}");
            if (i == variants.Count - 1)
                Assert.Equal(CaptureProblemKind.BadRecordLength, expected.Problem?.Kind);
            // Read to the end, both took every byte; stopped by a fatal record, each had buffered ahead of it its own way.
            if (expected.Problem is null)
                Assert.Equal(direct.BytesRead, ahead.BytesRead);
        });
    }

    /// <summary>
    /// Decompressing on a thread of its own (the staged read's third stage): an intact stream reads exactly as directly;
    /// on a cut or damaged one the codec reports the damage per read call, so the records kept before the warning may
    /// differ by what one read decodes, but they are the same records, and the same warning follows them.
    /// </summary>
    [Theory]
    [MemberData(nameof(Compressions))]
    public void Decompressing_ahead_reads_as_a_direct_read(CaptureCompression compression)
    {
        byte[] compressed = Compress(compression, BuildCapture(6000));
        var variants = new List<byte[]> { compressed };
        foreach (int cut in (int[])[9, 30, 1000, compressed.Length / 3, compressed.Length / 2, compressed.Length - 9, compressed.Length - 1])
            variants.Add(compressed[..cut]);
        foreach (int at in (int[])[40, compressed.Length / 4, compressed.Length / 2])
        {
            byte[] damaged = (byte[])compressed.Clone();
            damaged[at] ^= 0x5A;
            variants.Add(damaged);
        }

        ReadEachDirectlyAndAhead(variants, (i, direct, expected, ahead, actual) =>
        {
            string what = $"variant {i}: direct {expected.Describe()}; ahead {actual.Describe()}";
            if (i == 0)
            {
                Assert.True(expected.Equivalent(actual), what);
                Assert.Equal(direct.BytesRead, ahead.BytesRead);
                Assert.Equal(direct.CompressedBytesRead, ahead.CompressedBytesRead);
                return;
            }
            Assert.Equal(expected.Problem?.Kind, actual.Problem?.Kind);
            Assert.Equal(expected.Warnings.Select(w => w.Kind), actual.Warnings.Select(w => w.Kind));
            var (shorter, longer) = expected.Records.Count <= actual.Records.Count ? (expected, actual) : (actual, expected);
            Assert.True(shorter.Records.SequenceEqual(longer.Records.Take(shorter.Records.Count)), what);
            Assert.True(Math.Abs(direct.BytesRead - ahead.BytesRead) <= 256 << 10, what);
        });
    }

    /// <summary>Writes each variant to a file and reads it directly and with read-ahead; the check sees both readers and results.</summary>
    private static void ReadEachDirectlyAndAhead(IReadOnlyList<byte[]> variants,
        Action<int, CaptureFileReader, ReadResult, CaptureFileReader, ReadResult> check)
    {
        var folder = Directory.CreateTempSubdirectory("potiron-read-ahead-");
        try
        {
            for (int i = 0; i < variants.Count; i++)
            {
                string path = Path.Combine(folder.FullName, $"variant-{i}.cap");
                File.WriteAllBytes(path, variants[i]);
                using var direct = CaptureFileReader.Open(path);
                ReadResult expected = CaptureReading.Drain(direct);
                using var ahead = CaptureFileReader.Open(path, readAhead: true);
                ReadResult actual = CaptureReading.Drain(ahead);
                check(i, direct, expected, ahead, actual);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
