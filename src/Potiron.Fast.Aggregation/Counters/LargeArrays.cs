namespace Potiron.Fast.Aggregation;

/// <summary>
/// Gives large dropped count arrays back to the system at once. A table that doubles, or tables cleared after a file,
/// leave their old arrays as garbage in the large object heap, where they would wait for a full collection: on a
/// darknet file with 10 M distinct values that garbage made peak RSS about 1.7x the live tables, and over 20 files of
/// 500 k values each it kept 250 MiB for tables of 15 MiB. A full collection is cheap here (the heap is mostly arrays of
/// numbers, nothing to trace inside them), and it runs only when 8 MiB or more were dropped at once: a few dozen times
/// per large file (each table doubles once per size), once per file at most when tables are cleared.
/// </summary>
internal static class LargeArrays
{
    public const long Threshold = 8 << 20;

    public static void Dropped(long bytes)
    {
        if (bytes >= Threshold)
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
    }
}
