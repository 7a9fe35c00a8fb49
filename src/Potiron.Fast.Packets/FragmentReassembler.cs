using System.Buffers;

namespace Potiron.Fast.Packets;

/// <summary>
/// IPv4 and IPv6 fragment reassembly as tshark does it by default: a fragment is kept only when all of its
/// payload was captured; the datagram's payload is handed back on the fragment that completes it, and on no
/// other. Memory is bounded: at most <see cref="MaximumDatagrams"/> datagrams and <see cref="MaximumOpenBytes"/> bytes
/// of their buffers are open at once, and the oldest datagram is dropped (and counted) to make room. One instance per
/// file and worker.
/// </summary>
public sealed class FragmentReassembler
{
    public const int MaximumDatagrams = 1024;

    /// <summary>
    /// Bytes of open datagram buffers. A buffer grows with the highest fragment end seen, so the small fragments of
    /// ordinary traffic take a few KiB each; only datagrams near 64 KiB can reach this bound (256 of them).
    /// </summary>
    public const int MaximumOpenBytes = 16 << 20;

    private const int MaximumDatagramLength = 65535 + 8;
    private const int Units = (MaximumDatagramLength + 7) / 8;

    private readonly Dictionary<FragmentKey, Datagram> _open = new();
    // Oldest first; an entry is stale once its datagram completed or was reopened (its stamp no longer matches).
    private readonly Queue<(FragmentKey Key, long Stamp)> _age = new();
    private readonly Stack<Datagram> _free = new();
    private Datagram? _completed;
    private long _nextStamp;
    private long _openBytes;

    /// <summary>Datagrams dropped unfinished to respect the bounds.</summary>
    public long Evicted { get; private set; }

    /// <summary>Bytes held by the buffers of open datagrams.</summary>
    public long OpenBytes => _openBytes;

    /// <summary>Entries of the age queue, stale ones included (tests: it must stay bounded).</summary>
    internal int AgeEntries => _age.Count;

    /// <summary>
    /// Adds one fragment's payload. Returns true, with the whole datagram's payload, when this fragment completes
    /// the datagram; the span stays valid until the next call.
    /// </summary>
    public bool TryAdd(in FragmentKey key, int offset, ReadOnlySpan<byte> payload, bool moreFragments, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        ReleaseCompleted();
        var end = offset + payload.Length;
        if (end > MaximumDatagramLength)
            return false;
        if (!_open.TryGetValue(key, out var d))
        {
            if (_open.Count >= MaximumDatagrams)
                EvictOldest();
            d = _free.Count > 0 ? _free.Pop() : new Datagram();
            d.Start(_nextStamp++);
            _open.Add(key, d);
            EnqueueAge(key, d.Stamp);
        }
        if (d.Buffer.Length < end)
        {
            // Room first, then the larger buffer: the bound holds at every moment, never beyond it.
            var grown = Datagram.BufferLengthFor(end) - d.Buffer.Length;
            while (_openBytes + grown > MaximumOpenBytes && EvictOldest(except: d))
            {
            }
            _openBytes += d.Grow(end);
        }
        payload.CopyTo(d.Buffer.AsSpan(offset));
        d.Cover(offset, payload.Length, moreFragments);
        if (!moreFragments)
            d.TotalLength = end;
        if (d.TotalLength < 0 || !d.IsComplete())
            return false;
        _open.Remove(key);
        _completed = d;
        datagram = d.Buffer.AsSpan(0, d.TotalLength);
        return true;
    }

    /// <summary>Forgets every open datagram (between files: tshark reassembles within one file only).</summary>
    public void Clear()
    {
        ReleaseCompleted();
        foreach (var d in _open.Values)
            Recycle(d);
        _open.Clear();
        _age.Clear();
    }

    private void ReleaseCompleted()
    {
        if (_completed is null)
            return;
        Recycle(_completed);
        _completed = null;
    }

    private void EnqueueAge(in FragmentKey key, long stamp)
    {
        // Completed datagrams leave stale entries behind; without this, a file of many reassembled datagrams would grow
        // the queue by one entry each, without bound.
        if (_age.Count >= 2 * MaximumDatagrams)
        {
            var live = _age.Count;
            for (var i = 0; i < live; i++)
            {
                var entry = _age.Dequeue();
                if (IsLive(entry))
                    _age.Enqueue(entry);
            }
        }
        _age.Enqueue((key, stamp));
    }

    private bool IsLive((FragmentKey Key, long Stamp) entry) =>
        _open.TryGetValue(entry.Key, out var d) && d.Stamp == entry.Stamp;

