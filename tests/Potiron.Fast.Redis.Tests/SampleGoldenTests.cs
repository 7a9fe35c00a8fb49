using Potiron.Fast.Ingest;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// The project's own samples (testdata/sample) against what the original potiron wrote for them
/// (testdata/golden, provenance in testdata/README.md): the compatibility check that needs no ../shared.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class SampleGoldenTests(RedisServerFixture redis)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string TestData => Path.Combine(RepositoryFolders.Root!, "testdata");

    [Theory]
    [InlineData(SampleCaptures.Sensor1Day1, false)]
    [InlineData(SampleCaptures.Sensor1Day2, false)]
    [InlineData(SampleCaptures.Sensor2, false)]
    [InlineData(SampleCaptures.Sensor1Day1, true)]
    [InlineData(SampleCaptures.Sensor1Day2, true)]
    [InlineData(SampleCaptures.Sensor2, true)]
    public async Task Sample_ingest_equals_the_original(string sample, bool combined)
    {
        await redis.FlushAsync();
        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token);
        await using (var sink = new RedisCountSink(connection))
        {
            var options = new IngestOptions
            {
                Inputs = [Path.Combine(TestData, "sample", sample)],
                Parameters = new RunParameters { CombinedKeys = combined },
            };
            var result = await new IngestPipeline(options, sink).RunAsync(Token);
            Assert.Equal(FileOutcome.Imported, Assert.Single(result.Files).Outcome);
        }
        var expected = CanonicalDump.Load(Path.Combine(TestData, "golden", combined ? "ck" : "standard", sample + ".json"));
        var comparison = CanonicalDump.Compare(expected, await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, comparison.ToString());
    }
}
