using System.Runtime.CompilerServices;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// A 64-bit hash of a key whose HIGH bits are well mixed: <see cref="SparseCounter{TKey,THasher}"/> takes the top
/// bits (Fibonacci hashing, as the C anchor does). A struct type parameter, so the call inlines.
/// </summary>
internal interface IKeyHasher<in TKey>
{
    static abstract ulong Hash(TKey key);
}

/// <summary>IPv4 addresses, sequence and acknowledgement numbers.</summary>
internal readonly struct UInt32Hasher : IKeyHasher<uint>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(uint key) => key * 0x9E3779B97F4A7C15UL;
}

/// <summary>IPv6 addresses: both halves reach the top bits (hosts of one /64 differ only in the low half).</summary>
internal readonly struct Ipv6Hasher : IKeyHasher<Ipv6Address>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(Ipv6Address key)
    {
        var h = (key.High * 0xC2B2AE3D27D4EB4FUL) ^ key.Low;
        h ^= h >> 32;
        return h * 0x9E3779B97F4A7C15UL;
    }
}

/// <summary>Ascending numbers: the order of spilled runs for IPv4 addresses, sequence and acknowledgement numbers.</summary>
internal readonly struct UInt32Order : IComparer<uint>
{
    public int Compare(uint x, uint y) => x.CompareTo(y);
}

/// <summary>IPv6 addresses as 128-bit numbers: the order of spilled runs.</summary>
internal readonly struct Ipv6Order : IComparer<Ipv6Address>
{
    public int Compare(Ipv6Address x, Ipv6Address y)
    {
        var high = x.High.CompareTo(y.High);
        return high != 0 ? high : x.Low.CompareTo(y.Low);
    }
}
