namespace Potiron.Fast.Aggregation;

/// <summary>
/// Gives large dropped count arrays back to the system soon. A table that doubles leaves its old arrays as garbage in
/// the large object heap, where they would wait for a full collection: on a darknet file with 10 M distinct values that
/// garbage made peak RSS about 1.7x the live tables, and over 20 files of 500 k values each (tables regrown for every
/// file) the heap reached 250 MiB for tables of 25 MiB. A full collection is cheap here (the heap is mostly arrays of
/// numbers, nothing to trace inside them), and it runs only once 8 MiB of large arrays were dropped since the last one,
/// so the garbage waiting stays under 8 MiB whatever the sizes of the single drops.
/// </summary>
internal static class LargeArrays
{
    public const long Threshold = 8 << 20;

    // The runtime's large-object threshold: smaller arrays die young and are collected with generation 0.
    private const long LargeObjectBytes = 85_000;

    private static long s_dropped;

    /// <summary>
    /// Writes a zero into every page of a new large array, before anything reads it. A fresh page that is read first is
    /// mapped to the kernel's shared zero page and faults a second time on its first write; on Linux that second fault
    /// also flushes the other cores' TLBs, an interrupt to the core that decodes while this one counts (8 % of the
    /// counting thread's time on syn-10M with two workers, all of it in hash-table growth, whose probes read first).
    /// Written first, each page faults once. The array is all zeros already, so this changes no value.
    /// </summary>
    public static void TouchForWriting(Span<byte> array)
    {
        if (array.Length < LargeObjectBytes)
            return;
        for (var offset = 0; offset < array.Length; offset += PageBytes)
            array[offset] = 0;
    }

    private const int PageBytes = 4096;

    /// <summary>Notes an array (or arrays) of this many bytes that nothing references any more.</summary>
    public static void Dropped(long bytes)
    {
        if (bytes < LargeObjectBytes)
            return;
        if (Interlocked.Add(ref s_dropped, bytes) < Threshold)
            return;
        Interlocked.Exchange(ref s_dropped, 0);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
    }
}
