namespace Potiron.Fast.Aggregation;

/// <summary>
/// Where the counts of each file go. The Redis sink writes potiron's key schema; the null sink drops them
/// (benchmarks). One instance serves one run; files are committed one at a time or concurrently.
/// </summary>
public interface ICountSink : IAsyncDisposable
{
    /// <summary>
    /// Checks the store's <c>PARAMETERS</c>/<c>FIELDS</c> against this run's, or writes them into an empty store.
    /// Throws <see cref="SinkConfigurationException"/> with one clear line when the store holds another configuration.
    /// </summary>
    ValueTask OpenAsync(RunParameters parameters, CancellationToken cancellationToken);

    /// <summary>True when the file's basename is already in <c>FILES</c>.</summary>
    ValueTask<bool> IsImportedAsync(string fileName, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one file's counts, its days, protocols and its <c>FILES</c> entry so that they become visible
    /// together or not at all. Returns false when the file turned out to be imported already (nothing written).
    /// </summary>
    ValueTask<bool> CommitAsync(FileCounts counts, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one file's counts like <see cref="CommitAsync"/>, but a file already in <c>FILES</c> is imported again in
    /// place of what its earlier import added (re-import, <c>--force</c>), in the same all-or-nothing way: the counts end
    /// as if it had been imported once, with this content. Returns true when an earlier import was replaced, false when
    /// the file was new. Throws when the earlier import cannot be told apart (no record of it).
    /// </summary>
    ValueTask<bool> ReplaceAsync(FileCounts counts, CancellationToken cancellationToken);

    /// <summary>
    /// True (the default) when a commit waits on a store (network, disk): the pipeline then reads the next file while
    /// one commits, at the cost of one more set of count tables. A sink whose commit is only the caller's own CPU work
    /// (the null sink) says false, and keeps one set of tables per worker.
    /// </summary>
    bool CommitWaitsOnStore => true;
}

/// <summary>The store holds data of another configuration, or cannot be used; the message is for the user.</summary>
public sealed class SinkConfigurationException(string message) : Exception(message);
