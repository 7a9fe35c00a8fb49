using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// Counts over a large domain (addresses, sequence numbers): open addressing with linear probing, keys and counts in
/// separate arrays (a probe reads only the dense key array), power-of-two capacity, grown at 70 % load.
/// The default key (0, or <c>::</c>) marks an empty slot, so its count is kept aside in <see cref="DefaultKeyCount"/>.
/// </summary>
/// <remarks>A mutable struct: keep it in a field and call it through that field, never through a copy.</remarks>
internal struct SparseCounter<TKey, THasher>
    where TKey : unmanaged, IEquatable<TKey>
    where THasher : struct, IKeyHasher<TKey>
{
    public const int InitialCapacity = 16;

    private TKey[] _keys;
    private uint[] _counts;
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

    public readonly bool IsAllocated => _keys is not null;

    /// <summary>Distinct keys counted, the default key included.</summary>
    public readonly int Count => _used + (_defaultKeyCount != 0 ? 1 : 0);

    public readonly int Capacity => _keys.Length;

    /// <summary>Slot keys; a slot is occupied when its count is not zero.</summary>
    public readonly ReadOnlySpan<TKey> Keys => _keys;

    public readonly ReadOnlySpan<uint> Counts => _counts;

    public readonly uint DefaultKeyCount => _defaultKeyCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(TKey key)
    {
        if (key.Equals(default))
        {
            _defaultKeyCount++;
            return;
        }
        var keys = _keys;
        var mask = keys.Length - 1;
        var i = (int)(THasher.Hash(key) >> _shift);
        while (true)
        {
            var slotKey = keys[i];
            if (slotKey.Equals(key))
            {
                _counts[i]++;
                return;
            }
            if (slotKey.Equals(default))
            {
                Insert(i, key, 1);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>
    /// Asks the CPU to bring in the key and count lines where <paramref name="key"/> will be probed, so that a batch of
    /// packets waits for its cache misses together instead of one after the other (the C anchor's <c>-p</c>). Only a
    /// hint: the addresses are never dereferenced here, so a table that grows or moves meanwhile costs nothing but the hint.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe void Prefetch(TKey key)
    {
        if (!Sse.IsSupported)
            return;
        var i = (nint)(THasher.Hash(key) >> _shift);
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_keys), i)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_counts), i)));
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
        var mask = _keys.Length - 1;
        var i = (int)(THasher.Hash(key) >> _shift);
        while (true)
        {
            var slotKey = _keys[i];
            if (slotKey.Equals(key))
            {
                _counts[i] += amount;
                return;
            }
            if (slotKey.Equals(default))
            {
                Insert(i, key, amount);
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
        var mask = _keys.Length - 1;
        var i = (int)(THasher.Hash(key) >> _shift);
        while (true)
        {
            var slotKey = _keys[i];
            if (slotKey.Equals(key))
                return _counts[i];
            if (slotKey.Equals(default))
                return 0;
            i = (i + 1) & mask;
        }
    }

    public void AddFrom(in SparseCounter<TKey, THasher> other)
    {
        // Walking the other table visits keys in the order of their hash's top bits. Inserted into a smaller table (same
        // hash), they would all land in its front slots first and build one huge probe cluster: quadratic (a 10 M-value
        // merge took tens of seconds). At least the other's capacity, and room for both, keeps every insert near its home.
        Reserve(Math.Max(other._keys.Length, _used + other._used));
        _defaultKeyCount += other._defaultKeyCount;
        var keys = other._keys;
        var counts = other._counts;
        for (var i = 0; i < keys.Length; i++)
        {
            if (counts[i] != 0)
                Add(keys[i], counts[i]);
        }
    }

    /// <summary>Empties the table; keeps its arrays unless they are larger than <paramref name="maxRetainedCapacity"/>.</summary>
    public void Clear(int maxRetainedCapacity)
    {
        if (_keys.Length > maxRetainedCapacity)
        {
            Allocate(InitialCapacity);
        }
        else if (_used != 0)
        {
            Array.Clear(_keys);
            Array.Clear(_counts);
            _used = 0;
        }
        _defaultKeyCount = 0;
    }

    /// <summary>
    /// Moves the occupied slots to the front and sorts them by key (<see cref="Keys"/> and <see cref="Counts"/> then
    /// hold them in their first slots); returns how many. The table is no longer a hash table: only
    /// <see cref="Clear"/> may follow. This lets a spill write sorted members without memory of its own.
    /// </summary>
    public int SortForSpill(IComparer<TKey>? comparer)
    {
        var used = 0;
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_counts[i] == 0)
                continue;
            _keys[used] = _keys[i];
            _counts[used] = _counts[i];
            used++;
        }
        _keys.AsSpan(used).Clear();
        _counts.AsSpan(used).Clear();
        Array.Sort(_keys, _counts, 0, used, comparer);
        _used = used;   // Clear must zero what is left
        return used;
    }

    public readonly long ApproximateBytes =>
        _keys is null ? 0 : 48 + (long)_keys.Length * (Unsafe.SizeOf<TKey>() + sizeof(uint));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Insert(int slot, TKey key, uint amount)
    {
        _keys[slot] = key;
        _counts[slot] = amount;
        if (++_used > _growAt)
            Grow();
    }

    private void Allocate(int capacity)
    {
        _keys = new TKey[capacity];
        _counts = new uint[capacity];
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
        _growAt = (int)(capacity * 7L / 10);
        _used = 0;
    }

    private void Grow() => Rehash(_keys.Length * 2);

    /// <summary>Grows the table (never shrinks it) so that it holds <paramref name="keys"/> keys below its load limit.</summary>
    private void Reserve(long keys)
    {
        var capacity = (long)_keys.Length;
        while (capacity < keys || keys > capacity * 7 / 10)
            capacity *= 2;
        if (capacity != _keys.Length)
            Rehash(capacity);
    }

    private void Rehash(long capacity)
    {
        var oldKeys = _keys;
        var oldCounts = _counts;
        if (capacity > 1 << 30)
            throw new InvalidOperationException("A count table cannot hold more than 2^30 distinct values.");
        Allocate((int)capacity);
        var mask = _keys.Length - 1;
        for (var j = 0; j < oldKeys.Length; j++)
        {
            if (oldCounts[j] == 0)
                continue;
            var i = (int)(THasher.Hash(oldKeys[j]) >> _shift);
            while (!_keys[i].Equals(default))
                i = (i + 1) & mask;
            _keys[i] = oldKeys[j];
            _counts[i] = oldCounts[j];
            _used++;
        }
        LargeArrays.Dropped((long)oldKeys.Length * (Unsafe.SizeOf<TKey>() + sizeof(uint)));
    }
}
