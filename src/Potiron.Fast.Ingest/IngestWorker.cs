using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Ingest;

/// <summary>One worker's reusable state: a decoder and count tables, used by one file at a time. The read loop is
/// the per-packet path: it allocates nothing per packet (IngestWorkerTests proves it).</summary>
internal sealed class IngestWorker(IngestOptions options)
{
    private const int ProgressEvery = 16384;

    public PacketDecoder Decoder { get; } = new();
    public CountTables Tables { get; } = new(options.Parameters);
    public DayCalendar Calendar { get; } = options.Calendar.CreateWorkerCopy();
    public long PacketsWithoutTimestamp { get; private set; }
    public long PacketsOutOfCalendar { get; private set; }

    public ReadSummary Read(CaptureInput input, IIngestProgress? progress)
    {
        Decoder.StartFile();
        Tables.Clear();
        using var reader = input.IsStandardInput
            ? CaptureFileReader.Open(Console.OpenStandardInput(), input.DisplayName)
            : CaptureFileReader.Open(input.Path);
        var fields = new PacketFields();
        long packets = 0, counted = 0, reportedPackets = 0, reportedBytes = 0;
        while (reader.TryRead(out var record))
        {
            packets++;
            Decoder.Decode(record.LinkType, record.Data, ref fields);
            if (!record.HasTimestamp)
            {
                // A pcapng simple packet block has no time, so it has no day (the original crashes on it).
                if (CountTables.IsCounted(fields, options.Parameters.Ipv6))
                    PacketsWithoutTimestamp++;
            }
            else
            {
                switch (Tables.CountPacket(record.PrintedSeconds, fields, Calendar))
                {
                    case CountOutcome.Counted:
                        counted++;
                        break;
                    case CountOutcome.TimestampOutOfRange:
                        PacketsOutOfCalendar++;
                        break;
                }
            }
            if (progress is not null && packets - reportedPackets >= ProgressEvery)
            {
                progress.PacketsRead(packets - reportedPackets, reader.CompressedBytesRead - reportedBytes);
                reportedPackets = packets;
                reportedBytes = reader.CompressedBytesRead;
            }
        }
        progress?.PacketsRead(packets - reportedPackets, reader.CompressedBytesRead - reportedBytes);
        return new ReadSummary(packets, counted, reader.CompressedBytesRead, reader.Problem, reader.Warnings.ToArray());
    }
}

/// <summary>What reading one file gave.</summary>
internal sealed record ReadSummary(long Packets, long Counted, long Bytes, CaptureProblem? Problem, IReadOnlyList<CaptureProblem> Warnings);
