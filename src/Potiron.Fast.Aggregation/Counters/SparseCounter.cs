using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// Counts over a large domain (addresses, sequence numbers): open addressing with linear probing, each key beside its
/// count in one slot, power-of-two capacity, grown at 70 % load.
/// The default key (0, or <c>::</c>) marks an empty slot, so its count is kept aside in <see cref="DefaultKeyCount"/>.
/// </summary>
/// <remarks>
/// Key and count share a slot because darknet traffic brings a new sequence number with nearly every packet: the probe
/// and the increment then miss the cache once, where separate key and count arrays miss twice (1.5x on four tables of
/// 16 M slots). A mutable struct: keep it in a field and call it through that field, never through a copy.
/// </remarks>
internal struct SparseCounter<TKey, THasher>
    where TKey : unmanaged, IEquatable<TKey>
    where THasher : struct, IKeyHasher<TKey>
{
    public const int InitialCapacity = 16;

    private CounterSlot<TKey>[] _slots;
    private int _shift;   // 64 - log2(capacity): the hash's top bits index the table
    private int _used;    // occupied slots (the default key excluded)
    private int _growAt;
    private uint _defaultKeyCount;

    public static SparseCounter<TKey, THasher> Create(int capacity = InitialCapacity)
    {
        var counter = default(SparseCounter<TKey, THasher>);
        counter.Allocate(capacity);
        return counter;
    }

    public readonly bool IsAllocated => _slots is not null;

    /// <summary>Distinct keys counted, the default key included.</summary>
    public readonly int Count => _used + (_defaultKeyCount != 0 ? 1 : 0);

    public readonly int Capacity => _slots.Length;

    /// <summary>The slots; a slot is occupied when its count is not zero (its key is then not the default key).</summary>
    public readonly ReadOnlySpan<CounterSlot<TKey>> Slots => _slots;

    public readonly uint DefaultKeyCount => _defaultKeyCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(TKey key)
    {
        if (key.Equals(default))
        {
            _defaultKeyCount++;
            return;
        }
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = (int)(THasher.Hash(key) >> _shift);
        while (true)
        {
            ref var slot = ref slots[i];
            if (slot.Key.Equals(key))
            {
                slot.Count++;
                return;
            }
            if (slot.Key.Equals(default))
            {
                Insert(ref slot, key, 1);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>
    /// Asks the CPU to bring in the slot where <paramref name="key"/> will be probed, so that a batch of packets waits
    /// for its cache misses together instead of one after the other (the C anchor's <c>-p</c>). Only a hint: the address
    /// is never dereferenced here, so a table that grows or moves meanwhile costs nothing but the hint.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe void Prefetch(TKey key)
    {
        if (!Sse.IsSupported)
            return;
        var i = (nint)(THasher.Hash(key) >> _shift);
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), i)));
    }

    /// <summary>Adds an amount to a key (merging, and the tests' oracle comparisons).</summary>
    public void Add(TKey key, uint amount)
    {
        if (amount == 0)
            return;
        if (key.Equals(default))
        {
            _defaultKeyCount += amount;
            return;
        }
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = (int)(THasher.Hash(key) >> _shift);
        while (true)
        {
            ref var slot = ref slots[i];
            if (slot.Key.Equals(key))
            {
                slot.Count += amount;
                return;
            }
            if (slot.Key.Equals(default))
            {
                Insert(ref slot, key, amount);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>The count of one key (0 when absent).</summary>
    public readonly uint CountOf(TKey key)
    {
        if (key.Equals(default))
            return _defaultKeyCount;
        var mask = _slots.Length - 1;
        var i = (int)(THasher.Hash(key) >> _shift);
        while (true)
        {
            var slot = _slots[i];
            if (slot.Key.Equals(key))
                return slot.Count;
            if (slot.Key.Equals(default))
                return 0;
            i = (i + 1) & mask;
        }
    }

    public void AddFrom(in SparseCounter<TKey, THasher> other)
    {
        // Walking the other table visits keys in the order of their hash's top bits. Inserted into a smaller table (same
        // hash), they would all land in its front slots first and build one huge probe cluster: quadratic (a 10 M-value
        // merge took tens of seconds). At least the other's capacity, and room for both, keeps every insert near its home.
        Reserve(Math.Max(other._slots.Length, _used + other._used));
        _defaultKeyCount += other._defaultKeyCount;
        foreach (var slot in other._slots)
        {
            if (slot.Count != 0)
                Add(slot.Key, slot.Count);
        }
    }

    /// <summary>Empties the table; keeps its array unless it is larger than <paramref name="maxRetainedCapacity"/>.</summary>
    public void Clear(int maxRetainedCapacity)
    {
        if (_slots.Length > maxRetainedCapacity)
        {
            Allocate(InitialCapacity);
        }
        else if (_used != 0)
        {
            Array.Clear(_slots);
            _used = 0;
        }
        _defaultKeyCount = 0;
    }

    /// <summary>
    /// Moves the occupied slots to the front and sorts them by key in <paramref name="order"/> (<see cref="Slots"/> then
    /// holds them in its first slots); returns how many. The table is no longer a hash table: only <see cref="Clear"/>
    /// may follow. This lets a spill write sorted members without memory of its own.
    /// </summary>
    public int SortForSpill<TOrder>(TOrder order) where TOrder : struct, IComparer<TKey>
    {
        var used = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Count != 0)
                _slots[used++] = _slots[i];
        }
        _slots.AsSpan(used).Clear();
        _slots.AsSpan(0, used).Sort(new SlotOrder<TOrder>(order));
        _used = used;   // Clear must zero what is left
        return used;
    }

    public readonly long ApproximateBytes => _slots is null ? 0 : 24 + (long)_slots.Length * Unsafe.SizeOf<CounterSlot<TKey>>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Insert(ref CounterSlot<TKey> slot, TKey key, uint amount)
    {
        slot.Key = key;
        slot.Count = amount;
        if (++_used > _growAt)
            Grow();
    }

    private void Allocate(int capacity)
    {
        _slots = new CounterSlot<TKey>[capacity];
        LargeArrays.TouchForWriting(MemoryMarshal.AsBytes(_slots.AsSpan()));
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
        _growAt = (int)(capacity * 7L / 10);
        _used = 0;
    }

    private void Grow() => Rehash(_slots.Length * 2);

    /// <summary>Grows the table (never shrinks it) so that it holds <paramref name="keys"/> keys below its load limit.</summary>
    private void Reserve(long keys)
    {
        var capacity = (long)_slots.Length;
        while (capacity < keys || keys > capacity * 7 / 10)
            capacity *= 2;
        if (capacity != _slots.Length)
            Rehash(capacity);
    }

    private void Rehash(long capacity)
    {
        var old = _slots;
        if (capacity > 1 << 30)
            throw new InvalidOperationException("A count table cannot hold more than 2^30 distinct values.");
        Allocate((int)capacity);
        var slots = _slots;
        var mask = slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.Count == 0)
                continue;
            var i = (int)(THasher.Hash(slot.Key) >> _shift);
            while (!slots[i].Key.Equals(default))
                i = (i + 1) & mask;
            slots[i] = slot;
            _used++;
        }
        LargeArrays.Dropped((long)old.Length * Unsafe.SizeOf<CounterSlot<TKey>>());
    }

    private readonly struct SlotOrder<TOrder>(TOrder order) : IComparer<CounterSlot<TKey>>
        where TOrder : struct, IComparer<TKey>
    {
        public int Compare(CounterSlot<TKey> x, CounterSlot<TKey> y) => order.Compare(x.Key, y.Key);
    }
}

/// <summary>One slot of a <see cref="SparseCounter{TKey,THasher}"/>: a key and how often it was counted (0: empty).</summary>
internal struct CounterSlot<TKey> where TKey : unmanaged
{
    public TKey Key;
    public uint Count;
}
