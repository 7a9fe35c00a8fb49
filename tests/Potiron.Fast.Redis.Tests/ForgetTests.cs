namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// <see cref="FileForgetter"/> (<c>potiron forget</c>): a recorded file is taken out so that the store equals one where it
/// was never imported, days included; a file not imported or without a record is reported and nothing is written.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class ForgetTests(RedisServerFixture fixture) : StoreTest(fixture)
{
    private const string Other = "test-honeypot-1-20140826000000.cap.gz";

    private async Task Import(bool combined, bool records, params FileCounts[] files)
    {
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = records });
        await sink.OpenAsync(new RunParameters { CombinedKeys = combined }, Token);
        foreach (var file in files)
            Assert.True(await sink.CommitAsync(file, Token));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forgetting_a_file_leaves_the_store_as_if_only_the_others_were_imported(bool combined)
    {
        await Import(combined, true, SampleCounts.File(Other, combined: combined));
        var expected = await Dump();
        await redis.FlushAsync();
        await Import(combined, true, SampleCounts.File(Other, combined: combined), SampleCounts.Version(1, combined: combined));

        using var forgetter = new FileForgetter(connection);
        var result = await forgetter.ForgetAsync("/some/folder/" + SampleCounts.Version(1).FileName, Token);

        Assert.Equal(ForgetOutcome.Forgotten, result.Outcome);
        Assert.Equal(["20140824"], result.DaysDropped);
        var comparison = CanonicalDump.Compare(expected, await Dump());
        Assert.True(comparison.Identical, comparison.ToString());
    }

    [Fact]
    public async Task Forgetting_the_only_file_leaves_only_the_parameters()
    {
        await Import(false, true, SampleCounts.Version(1));
        using var forgetter = new FileForgetter(connection);

        Assert.Equal(ForgetOutcome.Forgotten, (await forgetter.ForgetAsync(SampleCounts.Version(1).FileName, Token)).Outcome);

        Assert.Equal(["FIELDS", "JSON_FIELDS", "PARAMETERS"], (await Dump()).Keys.Keys);
    }

    [Fact]
    public async Task A_day_stays_while_another_file_has_it_as_its_filename_day()
    {
        var empty = new FileCounts { Sensor = SampleCounts.Sensor, FileName = "test-honeypot-1-20140824000000.pcap", FileNameDay = "20140824", Days = [], Groups = [] };
        await Import(false, true, empty, SampleCounts.Version(1));
        using var forgetter = new FileForgetter(connection);

        var result = await forgetter.ForgetAsync(SampleCounts.Version(1).FileName, Token);

        Assert.Equal(ForgetOutcome.Forgotten, result.Outcome);
        Assert.Equal(["20140825", "20140826"], result.DaysDropped!.Order(StringComparer.Ordinal));
        Assert.True(await redis.Database.SetContainsAsync("test-honeypot-1_DAYS", "20140824"));
        Assert.False(await redis.Database.KeyExistsAsync("test-honeypot-1:20140824:dport"));
    }

    [Fact]
    public async Task A_file_not_imported_or_without_a_record_is_reported_and_nothing_is_written()
    {
        await Import(false, false, SampleCounts.Version(1));
        var before = (await Dump()).Render();
        using var forgetter = new FileForgetter(connection);

        Assert.Equal(ForgetOutcome.NotImported, (await forgetter.ForgetAsync("never-seen-1-20140101000000.pcap", Token)).Outcome);
        Assert.Equal(ForgetOutcome.NoRecord, (await forgetter.ForgetAsync(SampleCounts.Version(1).FileName, Token)).Outcome);

        Assert.Equal(before, (await Dump()).Render());
    }

    [Fact]
    public async Task A_file_imported_between_watch_and_exec_aborts_the_forget_and_the_retry_keeps_its_counts()
    {
        await Import(false, true, SampleCounts.Version(1));
        var interfered = 0;
        using var forgetter = new FileForgetter(connection)
        {
            BetweenWatchAndMulti = () =>
            {
                if (Interlocked.Increment(ref interfered) == 1)
                    redis.Database.SetAdd("FILES", "test-honeypot-1-20140827000000.pcap");
            },
        };

        Assert.Equal(ForgetOutcome.Forgotten, (await forgetter.ForgetAsync(SampleCounts.Version(1).FileName, Token)).Outcome);

        Assert.Equal(2, interfered);
        Assert.Equal(["test-honeypot-1-20140827000000.pcap"], (await redis.Database.SetMembersAsync("FILES")).Select(f => f.ToString()));
        Assert.False(await redis.Database.KeyExistsAsync("test-honeypot-1:20140825:dport"));
    }
}
