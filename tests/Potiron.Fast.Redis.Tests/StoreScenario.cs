namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// One sink scenario run against any store: parameters stored, several files committed (simple keys), a duplicate
/// refused, a -ck run flipping ck with a notice and adding combined keys, a re-import that loses a day and a protocol,
/// two files forgotten. Its dump must not depend on the server.
/// </summary>
internal static class StoreScenario
{
    public static async Task RunAsync(PotironStoreConnection connection, CancellationToken cancellationToken)
    {
        var files = OracleCounts.CompletedRuns("standard").Take(12).Select(p => OracleCounts.FromDump(CanonicalDump.Load(p))).ToList();
        if (files.Count == 0)
            files = [SampleCounts.File("test-honeypot-1-20140826000000.cap.gz"), SampleCounts.File("test-honeypot-1-20140826010000.cap.gz", scale: 2)];

        await using (var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true }))
        {
            await sink.OpenAsync(new RunParameters(), cancellationToken);
            Assert.Equal(ParameterCheckOutcome.Stored, sink.ParameterCheckResult!.Outcome);
            foreach (var file in files)
                Assert.True(await sink.CommitAsync(file, cancellationToken));
            Assert.False(await sink.CommitAsync(files[0], cancellationToken));
            Assert.True(await sink.IsImportedAsync(files[^1].FileName, cancellationToken));
        }

        var notices = new List<string>();
        await using (var sink = new RedisCountSink(connection, new RedisCountSinkOptions { Notice = notices.Add, WriteRecords = true }))
        {
            await sink.OpenAsync(new RunParameters { CombinedKeys = true }, cancellationToken);
            Assert.True(await sink.CommitAsync(SampleCounts.File("test-honeypot-1-20140827000000.cap.gz", combined: true), cancellationToken));
        }
        Assert.Single(notices);

        await using (var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true }))
        {
            await sink.OpenAsync(new RunParameters { CombinedKeys = true }, cancellationToken);
            Assert.True(await sink.CommitAsync(SampleCounts.Version(1, combined: true), cancellationToken));
            Assert.True(await sink.ReplaceAsync(SampleCounts.Version(2, combined: true), cancellationToken));
        }
        using (var forgetter = new FileForgetter(connection))
        {
            Assert.Equal(ForgetOutcome.Forgotten, (await forgetter.ForgetAsync(files[0].FileName, cancellationToken)).Outcome);
            Assert.Equal(ForgetOutcome.Forgotten, (await forgetter.ForgetAsync("test-honeypot-1-20140827000000.cap.gz", cancellationToken)).Outcome);
            Assert.Equal(ForgetOutcome.NotImported, (await forgetter.ForgetAsync(files[0].FileName, cancellationToken)).Outcome);
        }

        await using (var refused = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true }))
        {
            await Assert.ThrowsAsync<SinkConfigurationException>(async () =>
                await refused.OpenAsync(new RunParameters { CombinedKeys = true, UserFilter = "tcp" }, cancellationToken));
            await Assert.ThrowsAsync<SinkConfigurationException>(async () =>
                await refused.OpenAsync(new RunParameters { Format = IngestFormat.Isn }, cancellationToken));
        }
    }
}
