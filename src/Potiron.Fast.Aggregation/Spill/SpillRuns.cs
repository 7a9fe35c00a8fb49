using System.Diagnostics;
using System.Globalization;

namespace Potiron.Fast.Aggregation.Spill;

/// <summary>
/// The sorted runs one <see cref="CountTables"/> spilled to disk while counting a file, in a folder of this process's
/// own, and their merge into one run whose groups the commit streams. Deleted when the tables are cleared.
/// </summary>
/// <remarks>
/// Spilling never writes to the store: the file's commit stays one transaction made at its end, so the exactly-once
/// guarantee does not depend on the budget. A process killed meanwhile leaves its folder behind
/// (<c>potiron-spill-&lt;pid&gt;-…</c>); the next run that spills in the same place deletes the folders of dead processes.
/// </remarks>
internal sealed class SpillRuns : IDisposable
{
    /// <summary>Runs merged at once; more are merged in rounds.</summary>
    private const int MergeFanIn = 32;

    private static readonly object StaleCleanup = new();
    private static readonly HashSet<string> CleanedParents = [];

    private readonly List<string> _runs = [];
    private readonly string _folder;
    private int _next;

    public SpillRuns(string? parent)
    {
        parent ??= Path.GetTempPath();
        DeleteStaleFolders(parent);
        _folder = Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $"potiron-spill-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(_folder);
        ProcessExitCleanup.Register(_folder);
    }

    public int Count => _runs.Count;

    /// <summary>Bytes of all runs on disk.</summary>
    public long Bytes => _runs.Sum(r => new FileInfo(r).Length);

