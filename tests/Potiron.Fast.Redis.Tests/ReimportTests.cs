using Potiron.Fast.Redis.Records;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// Re-import (<c>--force</c>, <see cref="RedisCountSink.ReplaceAsync"/>): a file already imported is imported again in
/// place of its recorded counts, and the store ends exactly as a clean import of the new content, records included.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class ReimportTests(RedisServerFixture fixture) : StoreTest(fixture)
{
    private const string Other = "test-honeypot-1-20140826000000.cap.gz";

    /// <summary>The store after importing <paramref name="files"/> one by one into an empty database.</summary>
    private async Task<CanonicalDump> CleanImport(bool combined, params FileCounts[] files)
    {
        await redis.FlushAsync();
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true });
        await sink.OpenAsync(new RunParameters { CombinedKeys = combined }, Token);
        foreach (var file in files)
            Assert.True(await sink.CommitAsync(file, Token));
        var dump = await Dump();
        await redis.FlushAsync();
        return dump;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Replacing_a_file_ends_as_a_clean_import_of_the_new_content(bool combined)
    {
        var expected = await CleanImport(combined, SampleCounts.File(Other, combined: combined), SampleCounts.Version(2, combined: combined));

        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true });
        await sink.OpenAsync(new RunParameters { CombinedKeys = combined }, Token);
        Assert.True(await sink.CommitAsync(SampleCounts.File(Other, combined: combined), Token));
        Assert.True(await sink.CommitAsync(SampleCounts.Version(1, combined: combined), Token));
        Assert.True(await sink.ReplaceAsync(SampleCounts.Version(2, combined: combined), Token));

        var actual = await Dump();
        var comparison = CanonicalDump.Compare(expected, actual);
        Assert.True(comparison.Identical, comparison.ToString());
        // The day only v1 had is gone; the file's own keys and the other file's counts are as a single import left them.
        Assert.DoesNotContain("20140824", (await redis.Database.SetMembersAsync("test-honeypot-1_DAYS")).Select(d => d.ToString()));
    }

    [Fact]
    public async Task Replacing_twice_with_the_same_content_changes_nothing_more()
    {
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true });
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.True(await sink.CommitAsync(SampleCounts.File(Other), Token));
        Assert.False(await sink.ReplaceAsync(SampleCounts.Version(2), Token));   // not imported yet: a plain import
        var once = (await Dump()).Render();

        Assert.True(await sink.ReplaceAsync(SampleCounts.Version(2), Token));

        Assert.Equal(once, (await Dump()).Render());
    }

    [Fact]
    public async Task A_file_imported_without_a_record_is_not_replaced_and_nothing_is_written()
    {
        await using (var withoutRecords = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = false }))
        {
            await withoutRecords.OpenAsync(new RunParameters(), Token);
            Assert.True(await withoutRecords.CommitAsync(SampleCounts.Version(1), Token));
        }
        var before = (await Dump()).Render();
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true });
        await sink.OpenAsync(new RunParameters(), Token);

        var failure = await Assert.ThrowsAsync<FileRecordMissingException>(async () => await sink.ReplaceAsync(SampleCounts.Version(2), Token));

        Assert.Equal("test-honeypot-1-20140826120000.cap.gz is in FILES but has no record of what it added (imported by the original potiron, or without --records): it cannot be re-imported; nothing written.", failure.Message);
        Assert.Equal(before, (await Dump()).Render());
    }

    [Fact]
    public async Task A_plain_commit_still_skips_a_file_in_files()
    {
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true });
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.True(await sink.CommitAsync(SampleCounts.Version(1), Token));
        var before = (await Dump()).Render();
        Assert.False(await sink.CommitAsync(SampleCounts.Version(2), Token));
        Assert.Equal(before, (await Dump()).Render());
    }

    [Fact]
    public async Task A_key_created_between_watch_and_exec_aborts_the_replacement_and_the_retry_counts_it()
    {
        var expected = await CleanImport(false, SampleCounts.Version(2));
        const string key = "test-honeypot-1:20140826:iptos";
        var interfered = 0;
        await using (var plain = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true }))
        {
            await plain.OpenAsync(new RunParameters(), Token);
            Assert.True(await plain.CommitAsync(SampleCounts.Version(1), Token));
        }
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions
        {
            WriteRecords = true,
            BetweenWatchAndMulti = () =>
            {
                // v2's key did not exist at TYPE time: a ZADD now would overwrite this score if EXEC ran.
                if (Interlocked.Increment(ref interfered) == 1)
                    redis.Database.SortedSetIncrement(key, "0x10", 1000);
            },
        });
        await sink.OpenAsync(new RunParameters(), Token);

        Assert.True(await sink.ReplaceAsync(SampleCounts.Version(2), Token));

        Assert.Equal(2, interfered);
        Assert.Equal(1005, await redis.Database.SortedSetScoreAsync(key, "0x10"));
        await redis.Database.SortedSetIncrementAsync(key, "0x10", -1000);
        var comparison = CanonicalDump.Compare(expected, await Dump());
        Assert.True(comparison.Identical, comparison.ToString());
    }
}
