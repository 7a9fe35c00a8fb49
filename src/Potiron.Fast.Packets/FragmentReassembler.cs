using System.Buffers;

namespace Potiron.Fast.Packets;

/// <summary>
/// IPv4 and IPv6 fragment reassembly as tshark does it by default: a fragment is kept only when all of its
/// payload was captured; the datagram's payload is handed back on the fragment that completes it, and on no
/// other. Memory is bounded: at most <see cref="MaximumDatagrams"/> datagrams are open at once and the oldest
/// is dropped (and counted) to make room. One instance per file and worker.
/// </summary>
public sealed class FragmentReassembler
{
    public const int MaximumDatagrams = 1024;
    private const int MaximumDatagramLength = 65535 + 8;
    private const int Units = (MaximumDatagramLength + 7) / 8;

    private readonly Dictionary<FragmentKey, Datagram> _open = new();
    private readonly Queue<FragmentKey> _age = new();
    private readonly Stack<Datagram> _free = new();
    private Datagram? _completed;

    /// <summary>Datagrams dropped unfinished to respect the bound.</summary>
    public long Evicted { get; private set; }

    /// <summary>
    /// Adds one fragment's payload. Returns true, with the whole datagram's payload, when this fragment completes
    /// the datagram; the span stays valid until the next call.
    /// </summary>
    public bool TryAdd(in FragmentKey key, int offset, ReadOnlySpan<byte> payload, bool moreFragments, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        ReleaseCompleted();
        if (offset + payload.Length > MaximumDatagramLength)
            return false;
        if (!_open.TryGetValue(key, out var d))
        {
            if (_open.Count >= MaximumDatagrams)
                EvictOldest();
            d = _free.Count > 0 ? _free.Pop() : new Datagram();
            d.Start();
            _open.Add(key, d);
            _age.Enqueue(key);
        }
        payload.CopyTo(d.Buffer.AsSpan(offset));
        d.Cover(offset, payload.Length, moreFragments);
        if (!moreFragments)
            d.TotalLength = offset + payload.Length;
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

    private void EvictOldest()
    {
        while (_age.Count > 0)
        {
            var oldest = _age.Dequeue();
            if (_open.Remove(oldest, out var d))
            {
                Recycle(d);
                Evicted++;
                return;
            }
        }
    }

    private void Recycle(Datagram d)
    {
        d.Stop();
        _free.Push(d);
    }

    private sealed class Datagram
    {
        private readonly ulong[] _covered = new ulong[(Units + 63) / 64];

        public byte[] Buffer { get; private set; } = [];
        public int TotalLength { get; set; } = -1;

        public void Start()
        {
            Buffer = ArrayPool<byte>.Shared.Rent(MaximumDatagramLength);
            Array.Clear(_covered);
            TotalLength = -1;
        }

        public void Stop()
        {
            if (Buffer.Length != 0)
                ArrayPool<byte>.Shared.Return(Buffer);
            Buffer = [];
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
            for (var unit = offset / 8; unit < end; unit++)
                _covered[unit >> 6] |= 1UL << (unit & 63);
        }

        public bool IsComplete()
        {
            var units = (TotalLength + 7) / 8;
            for (var unit = 0; unit < units; unit++)
            {
                if ((_covered[unit >> 6] & (1UL << (unit & 63))) == 0)
                    return false;
            }
            return true;
        }
    }
}

/// <summary>Identifies the fragments of one datagram: addresses, identification and (IPv4) protocol.</summary>
public readonly record struct FragmentKey(Ipv6Address Source, Ipv6Address Destination, uint Identification, byte Protocol, bool IsIpv6)
{
    public static FragmentKey ForIpv4(uint source, uint destination, ushort identification, byte protocol) =>
        new(new Ipv6Address(0, source), new Ipv6Address(0, destination), identification, protocol, false);
}