    public SpillRunWriter NewRun()
    {
        var writer = new SpillRunWriter(Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"run-{_next++:D5}")));
        _runs.Add(writer.Path);
        return writer;
    }

    /// <summary>Copies another tables' runs in (merging workers: theirs are deleted with their tables).</summary>
    public void CopyFrom(SpillRuns other)
    {
        foreach (var run in other._runs)
        {
            var path = Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"run-{_next++:D5}"));
            File.Copy(run, path);
            _runs.Add(path);
        }
    }

    /// <summary>
    /// Merges every run into one (counts of a member in several runs added up) and returns its path and, per group in
    /// key order, where its members start, how many there are and their total.
    /// </summary>
    public (string Path, List<MergedGroup> Groups) MergeAll()
    {
        while (_runs.Count > MergeFanIn)
        {
            var batch = _runs.GetRange(0, MergeFanIn);
            _runs.RemoveRange(0, MergeFanIn);
            var merged = NewRun();
            using (merged)
                Merge(batch, merged, index: null);
            foreach (var run in batch)
                File.Delete(run);
        }
        var final = NewRun();
        var groups = new List<MergedGroup>();
        var inputs = _runs.Take(_runs.Count - 1).ToList();
        using (final)
            Merge(inputs, final, groups);
        return (final.Path, groups);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        ProcessExitCleanup.Unregister(_folder);
        _runs.Clear();
    }

    /// <summary>
    /// K-way merge of sorted runs. With an index, the output has no group headers (the index says where each group's
    /// members start); without, it is a run like the others.
    /// </summary>
    private static void Merge(List<string> inputs, SpillRunWriter output, List<MergedGroup>? index)
    {
        var readers = inputs.Select(path => new SpillRunReader(path)).ToList();
        try
        {
            var live = readers.Where(r => r.NextGroup()).ToList();
            var heads = new SpillMember[readers.Count];
            while (live.Count > 0)
            {
                var key = live.Min(r => r.Group);
                var members = live.Where(r => r.Group.Equals(key)).ToList();
                if (index is null)
                    MergeGroupIntoRun(key, members, output);
                else
                    index.Add(MergeGroup(key, members, output, heads));
                live.RemoveAll(r => members.Contains(r) && !r.NextGroup());
            }
        }
        finally
        {
            foreach (var reader in readers)
                reader.Dispose();
        }
    }

    private static MergedGroup MergeGroup(SpillGroupKey key, List<SpillRunReader> inputs, SpillRunWriter? output, SpillMember[] heads)
    {
        var offset = output?.Position ?? 0;
        var count = inputs.Count;
        for (var i = 0; i < count; i++)
            heads[i] = inputs[i].ReadMember();
        long members = 0, total = 0;
        while (count > 0)
        {
            var smallest = heads[0];
            for (var i = 1; i < count; i++)
            {
                if (heads[i].CompareTo(smallest) < 0)
                    smallest = heads[i];
            }
            long sum = 0;
            for (var i = 0; i < count; i++)
            {
                if (!heads[i].SameValue(smallest))
                    continue;
                sum += heads[i].Count;
                if (inputs[i].MembersLeft > 0)
                {
                    heads[i] = inputs[i].ReadMember();
                    continue;
                }
                // This input's group is done: move the last one into its place.
                count--;
                heads[i] = heads[count];
                (inputs[i], inputs[count]) = (inputs[count], inputs[i]);
                i--;
            }
            output?.Member(smallest with { Count = sum });
            members++;
            total += sum;
        }
        return new MergedGroup(key, offset, members, total);
    }

    /// <summary>
    /// A round's merge: members of one group from several runs, summed, written with a header. The header needs the
    /// merged count first: a counting pass reads the same members through readers of their own, then the real pass writes.
    /// </summary>
    private static void MergeGroupIntoRun(SpillGroupKey key, List<SpillRunReader> inputs, SpillRunWriter output)
    {
        if (inputs.Count == 1)
        {
            // One run has this group: its members are distinct and sorted already.
            output.BeginGroup(key, inputs[0].MembersLeft);
            while (inputs[0].MembersLeft > 0)
                output.Member(inputs[0].ReadMember());
            return;
        }
        var counters = inputs.Select(r => r.Fork()).ToList();
        long members;
        try
        {
            members = MergeGroup(key, counters, output: null, new SpillMember[inputs.Count]).Members;
        }
        finally
        {
            foreach (var counter in counters)
                counter.Dispose();
        }
        output.BeginGroup(key, members);
        MergeGroup(key, inputs, output, new SpillMember[inputs.Count]);
    }

    /// <summary>Deletes spill folders whose process is gone (Linux: no <c>/proc/&lt;pid&gt;</c>), once per parent folder.</summary>
    private static void DeleteStaleFolders(string parent)
    {
        if (!OperatingSystem.IsLinux())
            return;
        lock (StaleCleanup)
        {
            if (!CleanedParents.Add(Path.GetFullPath(parent)) || !Directory.Exists(parent))
                return;
            foreach (var folder in Directory.EnumerateDirectories(parent, "potiron-spill-*"))
            {
                var parts = Path.GetFileName(folder).Split('-');
                if (parts.Length < 4 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                    continue;
                if (pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}"))
                    continue;
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Debug.WriteLine($"Left a stale spill folder {folder}: {e.Message}");
                }
            }
        }
    }
}

/// <summary>One group of a merged run: its key, where its members start, how many and their total.</summary>
internal readonly record struct MergedGroup(SpillGroupKey Key, long Offset, long Members, long Total);

/// <summary>Deletes the spill folders still registered when the process exits normally (or by a handled signal).</summary>
internal static class ProcessExitCleanup
{
    private static readonly HashSet<string> Folders = [];
    private static bool hooked;

    public static void Register(string folder)
    {
        lock (Folders)
        {
            Folders.Add(folder);
            if (hooked)
                return;
            hooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                lock (Folders)
                {
                    foreach (var path in Folders)
                    {
                        try
                        {
                            Directory.Delete(path, recursive: true);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            // Nothing more can be done at exit; the next spilling run deletes it.
                        }
                    }
                }
            };
        }
    }

    public static void Unregister(string folder)
    {
        lock (Folders)
            Folders.Remove(folder);
    }
}
