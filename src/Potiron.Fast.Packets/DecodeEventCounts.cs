namespace Potiron.Fast.Packets;

/// <summary>One counter per <see cref="DecodeEvent"/>, owned by one worker (no locking); merged at the end.</summary>
public sealed class DecodeEventCounts
{
    public static readonly int Size = Enum.GetValues<DecodeEvent>().Length;

    private readonly long[] _counts = new long[Size];

    public long this[DecodeEvent e] => _counts[(int)e];

    public void Add(DecodeEvent e) => _counts[(int)e]++;

    public void MergeFrom(DecodeEventCounts other)
    {
        for (var i = 0; i < _counts.Length; i++)
            _counts[i] += other._counts[i];
    }

    public void Clear() => Array.Clear(_counts);

    /// <summary>The non-zero counters, by name.</summary>
    public IEnumerable<KeyValuePair<DecodeEvent, long>> NonZero()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
                yield return new((DecodeEvent)i, _counts[i]);
        }
    }
}
