namespace Potiron.Fast.Aggregation;

// Reuse between files, and the memory estimate.
public sealed partial class CountTables
{
    // Past the retained limit, a bucket keeps only hash tables up to this capacity: a huge file must not pin its memory
    // for the next ones.
    internal const int MaxRetainedTableCapacity = 1 << 16;
    private const int MaxPooledSlotArrays = 64;

    private readonly Stack<DayBucket> _bucketPool = new();
    private readonly Stack<DayBucket?[]> _slotPool = new();

    /// <summary>
    /// How much cleared bucket storage <see cref="Clear"/> keeps for the next file (default 64 MiB); the rest is
    /// left to the garbage collector.
    /// </summary>
    public long RetainedBytesLimit { get; set; } = 64L << 20;

    private readonly HashSet<int> _daysSeen = [];

    /// <summary>
    /// Bytes held by these tables (live and pooled buckets), roughly: the arrays are exact, object
    /// headers estimated. Walks the buckets: call it every few thousand packets, not per packet.
    /// </summary>
    public long ApproximateBytes
    {
        get
        {
            FlushPending();
            long bytes = 512 + 8L * (_buckets.Count + _bucketPool.Count);
            foreach (var bucket in _buckets)
                bytes += bucket.ApproximateBytes;
            foreach (var bucket in _bucketPool)
                bytes += bucket.ApproximateBytes;
            bytes += (_slotsByDay.Count + _slotPool.Count) * (32L + 8L * (_protocolSlotMask + 1));
            bytes += 16L * _dayOrder.Count;
            return bytes;
        }
    }

    /// <summary>
    /// Forgets every count, day and protocol so that the tables serve the next file. This file's bucket storage (pages
    /// and hash tables) is zeroed and kept, up to <see cref="RetainedBytesLimit"/> (beyond it, buckets keep only their hash
    /// tables of up to 64 K slots), so that counting the next file allocates little or nothing. Spilled runs are deleted.
    /// </summary>
    public void Clear()
    {
        _pendingCount = 0;
        var held = ApproximateBytes;
        ReleaseBuckets();
        LargeArrays.Dropped(held - ApproximateBytes);
        _dayOrder.Clear();
        _daysSeen.Clear();
        _protocolOrder.Clear();
        Array.Clear(_protocolSeen);
        _packets = 0;
        _packetsInCounters = 0;
        _nextLimitCheck = FirstLimitCheck;
        _runs?.Dispose();
        _runs = null;
        _generation++;
    }

    /// <summary>Zeroes the buckets and keeps what the limit allows for reuse; days and protocols seen stay.</summary>
    private void ReleaseBuckets()
    {
        var limit = Math.Min(RetainedBytesLimit, _memoryBudget / 4);
        // Buckets still pooled were not needed by this file: what the next file is likely to need is what this one
        // used, so only this file's buckets are kept.
        _bucketPool.Clear();
        long retained = 0;
        foreach (var bucket in _buckets)
        {
            if (retained >= limit)
                break;
            bucket.Packets = 0;
            // Whole, hash tables and all, while the limit allows: the next file (often the same sensor's next hours)
            // then counts into tables of the right size, without growing them again and without leaving garbage.
            var whole = bucket.ApproximateBytes;
            if (retained + whole <= limit)
            {
                bucket.ClearCounts(int.MaxValue);
                _bucketPool.Push(bucket);
                retained += whole;
                continue;
            }
            bucket.ClearCounts(MaxRetainedTableCapacity);
            var bytes = bucket.ApproximateBytes;
            if (retained + bytes > limit)
                continue;
            _bucketPool.Push(bucket);
            retained += bytes;
        }
        _buckets.Clear();

        foreach (var slots in _slotsByDay.Values)
        {
            if (_slotPool.Count >= MaxPooledSlotArrays)
                break;
            Array.Clear(slots);
            _slotPool.Push(slots);
        }
        _slotsByDay.Clear();
        _currentDay = NoDay;
        _currentSlots = [];
    }

    /// <summary>Adds a day to the first-seen order, once per file whatever the spills.</summary>
    private void NoteDay(int day)
    {
        if (_daysSeen.Add(day))
            _dayOrder.Add(day);
    }

    private DayBucket RentBucket() => _bucketPool.TryPop(out var bucket) ? bucket : new DayBucket(_layout);

    private DayBucket?[] RentSlots() =>
        _slotPool.TryPop(out var slots) ? slots : new DayBucket?[_protocolSlotMask + 1];
}
