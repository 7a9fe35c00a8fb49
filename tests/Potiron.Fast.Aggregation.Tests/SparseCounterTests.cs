using CsCheck;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary>The open-addressing tables against <see cref="Dictionary{TKey,TValue}"/>, across growth.</summary>
public sealed class SparseCounterTests
{
    private static Dictionary<TKey, uint> Contents<TKey, THasher>(in SparseCounter<TKey, THasher> counter)
        where TKey : unmanaged, IEquatable<TKey>
        where THasher : struct, IKeyHasher<TKey>
    {
        var contents = new Dictionary<TKey, uint>();
        if (counter.DefaultKeyCount != 0)
            contents.Add(default, counter.DefaultKeyCount);
        foreach (var slot in counter.Slots)
        {
            if (slot.Count != 0)
                Assert.True(contents.TryAdd(slot.Key, slot.Count), "a key occupies two slots");
            else
                Assert.Equal(default, slot.Key);
        }
        return contents;
    }

    private static Dictionary<TKey, uint> Oracle<TKey>(IEnumerable<TKey> keys) where TKey : notnull
    {
        var oracle = new Dictionary<TKey, uint>();
        foreach (var key in keys)
            oracle[key] = oracle.GetValueOrDefault(key) + 1;
        return oracle;
    }

    private static void AssertSame<TKey, THasher>(Dictionary<TKey, uint> oracle, in SparseCounter<TKey, THasher> counter)
        where TKey : unmanaged, IEquatable<TKey>
        where THasher : struct, IKeyHasher<TKey>
    {
        var contents = Contents(counter);
        Assert.Equal(oracle.Count, contents.Count);
        Assert.Equal(oracle.Count, counter.Count);
        foreach (var (key, count) in oracle)
        {
            Assert.Equal(count, contents[key]);
            Assert.Equal(count, counter.CountOf(key));
        }
        Assert.True(counter.Count <= counter.Capacity * 7 / 10 + 1, "load above 70 %");
    }

    // Small key ranges give many repeats; the full range gives growth to thousands of slots.
    private static readonly Gen<uint[]> UInt32Keys = Gen.OneOf(Gen.UInt[0, 40].Array[0, 500], Gen.UInt.Array[0, 5000]);

    private static readonly Gen<Ipv6Address[]> Ipv6Keys = Gen.OneOf(
        Gen.Select(Gen.ULong[0, 3], Gen.ULong[0, 50], (high, low) => new Ipv6Address(high, low)).Array[0, 500],
        Gen.Select(Gen.ULong, Gen.ULong, (high, low) => new Ipv6Address(high, low)).Array[0, 3000],
        Gen.Select(Gen.ULong[0x20010DB800000000, 0x20010DB800000003], Gen.ULong[0, 5000], (high, low) => new Ipv6Address(high, low)).Array[0, 3000]);

    [Fact]
    public void UInt32_keys_count_like_a_dictionary() =>
        UInt32Keys.Sample(keys =>
        {
            var counter = SparseCounter<uint, UInt32Hasher>.Create();
            foreach (var key in keys)
                counter.Increment(key);
            AssertSame(Oracle(keys), counter);
        }, iter: 200);

    [Fact]
    public void Ipv6_keys_count_like_a_dictionary() =>
        Ipv6Keys.Sample(keys =>
        {
            var counter = SparseCounter<Ipv6Address, Ipv6Hasher>.Create();
            foreach (var key in keys)
                counter.Increment(key);
            AssertSame(Oracle(keys), counter);
        }, iter: 200);

    [Fact]
    public void Merging_two_tables_equals_counting_everything_in_one() =>
        Gen.Select(UInt32Keys, UInt32Keys).Sample((left, right) =>
        {
            var a = SparseCounter<uint, UInt32Hasher>.Create();
            var b = SparseCounter<uint, UInt32Hasher>.Create();
            foreach (var key in left)
                a.Increment(key);
            foreach (var key in right)
                b.Increment(key);
            a.AddFrom(b);
            AssertSame(Oracle(left.Concat(right)), a);
            AssertSame(Oracle(right), b);
        }, iter: 200);

    [Fact]
    public void Sequential_keys_grow_past_a_million()
    {
        var counter = SparseCounter<uint, UInt32Hasher>.Create();
        for (uint key = 0; key < 1_200_000; key++)
            counter.Increment(key * 2048);   // low bits all zero: the hash must spread the high ones
        for (uint key = 0; key < 1_200_000; key += 1000)
            counter.Increment(key * 2048);
        Assert.Equal(1_200_000, counter.Count);
        Assert.Equal(2u, counter.CountOf(999_000u * 2048));
        Assert.Equal(1u, counter.CountOf(999_001u * 2048));
        Assert.Equal(0u, counter.CountOf(7));
        Assert.Equal(1 << 21, counter.Capacity);
    }

    [Fact]
    public void Clear_keeps_small_tables_and_releases_large_ones()
    {
        var counter = SparseCounter<uint, UInt32Hasher>.Create();
        for (uint key = 0; key < 100; key++)
            counter.Increment(key);
        var capacity = counter.Capacity;
        counter.Clear(maxRetainedCapacity: 1 << 16);
        Assert.Equal(capacity, counter.Capacity);
        Assert.Equal(0, counter.Count);
        Assert.Equal(0u, counter.CountOf(0));

        for (uint key = 0; key < 100_000; key++)
            counter.Increment(key);
        counter.Clear(maxRetainedCapacity: 1 << 16);
        Assert.Equal(SparseCounter<uint, UInt32Hasher>.InitialCapacity, counter.Capacity);
        Assert.Equal(0, counter.Count);
        counter.Increment(5);
        Assert.Equal(1u, counter.CountOf(5));
    }
}
