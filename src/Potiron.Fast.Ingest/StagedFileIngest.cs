using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Potiron.Fast.Capture;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Ingest;

/// <summary>
/// One file on two cores as a two-stage pipeline: this thread reads, decodes, filters and dates each packet in file
/// order, and a second thread counts the accepted ones into the worker's tables, batch by batch (the file is also read,
/// and decompressed, ahead on a third thread). Unlike the lanes of
/// <see cref="SplitFileIngest"/> there is one set of tables (no duplicated values, no merge) and one decoder (fragments
/// reassemble in order as in a sequential read), so the counts and the memory are those of a sequential read.
/// </summary>
internal sealed class StagedFileIngest(IngestWorker worker)
{
    private const int BatchPackets = 4096;
    private const int ProgressEvery = 16384;

    private readonly ConcurrentBag<DecodedBatch> _pool = [];

    public IngestWorker Worker => worker;

    /// <summary>The run's token: once it is cancelled, <see cref="Read"/> abandons its file (OperationCanceledException).</summary>
    public CancellationToken Cancellation { get; init; }

    public ReadSummary Read(CaptureInput input, IIngestProgress? progress)
    {
        worker.StartFile();
        using var queue = new BlockingCollection<DecodedBatch>(boundedCapacity: 4);
        Exception? countFailure = null;
        var counter = Task.Factory.StartNew(() =>
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                // After a failure (the tables could not spill) the queue is still drained, so the reader never blocks.
                if (countFailure is null)
                {
                    try
                    {
                        worker.Tables.CountAll(batch.Days.AsSpan(0, batch.Count), batch.Fields.AsSpan(0, batch.Count));
                    }
                    catch (Exception e)
                    {
                        countFailure = e;
                    }
                }
                batch.Count = 0;
                _pool.Add(batch);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        CaptureFileReader? reader = null;
        long packets = 0, bytes = 0;
        try
        {
            // A third stage reads the file ahead on its own thread: the codec of a compressed file (gzip is most of such
            // a read), the kernel's copy of a plain one (a quarter of a byte-heavy read: real-579x went from 189 to 157 ms,
            // syn-10M unchanged).
            reader = IngestWorker.Open(input, readAhead: true);
            long reportedPackets = 0, reportedBytes = 0;
            var batch = Rent();
            while (reader.TryRead(out var record))
            {
                packets++;
                if (packets % IngestWorker.CancellationCheckEvery == 0)
                    Cancellation.ThrowIfCancellationRequested();
                // Decoded straight into the batch's slot: no copy of the fields per packet.
                if (worker.Decode(record.LinkType, record.Data, record.PrintedSeconds, record.HasTimestamp,
                        out batch.Days[batch.Count], ref batch.Fields[batch.Count]))
                {
                    if (++batch.Count == BatchPackets)
                    {
                        queue.Add(batch);
                        batch = Rent();
                    }
                }
                if (progress is not null && packets - reportedPackets >= ProgressEvery)
                {
                    progress.PacketsRead(packets - reportedPackets, reader.CompressedBytesRead - reportedBytes);
                    reportedPackets = packets;
                    reportedBytes = reader.CompressedBytesRead;
                }
            }
            if (batch.Count > 0)
                queue.Add(batch);
            bytes = reader.CompressedBytesRead;
            progress?.PacketsRead(packets - reportedPackets, bytes - reportedBytes);
        }
        finally
        {
            queue.CompleteAdding();
            counter.Wait();
            reader?.Dispose();
        }
        if (countFailure is { } failure)
            ExceptionDispatchInfo.Throw(failure);
        return new ReadSummary(packets, worker.Counted, bytes, reader.Problem, reader.Warnings.ToArray());
    }

    private DecodedBatch Rent() => _pool.TryTake(out var batch) ? batch : new DecodedBatch(BatchPackets);

    /// <summary>Decoded packets on their way to the counting thread.</summary>
    private sealed class DecodedBatch(int capacity)
    {
        public readonly int[] Days = new int[capacity];
        public readonly PacketFields[] Fields = new PacketFields[capacity];
        public int Count;
    }
}
