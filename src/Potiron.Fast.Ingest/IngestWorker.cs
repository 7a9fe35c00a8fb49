using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Ingest;

/// <summary>
/// One worker's reusable state: a decoder and count tables, used by one file (or one lane of a file) at a time.
/// <see cref="Process"/> is the per-packet path: it allocates nothing (IngestWorkerTests proves it).
/// </summary>
internal sealed class IngestWorker(IngestOptions options, bool deferFragments = false)
{
    private const int ProgressEvery = 16384;

    /// <summary>Packets between two looks at the cancellation token (a cancelled read stops within a few milliseconds).</summary>
    internal const int CancellationCheckEvery = 4096;

    public PacketDecoder Decoder { get; } = new() { DeferFragments = deferFragments };
    public CountTables Tables { get; } = new(options.Parameters)
    {
        // Each file is read by one worker or split over Workers lanes plus the in-order fragment lane: at most
        // Workers + 1 tables are alive at once.
        MemoryBudget = options.MemoryBudget is { } budget ? Math.Max(1, budget / (Math.Max(1, options.Workers) + 1)) : long.MaxValue,
        SpillDirectory = options.SpillDirectory,
    };
    public DayCalendar Calendar { get; } = options.Calendar.CreateWorkerCopy();
    public long PacketsWithoutTimestamp { get; private set; }
    public long PacketsOutOfCalendar { get; private set; }
    /// <summary>Packets counted since <see cref="StartFile"/>.</summary>
    public long Counted { get; private set; }

    public void StartFile()
    {
        Decoder.StartFile();
        Tables.Clear();
        Counted = 0;
    }

    /// <summary>Decodes and counts one packet; false when the decoder defers it for in-order reassembly.</summary>
    public bool Process(LinkType linkType, ReadOnlySpan<byte> frame, long printedSeconds, bool hasTimestamp)
    {
        // Decoded straight into the tables' queue: the fields are not copied per packet.
        ref var fields = ref Tables.QueueSlot;
        if (!Decoder.Decode(linkType, frame, ref fields))
            return false;
        if (!hasTimestamp)
        {
            // A pcapng simple packet block has no time, so it has no day (the original crashes on it).
            if (CountTables.IsCounted(fields, options.Parameters.Ipv6))
                PacketsWithoutTimestamp++;
            return true;
        }
        switch (Tables.CountQueuedSlot(printedSeconds, Calendar))
        {
            case CountOutcome.Counted:
                Counted++;
                break;
            case CountOutcome.TimestampOutOfRange:
                PacketsOutOfCalendar++;
                break;
        }
        return true;
    }

    /// <summary>
    /// The first half of <see cref="Process"/> for a staged read (<see cref="StagedFileIngest"/>): decodes, filters and
    /// dates one packet, keeps the statistics, and leaves the counting to another thread. True when the packet is to be
    /// counted, with its day, and its fields decoded into <paramref name="fields"/> (the batch's slot: no copy).
    /// </summary>
    public bool Decode(LinkType linkType, ReadOnlySpan<byte> frame, long printedSeconds, bool hasTimestamp, out int day, ref PacketFields fields)
    {
        day = 0;
        if (!Decoder.Decode(linkType, frame, ref fields))
            return false;
        var counted = CountTables.IsCounted(fields, options.Parameters.Ipv6);
        if (!counted)
            return false;
        if (!hasTimestamp)
        {
            PacketsWithoutTimestamp++;
            return false;
        }
        if (!Calendar.TryGetDay(printedSeconds, out day))
        {
            PacketsOutOfCalendar++;
            return false;
        }
        Counted++;
        return true;
    }

    /// <summary>The run's token: once it is cancelled, <see cref="Read"/> abandons its file (OperationCanceledException).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Reads a whole file on this thread.</summary>
    public ReadSummary Read(CaptureInput input, IIngestProgress? progress)
    {
        StartFile();
        using var reader = Open(input);
        long packets = 0, reportedPackets = 0, reportedBytes = 0;
        while (reader.TryRead(out var record))
        {
            packets++;
            if (packets % CancellationCheckEvery == 0)
                Cancellation.ThrowIfCancellationRequested();
            Process(record.LinkType, record.Data, record.PrintedSeconds, record.HasTimestamp);
            if (progress is not null && packets - reportedPackets >= ProgressEvery)
            {
                progress.PacketsRead(packets - reportedPackets, reader.CompressedBytesRead - reportedBytes);
                reportedPackets = packets;
                reportedBytes = reader.CompressedBytesRead;
            }
        }
        progress?.PacketsRead(packets - reportedPackets, reader.CompressedBytesRead - reportedBytes);
        return new ReadSummary(packets, Counted, reader.CompressedBytesRead, reader.Problem, reader.Warnings.ToArray());
    }

    public static CaptureFileReader Open(CaptureInput input, bool readAhead = false) => input.OpenReader(readAhead);
}

/// <summary>What reading one file gave.</summary>
internal sealed record ReadSummary(long Packets, long Counted, long Bytes, CaptureProblem? Problem, IReadOnlyList<CaptureProblem> Warnings);
