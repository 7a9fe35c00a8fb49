using System.Runtime.CompilerServices;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// Counts over a 64 K domain (length, ports): a dense array cut into 1 KiB pages that are allocated on first use,
/// so a bucket that sees few distinct values holds a few pages instead of 256 KiB.
/// </summary>
internal readonly struct PagedCounter
{
    public const int PageShift = 8;
    public const int PageSize = 1 << PageShift;
    private const int PageMask = PageSize - 1;

    private readonly uint[]?[] _pages;

    /// <param name="slots">Number of indexes, 0 .. slots-1 (the domain plus its "absent" slot).</param>
    public PagedCounter(int slots) => _pages = new uint[]?[(slots + PageMask) >> PageShift];

    public bool IsAllocated => _pages is not null;

    public int Slots => _pages.Length << PageShift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(int index)
    {
        var page = _pages[index >> PageShift] ?? AllocatePage(index >> PageShift);
        page[index & PageMask]++;
    }

    /// <summary>The count at an index (0 when its page was never touched).</summary>
    public uint this[int index] => _pages[index >> PageShift] is { } page ? page[index & PageMask] : 0;

    /// <summary>The page holding indexes [pageIndex * PageSize, (pageIndex + 1) * PageSize), or null when untouched.</summary>
    public uint[]? Page(int pageIndex) => _pages[pageIndex];

    public int PageCount => _pages.Length;

    public void AddFrom(PagedCounter other)
    {
        for (var p = 0; p < other._pages.Length; p++)
        {
            if (other._pages[p] is not { } theirs)
                continue;
            var mine = _pages[p] ?? AllocatePage(p);
            for (var i = 0; i < PageSize; i++)
                mine[i] += theirs[i];
        }
    }

    /// <summary>Zeroes the counts and keeps the pages, so that the next file counts without allocating.</summary>
    public void Clear()
    {
        foreach (var page in _pages)
        {
            if (page is not null)
                Array.Clear(page);
        }
    }

    public long ApproximateBytes
    {
        get
        {
            if (_pages is null)
                return 0;
            long bytes = 24 + 8L * _pages.Length;
            foreach (var page in _pages)
            {
                if (page is not null)
                    bytes += 24 + 4L * PageSize;
            }
            return bytes;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint[] AllocatePage(int pageIndex) => _pages[pageIndex] = new uint[PageSize];
}
