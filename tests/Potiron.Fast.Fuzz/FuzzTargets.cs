using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Packets;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Fuzz;

/// <summary>
/// The two fuzz targets. Each takes arbitrary bytes and must return normally: any exception escaping (or a crash,
/// hang or runaway allocation of the process) is a finding. Bad content is expected to end as a reader problem or a
/// decode event, never as an exception.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>The link types the <c>decoder</c> target picks from with the input's first byte.</summary>
    public static readonly LinkType[] DecoderLinkTypes =
    [
        LinkType.Ethernet, LinkType.Raw, LinkType.LinuxSll, LinkType.LinuxSll2, LinkType.Null, LinkType.Loop,
        LinkType.Ppp, LinkType.CiscoHdlc, LinkType.Nflog, LinkType.Pktap, LinkType.Ppi, LinkType.Ieee80211Radiotap,
        LinkType.Ieee80211, LinkType.IpOverInfiniband, LinkType.IpNet, LinkType.ArcnetLinux,
    ];

    private static readonly PacketDecoder Decoder = new();
    private static readonly PacketDecoder DeferringDecoder = new() { DeferFragments = true };
    private static readonly CountTables Tables = new(FieldSelection.All, combinedKeys: true, ipv6: true);
    private static readonly DayCalendar Calendar = new();
    private static readonly CaptureFileName FileName = CaptureFileName.FromPath("fuzz-sensor-0-20240314000000.pcap");

    /// <summary>
    /// <c>reader</c>: the bytes as a capture file (any container, any compression), every record read; then, when the
    /// data is not compressed, read again through a stream that returns it in small chunks (sizes taken from the
    /// input), which must give the same records and the same problems: the readers resume at any byte.
    /// </summary>
    public static void Reader(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var whole = ReadAll(new MemoryStream(bytes, writable: false), out var compression);
        if (compression != CaptureCompression.None || bytes.Length == 0)
            return;
        int[] chunks = [1 + bytes[^1] % 61, 1 + bytes.Length % 13, 3, 1 + bytes[0] % 200];
        var chunked = ReadAll(new ChunkedStream(bytes, chunks), out _);
        if (chunked != whole)
            throw new InvalidOperationException($"read whole: {whole}; read in chunks of {string.Join(",", chunks)}: {chunked}");
    }

    private static string ReadAll(Stream stream, out CaptureCompression compression)
    {
        using var reader = CaptureFileReader.Open(stream, "fuzz");
        long records = 0;
        ulong hash = 14695981039346656037UL;
        while (reader.TryRead(out var record))
        {
            if ((uint)record.Data.Length > CaptureLimits.LargeMaxCapturedLength)
                throw new InvalidOperationException($"record {record.Index} has {record.Data.Length} bytes, more than any link type allows");
            records++;
            // Every byte is touched: a view past the buffer's end would throw here.
            foreach (var b in record.Data)
                hash = (hash ^ b) * 1099511628211UL;
            hash = (hash ^ (ulong)record.Seconds ^ ((ulong)record.Nanoseconds << 32) ^ (ulong)record.LinkType) * 1099511628211UL;
        }
        if (reader.Problem is { IsFatal: false } problem)
            throw new InvalidOperationException($"the fatal problem is marked as a warning: {problem}");
        if (reader.Warnings.Any(w => w.IsFatal))
            throw new InvalidOperationException("a warning is marked as fatal");
        compression = reader.Compression;
        var problems = string.Join(" | ", reader.Warnings.Append(reader.Problem).OfType<CaptureProblem>()
            .Select(p => $"{p.Kind} at {p.Offset} record {p.RecordIndex}"));
        return $"{records} records (hash {hash:x16}), {reader.Container}, problems: {problems}";
    }

    /// <summary>
    /// <c>decoder</c>: the first byte picks a link type from <see cref="DecoderLinkTypes"/>, the rest is one frame,
    /// decoded, counted (IPv6 and combined keys on, so that every counter is used) and turned into member strings.
    /// The frame is decoded a second time by a decoder that defers fragments (as the decode lanes of a file split over
    /// several cores do): unless it defers the frame, it must find the same fields and the same anomalies.
    /// </summary>
    public static void DecodeAndCount(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        var linkType = DecoderLinkTypes[input[0] % DecoderLinkTypes.Length];
        var frame = input[1..];
        Decoder.StartFile();
        Decoder.Events.Clear();
        Tables.Clear();
        var fields = new PacketFields();
        Decoder.Decode(linkType, frame, ref fields);
        Tables.CountPacket(1710374400, fields, Calendar);
        Tables.ToFileCounts(FileName);

        DeferringDecoder.StartFile();
        DeferringDecoder.Events.Clear();
        var deferred = new PacketFields();
        if (!DeferringDecoder.Decode(linkType, frame, ref deferred))
            return;
        if (!deferred.Equals(fields))
            throw new InvalidOperationException("a decoder that defers fragments found other fields");
        if (!Decoder.Events.NonZero().SequenceEqual(DeferringDecoder.Events.NonZero()))
            throw new InvalidOperationException("a decoder that defers fragments counted other anomalies: " +
                $"{string.Join(",", DeferringDecoder.Events.NonZero())} instead of {string.Join(",", Decoder.Events.NonZero())}");
    }
}
