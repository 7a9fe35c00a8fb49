using Potiron.Fast.Packets;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

/// <summary>A record copied out of the reader's buffer, comparable by value.</summary>
internal sealed record ReadRecord(string Data, LinkType LinkType, long Seconds, uint Nanoseconds, bool HasTimestamp,
    uint OriginalLength, long FileOffset, long Index, int InterfaceId)
{
    public int CapturedLength => Data.Length / 2;

    public static ReadRecord From(in CaptureRecord record) => new(Convert.ToHexString(record.Data), record.LinkType,
        record.Seconds, record.Nanoseconds, record.HasTimestamp, record.OriginalLength, record.FileOffset, record.Index,
        record.InterfaceId);
}

/// <summary>Everything a read produced, comparable by value (records, problems, what was recognised).</summary>
internal sealed record ReadResult(IReadOnlyList<ReadRecord> Records, CaptureProblem? Problem,
    IReadOnlyList<CaptureProblem> Warnings, CaptureContainer Container, CaptureCompression Compression)
{
    public bool Equivalent(ReadResult other) =>
        Records.SequenceEqual(other.Records) && Equals(Problem, other.Problem) && Warnings.SequenceEqual(other.Warnings)
        && Container == other.Container && Compression == other.Compression;

    public string Describe() =>
        $"{Records.Count} records, {Container}/{Compression}, problem: {Problem?.ToString() ?? "none"}, warnings: [{string.Join("; ", Warnings)}]";
}

internal static class CaptureReading
{
    public const string Name = "test.pcap";

    public static ReadResult Read(byte[] data) => Read(new MemoryStream(data, writable: false));

    public static ReadResult ReadChunked(byte[] data, params int[] chunkSizes) => Read(new ChunkedStream(data, chunkSizes));

    public static ReadResult Read(Stream stream)
    {
        using var reader = CaptureFileReader.Open(stream, Name);
        return Drain(reader);
    }

    public static ReadResult ReadFile(string path)
    {
        using var reader = CaptureFileReader.Open(path);
        return Drain(reader);
    }

    public static ReadResult Drain(CaptureFileReader reader)
    {
        var records = new List<ReadRecord>();
        while (reader.TryRead(out CaptureRecord record))
        {
            records.Add(ReadRecord.From(record));
        }

        // Reading again after the end stays at the end.
        Assert.False(reader.TryRead(out _));
        return new ReadResult(records, reader.Problem, [.. reader.Warnings], reader.Container, reader.Compression);
    }

    public static byte[] Packet(int length, int seed)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(seed * 31 + i);
        }

        return data;
    }
}
