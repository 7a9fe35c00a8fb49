using System.Runtime.CompilerServices;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

// Accepted packets wait in a queue and are counted 32 at a time: first every packet's hash-table slots are
// prefetched, then every packet is counted, so the cache misses of a batch overlap instead of adding up (darknet
// traffic brings a new sequence number nearly every packet). Everything that reads the tables flushes the queue first.
public sealed partial class CountTables
{
    private const int PendingCapacity = 32;

    private readonly PacketFields[] _pendingFields = new PacketFields[PendingCapacity];
    private readonly int[] _pendingDays = new int[PendingCapacity];
    private int _pendingCount;

    /// <summary>
    /// The queue slot the next packet's fields can be decoded into, so that they are not copied into the queue (a copy of
    /// the whole field set per packet). <see cref="CountQueuedSlot"/> then takes or leaves it; anything else may
    /// overwrite it.
    /// </summary>
    public ref PacketFields QueueSlot => ref _pendingFields[_pendingCount];

    /// <summary>Filters and dates the packet whose fields are in <see cref="QueueSlot"/>, and queues it when accepted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CountOutcome CountQueuedSlot(long epochSeconds, DayCalendar calendar)
    {
        ref var fields = ref _pendingFields[_pendingCount];
        if (!IsCounted(fields, _layout.Ipv6))
            return CountOutcome.Filtered;
        if (!calendar.TryGetDay(epochSeconds, out var day))
            return CountOutcome.TimestampOutOfRange;
        _pendingDays[_pendingCount] = day;
        if (++_pendingCount == PendingCapacity)
            FlushPending();
        return CountOutcome.Counted;
    }

    /// <summary>Counts the queued packets. The tables' readers call it themselves.</summary>
    public void FlushPending()
    {
        var count = _pendingCount;
        if (count == 0)
            return;
        _pendingCount = 0;
        for (var i = 0; i < count; i++)
            Prefetch(_pendingDays[i], _pendingFields[i]);
        for (var i = 0; i < count; i++)
            Count(_pendingDays[i], _pendingFields[i]);
    }

    /// <summary>
    /// Counts packets that <see cref="IsCounted"/> accepted, with their days from <see cref="DayCalendar.TryGetDay"/>,
    /// prefetching each group of 32 before counting it (a staged read hands them over in batches).
    /// </summary>
    public void CountAll(ReadOnlySpan<int> days, ReadOnlySpan<PacketFields> fields)
    {
        if (days.Length != fields.Length)
            throw new ArgumentException("One day per packet.", nameof(days));
        FlushPending();
        for (var start = 0; start < days.Length; start += PendingCapacity)
        {
            var end = Math.Min(start + PendingCapacity, days.Length);
            for (var i = start; i < end; i++)
                Prefetch(days[i], fields[i]);
            for (var i = start; i < end; i++)
                Count(days[i], fields[i]);
        }
    }
}
