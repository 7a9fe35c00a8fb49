using Potiron.Fast.Aggregation;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>
/// With -j 1, the next file is read while the previous one's commit is still in the store's hands: the first commit
/// here does not return until the second file has started, which would never happen if reads waited for commits.
/// </summary>
public sealed class ReadCommitOverlapTests
{
    [Fact]
    public async Task The_next_file_is_read_while_a_commit_is_in_flight()
    {
        var progress = new Progress();
        var sink = new SlowSink(progress);
        var options = new IngestOptions { Inputs = [TestData.SampleFolder], Workers = 1 };

        var result = await new IngestPipeline(options, sink, progress).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, result.FilesImported);
        Assert.True(sink.FirstCommitSawNextRead, "the first commit ended without the next file having started");
    }

    [Fact]
    public async Task A_sink_that_waits_on_no_store_gets_no_extra_file_in_flight()
    {
        // The null sink's case: no file is read during a commit, so each worker holds one set of count tables.
        var progress = new Progress();
        var sink = new SlowSink(progress, waitsOnStore: false, patience: TimeSpan.FromSeconds(1));
        var options = new IngestOptions { Inputs = [TestData.SampleFolder], Workers = 1 };

        var result = await new IngestPipeline(options, sink, progress).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, result.FilesImported);
        Assert.False(sink.FirstCommitSawNextRead, "a file was read while a commit that waits on nothing was in flight");
    }

    private sealed class Progress : IIngestProgress
    {
        public readonly SemaphoreSlim Started = new(0);

        public void FileStarted(string path) => Started.Release();

        public void PacketsRead(long packets, long bytes)
        {
        }

        public void FileFinished(FileResult result)
        {
        }
    }

    private sealed class SlowSink(Progress progress, bool waitsOnStore = true, TimeSpan? patience = null) : ICountSink
    {
        private int _commits;
        public bool FirstCommitSawNextRead;

        public bool CommitWaitsOnStore => waitsOnStore;

        public ValueTask OpenAsync(RunParameters parameters, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<bool> IsImportedAsync(string fileName, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public async ValueTask<bool> CommitAsync(FileCounts counts, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _commits) == 1)
            {
                // The first file started once already; wait for the second one to start while this commit is "on the wire".
                await progress.Started.WaitAsync(cancellationToken);
                FirstCommitSawNextRead = await progress.Started.WaitAsync(patience ?? TimeSpan.FromSeconds(30), cancellationToken);
            }
            return true;
        }

        public ValueTask<bool> ReplaceAsync(FileCounts counts, CancellationToken cancellationToken) =>
            throw new NotSupportedException("This run does not re-import.");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
