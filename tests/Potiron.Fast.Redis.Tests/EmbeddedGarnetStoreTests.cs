namespace Potiron.Fast.Redis.Tests;

/// <summary>The embedded Garnet store: same results as redis-server, recovery across restarts, one process per folder.</summary>
public sealed class EmbeddedGarnetStoreTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "potiron-garnet-" + Guid.NewGuid().ToString("N")[..12]);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
            Directory.Delete(dataDirectory, recursive: true);
    }

    private Task<EmbeddedGarnetStore> Start() =>
        EmbeddedGarnetStore.StartAsync(new EmbeddedStoreOptions { DataDirectory = dataDirectory, IndexSize = "16m" }, Token);

    [Fact]
    public async Task Same_scenario_gives_the_same_dump_as_redis_server()
    {
        CanonicalDump fromRedis;
        await using (var redis = await RedisServerProcess.StartAsync(cancellationToken: Token))
        {
            await using (var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token))
                await StoreScenario.RunAsync(connection, Token);
            await using var admin = await RedisServerFixture.ConnectAdminAsync(redis.SocketPath);
            fromRedis = await CanonicalDump.ReadAsync(admin);
        }

        CanonicalDump fromGarnet;
        await using (var store = await Start())
        {
            await using var connection = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
            await StoreScenario.RunAsync(connection, Token);
            fromGarnet = await CanonicalDump.ReadAsync(connection.Multiplexer);
        }

        var comparison = CanonicalDump.Compare(fromRedis, fromGarnet);
        Assert.True(comparison.Identical, comparison.ToString());
        Assert.True(fromRedis.Keys.Count > 10);
    }

    [Fact]
    public async Task Data_survives_a_restart()
    {
        string before;
        await using (var store = await Start())
        {
            Assert.Equal(Path.GetFullPath(dataDirectory), store.DataDirectory);
            await using var connection = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
            await using var sink = new RedisCountSink(connection);
            await sink.OpenAsync(new RunParameters(), Token);
            Assert.True(await sink.CommitAsync(SampleCounts.File(), Token));
            Assert.True(await sink.CommitAsync(SampleCounts.Large(10_000), Token));
            before = (await CanonicalDump.ReadAsync(connection.Multiplexer)).Render();
        }

        await using (var store = await Start())
        {
            await using var connection = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
            Assert.Equal(before, (await CanonicalDump.ReadAsync(connection.Multiplexer)).Render());
            await using var sink = new RedisCountSink(connection);
            await sink.OpenAsync(new RunParameters(), Token);
            Assert.Equal(ParameterCheckOutcome.Matched, sink.ParameterCheckResult!.Outcome);
            Assert.True(await sink.IsImportedAsync(SampleCounts.File().FileName, Token));
            Assert.False(await sink.CommitAsync(SampleCounts.File(), Token));
            Assert.True(await sink.CommitAsync(SampleCounts.File("test-honeypot-1-20140826030000.cap.gz"), Token));
            Assert.Equal(10, await connection.Database.SortedSetScoreAsync("test-honeypot-1:20140825:dport", "22"));
        }
    }

    [Fact]
    public async Task Second_opener_of_the_folder_is_refused()
    {
        await using var store = await Start();
        var refusal = await Assert.ThrowsAsync<SinkConfigurationException>(() => Start());
        Assert.StartsWith($"The data folder {Path.GetFullPath(dataDirectory)} is in use by another potiron process", refusal.Message, StringComparison.Ordinal);

        // The first store is unharmed.
        await using var connection = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
        await connection.Database.StringSetAsync("still", "here");
    }

    [Fact]
    public async Task Store_refuses_connections_without_its_password()
    {
        await using var store = await Start();
        var failure = await Assert.ThrowsAsync<SinkConfigurationException>(() =>
            PotironStoreConnection.ConnectAsync(store.ConnectionOptions with { Password = null }, Token));
        Assert.Contains("refused the credentials", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_commits_of_one_file_count_once_on_garnet()
    {
        await using var store = await Start();
        await using var first = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
        await using var second = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
        await using var firstSink = new RedisCountSink(first);
        await using var secondSink = new RedisCountSink(second);
        for (var round = 0; round < 3; round++)
        {
            var counts = SampleCounts.Large(5_000, $"test-big-1-2024010100000{round}.pcap");
            var results = await Task.WhenAll(
                Task.Run(async () => await firstSink.CommitAsync(counts, Token)),
                Task.Run(async () => await secondSink.CommitAsync(counts, Token)));
            Assert.Single(results, r => r);
        }
        Assert.Equal(3, await first.Database.SortedSetScoreAsync("test-big-1:20240101:ipsrc", "10.0.0.0"));
    }

    [Fact]
    public async Task Reader_lists_sensors_days_and_top_values()
    {
        await using var store = await Start();
        await using var connection = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
        await ReaderChecks.RunAsync(connection, Token);
    }
}
