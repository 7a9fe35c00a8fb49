using System.Collections.Concurrent;
using Potiron.Fast.Capture;

namespace Potiron.Fast.Ingest;

/// <summary>
/// Ingests one file on several cores: the calling thread reads records into batches, decode lanes (one worker each)
/// decode and count them, and one fragment lane sees, in file order, the frames that need IP reassembly (a lane's
/// decoder hands them back), so the counts equal a sequential run's exactly. Tables are merged at the end.
/// Memory stays bounded: at most a few batches are in flight, whatever the file size.
/// </summary>
internal sealed class SplitFileIngest
{
    private const int ProgressEvery = 16384;

    private readonly IngestWorker[] _lanes;
    private readonly IngestWorker _fragmentLane;
    private readonly ConcurrentBag<RecordBatch> _pool = [];
    private readonly Lock _stageLock = new();
    private readonly Dictionary<long, RecordBatch> _ready = [];
    private long _nextInOrder;
    private Exception? _failure;

    private readonly int _batchBytes;
    private readonly int _batchRecords;

    public SplitFileIngest(IngestOptions options, int lanes, int batchBytes = RecordBatch.DefaultCapacity, int batchRecords = RecordBatch.DefaultMaximumRecords)
    {
        _batchBytes = batchBytes;
        _batchRecords = batchRecords;
        _lanes = Enumerable.Range(0, lanes).Select(_ => new IngestWorker(options, deferFragments: true)).ToArray();
        _fragmentLane = new IngestWorker(options);
    }

    /// <summary>Every worker, for the run's statistics (decode events, packets without a time ...).</summary>
    public IEnumerable<IngestWorker> Workers => _lanes.Append(_fragmentLane);

    /// <summary>After <see cref="Read"/>: the worker whose tables hold the whole file.</summary>
    public IngestWorker Merged => _lanes[0];

    /// <summary>The run's token: once it is cancelled, <see cref="Read"/> abandons its file (OperationCanceledException).</summary>
    public CancellationToken Cancellation { get; init; }

    public ReadSummary Read(CaptureInput input, IIngestProgress? progress)
    {
        foreach (var worker in Workers)
            worker.StartFile();
        _ready.Clear();
        _nextInOrder = 0;
        _failure = null;

        using var queue = new BlockingCollection<RecordBatch>(boundedCapacity: _lanes.Length * 2);
        var lanes = _lanes.Select(lane => Task.Factory.StartNew(() => RunLane(lane, queue), TaskCreationOptions.LongRunning)).ToArray();
        CaptureFileReader? reader = null;
        long packets = 0;
        try
        {
            reader = IngestWorker.Open(input);
            long sequence = 0, reportedPackets = 0, reportedBytes = 0;
            var batch = Rent();
            while (reader.TryRead(out var record))
            {
                packets++;
                if (packets % IngestWorker.CancellationCheckEvery == 0)
                    Cancellation.ThrowIfCancellationRequested();
                if (!batch.TryAdd(record))
                {
                    batch.Sequence = sequence++;
                    queue.Add(batch);
                    batch = Rent();
                    batch.TryAdd(record);
                }
                if (progress is not null && packets - reportedPackets >= ProgressEvery)
                {
                    progress.PacketsRead(packets - reportedPackets, reader.CompressedBytesRead - reportedBytes);
                    reportedPackets = packets;
                    reportedBytes = reader.CompressedBytesRead;
                }
            }
            if (batch.Count > 0)
            {
                batch.Sequence = sequence;
                queue.Add(batch);
            }
            else
            {
                _pool.Add(batch);
            }
            progress?.PacketsRead(packets - reportedPackets, reader.CompressedBytesRead - reportedBytes);
        }
        finally
        {
            queue.CompleteAdding();
            Task.WaitAll(lanes);
            reader?.Dispose();
        }
        if (_failure is { } failure)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);

        var merged = _lanes[0].Tables;
        foreach (var lane in _lanes.Skip(1).Append(_fragmentLane))
        {
            merged.MergeFrom(lane.Tables);
            // Its runs were copied: free the disk now rather than at the next file.
            if (lane.Tables.SpillCount > 0)
                lane.Tables.Clear();
        }
        var counted = _lanes.Sum(l => l.Counted) + _fragmentLane.Counted;
        return new ReadSummary(packets, counted, reader.CompressedBytesRead, reader.Problem, reader.Warnings.ToArray());
    }

    private RecordBatch Rent()
    {
        if (!_pool.TryTake(out var batch))
            batch = new RecordBatch(_batchBytes, _batchRecords);
        batch.Reset(-1);
        return batch;
    }

    private void RunLane(IngestWorker lane, BlockingCollection<RecordBatch> queue)
    {
        foreach (var batch in queue.GetConsumingEnumerable())
        {
            // After a failure (the tables could not spill) the lanes still drain the queue, so the reader never blocks on
            // a full queue; Read throws the failure once everything has stopped.
            if (Volatile.Read(ref _failure) is null)
            {
                try
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        ref readonly var entry = ref batch[i];
                        if (!lane.Process(entry.LinkType, batch.Data(entry), entry.Seconds, entry.HasTimestamp))
                            batch.Deferred.Add(i);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, e, null);
                }
            }
            CompleteInOrder(batch);
        }
    }

    /// <summary>Runs the fragment lane over every batch whose predecessors are all done, in file order.</summary>
    private void CompleteInOrder(RecordBatch done)
    {
        lock (_stageLock)
        {
            _ready.Add(done.Sequence, done);
            while (_ready.Remove(_nextInOrder, out var batch))
            {
                try
                {
                    foreach (var i in batch.Deferred)
                    {
                        if (_failure is not null)
                            break;
                        ref readonly var entry = ref batch[i];
                        _fragmentLane.Process(entry.LinkType, batch.Data(entry), entry.Seconds, entry.HasTimestamp);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, e, null);
                }
                _pool.Add(batch);
                _nextInOrder++;
            }
        }
    }
}
