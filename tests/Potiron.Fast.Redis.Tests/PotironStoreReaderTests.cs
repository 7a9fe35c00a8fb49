namespace Potiron.Fast.Redis.Tests;

[Collection(RedisServerCollection.Name)]
public sealed class PotironStoreReaderTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Reader_lists_sensors_days_and_top_values()
    {
        await redis.FlushAsync();
        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), TestContext.Current.CancellationToken);
        await ReaderChecks.RunAsync(connection, TestContext.Current.CancellationToken);
    }
}

internal static class ReaderChecks
{
    public static async Task RunAsync(PotironStoreConnection connection, CancellationToken cancellationToken)
    {
        await using (var sink = new RedisCountSink(connection))
        {
            await sink.OpenAsync(new RunParameters(), cancellationToken);
            await sink.CommitAsync(SampleCounts.File(), cancellationToken);
            await sink.CommitAsync(new FileCounts
            {
                Sensor = "other-sensor-2", FileName = "other-sensor-2-20200101000000.pcap", FileNameDay = "20200101", Days = [], Groups = [],
            }, cancellationToken);
        }
        var reader = new PotironStoreReader(connection);
        Assert.Equal(["other-sensor-2", "test-honeypot-1"], await reader.ListSensorsAsync(cancellationToken));
        Assert.Equal(["20140825", "20140826"], await reader.ListDaysAsync("test-honeypot-1", cancellationToken));
        Assert.Equal(2, await reader.CountFilesAsync(cancellationToken));
        Assert.True(await reader.IsImportedAsync("other-sensor-2-20200101000000.pcap", cancellationToken));
        Assert.Equal("standard", (await reader.GetParametersAsync(cancellationToken))["format"]);
        Assert.Equal(12, (await reader.GetJsonFieldsAsync(cancellationToken)).Count);
        Assert.Equal([new ScoredMember("22", 5), new ScoredMember("80", 2)], await reader.TopMembersAsync("test-honeypot-1", "20140825", "dport", 10, cancellationToken: cancellationToken));
        Assert.Equal([new ScoredMember("0", 3)], await reader.TopMembersAsync("test-honeypot-1", "20140826", "iptos", 1, cancellationToken: cancellationToken));
        Assert.Empty(await reader.TopMembersAsync("test-honeypot-1", "20140826", "iptos", 0, cancellationToken: cancellationToken));
        Assert.Equal(2, await reader.CountMembersAsync("test-honeypot-1", "20140826", "iptos", cancellationToken: cancellationToken));
        Assert.Empty(await reader.ListProtocolsAsync(cancellationToken));
    }
}
