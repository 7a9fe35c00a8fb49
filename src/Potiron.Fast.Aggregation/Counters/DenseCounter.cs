using System.Runtime.CompilerServices;

namespace Potiron.Fast.Aggregation;

/// <summary>Counts over a small domain (ttl, tos, protocol, icmp): one flat array indexed by the value.</summary>
internal readonly struct DenseCounter
{
    private readonly uint[] _counts;

    public DenseCounter(int slots) => _counts = new uint[slots];

    public bool IsAllocated => _counts is not null;

    public ReadOnlySpan<uint> Counts => _counts;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(int index) => _counts[index]++;

    public void AddFrom(DenseCounter other)
    {
        var mine = _counts;
        var theirs = other._counts;
        for (var i = 0; i < theirs.Length; i++)
            mine[i] += theirs[i];
    }

    public void Clear() => Array.Clear(_counts);

    public long ApproximateBytes => _counts is null ? 0 : 24 + 4L * _counts.Length;
}
