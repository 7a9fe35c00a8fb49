using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

// CountPacket queues accepted packets and counts them 32 at a time: first every packet's hash-table slots are
// prefetched, then every packet is counted, so the cache misses of a batch overlap instead of adding up (darknet
// traffic brings a new sequence number nearly every packet). Everything that reads the tables flushes the queue first.
public sealed partial class CountTables
{
    private const int PendingCapacity = 32;

    private readonly PacketFields[] _pendingFields = new PacketFields[PendingCapacity];
    private readonly int[] _pendingDays = new int[PendingCapacity];
    private int _pendingCount;

    private void Queue(int day, in PacketFields fields)
    {
        _pendingFields[_pendingCount] = fields;
        _pendingDays[_pendingCount] = day;
        if (++_pendingCount == PendingCapacity)
            FlushPending();
    }

    /// <summary>Counts the packets <see cref="CountPacket"/> queued. The tables' readers call it themselves.</summary>
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
}
