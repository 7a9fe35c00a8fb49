using System.Collections.Concurrent;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Ingest;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// What an embedder of <see cref="IngestPipeline"/> gets when it cancels a run: no exception, a result with
/// <see cref="IngestResult.Cancelled"/> set and one entry per input, the committed files imported and the others
/// <see cref="FileOutcome.Cancelled"/>, nothing committed after the files in flight.
/// </summary>
public sealed class PipelineCancellationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cancelled_mid_run_returns_the_partial_result_and_commits_nothing_more()
    {
        using var folder = new TempFolder();
        var inputs = KillCaptures.WriteTo(folder.Path, files: 12, packets: 2000);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var sink = new RecordingSink(committed => { if (committed == 3) stop.Cancel(); });

        var result = await new IngestPipeline(new IngestOptions { Inputs = [folder.Path], Workers = 2 }, sink).RunAsync(stop.Token);

        Assert.True(result.Cancelled);
        Assert.Equal(inputs.Count, result.Files.Count);
        Assert.All(result.Files, f => Assert.True(f.Outcome is FileOutcome.Imported or FileOutcome.Cancelled, f.ToString()));
        // The files reported imported are exactly the committed ones: at least the three before the stop, plus at most
        // the one the other worker had read by then.
        var imported = result.Files.Where(f => f.Outcome == FileOutcome.Imported).Select(f => f.FileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(sink.Committed.Order(StringComparer.Ordinal), imported);
        Assert.InRange(imported.Length, 3, 4);
        Assert.Equal(inputs.Count - imported.Length, result.FilesCancelled);
        Assert.False(result.HasFailures);
    }

    [Fact]
    public async Task Cancelled_before_the_start_reads_nothing_and_says_so()
    {
        using var folder = new TempFolder();
        KillCaptures.WriteTo(folder.Path, files: 3, packets: 10);
        var sink = new RecordingSink(_ => { });

        var result = await new IngestPipeline(new IngestOptions { Inputs = [folder.Path], Workers = 2 }, sink).RunAsync(new CancellationToken(canceled: true));

        Assert.True(result.Cancelled);
        Assert.Equal(3, result.FilesCancelled);
        Assert.Empty(sink.Committed);
        Assert.Equal(0, result.Packets);
    }

    /// <summary>Remembers the committed basenames and calls back after each commit with how many there are.</summary>
    private sealed class RecordingSink(Action<int> committed) : ICountSink
    {
        private readonly ConcurrentQueue<string> files = new();
        private int count;

        public IReadOnlyCollection<string> Committed => files.ToArray();

        public ValueTask OpenAsync(RunParameters parameters, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> IsImportedAsync(string fileName, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(false);
        }

        public ValueTask<bool> CommitAsync(FileCounts counts, CancellationToken cancellationToken)
        {
            files.Enqueue(counts.FileName);
            committed(Interlocked.Increment(ref count));
            return ValueTask.FromResult(true);
        }

        public ValueTask<bool> ReplaceAsync(FileCounts counts, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
