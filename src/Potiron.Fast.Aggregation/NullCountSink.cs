namespace Potiron.Fast.Aggregation;

/// <summary>
/// A sink that stores nothing and counts what it is given (<c>--sink null</c>, benchmarks): files, sorted-set
/// keys, members and the sum of the increments. Every file is "not imported yet". Safe for concurrent commits.
/// </summary>
public sealed class NullCountSink : ICountSink
{
    private long _files;
    private long _groups;
    private long _members;
    private long _increments;

    /// <summary>The parameters the run opened the sink with, or null before <see cref="OpenAsync"/>.</summary>
    public RunParameters? Parameters { get; private set; }

    /// <summary>Files committed.</summary>
    public long Files => Interlocked.Read(ref _files);
    /// <summary>Sorted-set keys that would have been written (groups).</summary>
    public long Groups => Interlocked.Read(ref _groups);
    /// <summary>Members that would have been incremented.</summary>
    public long Members => Interlocked.Read(ref _members);
    /// <summary>Sum of all increments (packets times counted fields).</summary>
    public long Increments => Interlocked.Read(ref _increments);

    /// <summary>False: nothing to wait for, so no file is read while another commits.</summary>
    public bool CommitWaitsOnStore => false;

    public ValueTask OpenAsync(RunParameters parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        cancellationToken.ThrowIfCancellationRequested();
        Parameters = parameters;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsImportedAsync(string fileName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(false);
    }

    /// <summary>Counts the file like <see cref="CommitAsync"/>: the null sink holds no earlier import to replace.</summary>
    public async ValueTask<bool> ReplaceAsync(FileCounts counts, CancellationToken cancellationToken)
    {
        await CommitAsync(counts, cancellationToken).ConfigureAwait(false);
        return false;
    }

    public ValueTask<bool> CommitAsync(FileCounts counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        cancellationToken.ThrowIfCancellationRequested();
        // Member counts and totals are known without making member text: a null run formats nothing.
        long members = 0, increments = 0;
        foreach (var group in counts.Groups)
        {
            members += group.MemberCount;
            increments += group.Total;
        }
        Interlocked.Increment(ref _files);
        Interlocked.Add(ref _groups, counts.Groups.Count);
        Interlocked.Add(ref _members, members);
        Interlocked.Add(ref _increments, increments);
        return ValueTask.FromResult(true);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