    /// <summary>Drops the oldest open datagram other than <paramref name="except"/>; false when there is none.</summary>
    private bool EvictOldest(Datagram? except = null)
    {
        (FragmentKey Key, long Stamp)? spared = null;
        var evicted = false;
        while (!evicted && _age.TryDequeue(out var oldest))
        {
            if (!_open.TryGetValue(oldest.Key, out var d) || d.Stamp != oldest.Stamp)
                continue;
            if (ReferenceEquals(d, except))
            {
                spared = oldest;
                continue;
            }
            _open.Remove(oldest.Key);
            Recycle(d);
            Evicted++;
            evicted = true;
        }
        // The datagram being added to is in effect the youngest: it goes back at the end of the queue.
        if (spared is { } entry)
            _age.Enqueue(entry);
        return evicted;
    }

    private void Recycle(Datagram d)
    {
        _openBytes -= d.Stop();
        _free.Push(d);
    }

    private sealed class Datagram
    {
        private const int SmallestBuffer = 2048;

        private readonly ulong[] _covered = new ulong[(Units + 63) / 64];

        public byte[] Buffer { get; private set; } = [];
        public int TotalLength { get; set; } = -1;
        public long Stamp { get; private set; }

        /// <summary>The buffer length that holds <paramref name="end"/> bytes: what the shared pool hands out for it.</summary>
        public static int BufferLengthFor(int end) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(end, SmallestBuffer));

        public void Start(long stamp)
        {
            Array.Clear(_covered);
            TotalLength = -1;
            Stamp = stamp;
        }

        /// <summary>Gives the buffer back; returns its length.</summary>
        public int Stop()
        {
            var length = Buffer.Length;
            if (length != 0)
                ArrayPool<byte>.Shared.Return(Buffer);
            Buffer = [];
            return length;
        }

        /// <summary>Makes the buffer hold at least <paramref name="end"/> bytes, keeping what it holds; returns the bytes added.</summary>
        public int Grow(int end)
        {
            var larger = ArrayPool<byte>.Shared.Rent(BufferLengthFor(end));
            var old = Buffer;
            old.AsSpan().CopyTo(larger);
            if (old.Length != 0)
                ArrayPool<byte>.Shared.Return(old);
            Buffer = larger;
            return larger.Length - old.Length;
        }

        /// <summary>
        /// Marks the 8-byte units the fragment wrote whole. Fragment offsets are multiples of 8; a fragment that ends
        /// mid-unit covers that unit only if it is the last one (the datagram ends there too). A middle fragment that
        /// ends mid-unit leaves a gap, as in tshark, which then does not reassemble: counting the unit as covered
        /// made the datagram complete with bytes never written, left over from an earlier datagram in the pooled
        /// buffer (found by the split fuzz target, whose lanes' buffers had other histories).
        /// </summary>
        public void Cover(int offset, int length, bool moreFragments)
        {
            var end = moreFragments ? (offset + length) / 8 : (offset + length + 7) / 8;
            var start = offset / 8;
            if (start >= end)
                return;
            // Whole 64-unit words at a time: unit by unit, marking and checking took a quarter of a run on real traffic.
            var first = start >> 6;
            var last = (end - 1) >> 6;
            var firstMask = ~0UL << (start & 63);
            var lastMask = ~0UL >> (63 - ((end - 1) & 63));
            if (first == last)
            {
                _covered[first] |= firstMask & lastMask;
                return;
            }
            _covered[first] |= firstMask;
            _covered.AsSpan(first + 1, last - first - 1).Fill(~0UL);
            _covered[last] |= lastMask;
        }

        public bool IsComplete()
        {
            var units = (TotalLength + 7) / 8;
            var fullWords = units >> 6;
            if (_covered.AsSpan(0, fullWords).IndexOfAnyExcept(~0UL) >= 0)
                return false;
            var rest = units & 63;
            var restMask = (1UL << rest) - 1;
            return rest == 0 || (_covered[fullWords] & restMask) == restMask;
        }
    }
}

/// <summary>Identifies the fragments of one datagram: addresses, identification and (IPv4) protocol.</summary>
public readonly record struct FragmentKey(Ipv6Address Source, Ipv6Address Destination, uint Identification, byte Protocol, bool IsIpv6)
{
    public static FragmentKey ForIpv4(uint source, uint destination, ushort identification, byte protocol) =>
        new(new Ipv6Address(0, source), new Ipv6Address(0, destination), identification, protocol, false);
}
