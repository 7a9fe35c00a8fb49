namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// For every oracle database of a completed standard or <c>-ck</c> run: the counts it holds, committed through the sink
/// into an empty database with the same options, rebuild it exactly (keys, types, members, scores, sets, lists and
/// PARAMETERS). This pins the key schema and the parameters; the counting itself is tested where it is computed.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class OracleRoundTripTests(RedisServerFixture redis)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("standard", false)]
    [InlineData("ck", true)]
    public async Task Committed_oracle_counts_rebuild_the_oracle_database(string mode, bool combined)
    {
        var runs = OracleCounts.CompletedRuns(mode).ToList();
        Assert.SkipWhen(runs.Count == 0, "shared/oracle is not beside the repository");
        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token);
        var failures = new List<string>();
        foreach (var path in runs)
        {
            await redis.FlushAsync();
            var oracle = CanonicalDump.Load(path);
            await using (var sink = new RedisCountSink(connection))
            {
                await sink.OpenAsync(new RunParameters { CombinedKeys = combined }, Token);
                Assert.True(await sink.CommitAsync(OracleCounts.FromDump(oracle), Token));
            }
            var comparison = CanonicalDump.Compare(oracle, await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
            if (!comparison.Identical)
                failures.Add(Path.GetFileName(path) + ": " + comparison);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(runs.Count > 50, $"only {runs.Count} oracle runs found");
    }

    [Theory]
    [InlineData("isn", IngestFormat.Isn)]
    [InlineData("l2", IngestFormat.Layer2)]
    public async Task Isn_and_layer2_parameters_equal_the_oracle(string mode, IngestFormat format)
    {
        var path = RepositoryFolders.SharedFile("oracle", mode, "corpus-http-000-20241127174516.pcap.json");
        Assert.SkipWhen(path is null, "shared/oracle is not beside the repository");
        await redis.FlushAsync();
        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token);
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters { Format = format }, Token);
        var comparison = CanonicalDump.Compare(CanonicalDump.Load(path!).Where(k => k == "PARAMETERS"), await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, comparison.ToString());
    }

    [Theory]
    [InlineData("standard", IngestFormat.Standard, false)]
    [InlineData("ck", IngestFormat.Standard, true)]
    [InlineData("isn", IngestFormat.Isn, false)]
    [InlineData("l2", IngestFormat.Layer2, false)]
    public async Task Json_run_parameters_equal_the_oracle(string mode, IngestFormat format, bool combined)
    {
        var path = RepositoryFolders.SharedFile("oracle", "json-redis", mode, "corpus-arp-002-20131107105420.cap.gz.json");
        Assert.SkipWhen(path is null, "shared/oracle is not beside the repository");
        await redis.FlushAsync();
        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token);
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters { Format = format, CombinedKeys = combined, EnableJson = true, OutputDirectory = "out/" }, Token);
        var fixedKeys = new[] { "PARAMETERS", "FIELDS", "JSON_FIELDS" };
        var comparison = CanonicalDump.Compare(CanonicalDump.Load(path!).Where(fixedKeys.Contains), await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, comparison.ToString());
    }
}
