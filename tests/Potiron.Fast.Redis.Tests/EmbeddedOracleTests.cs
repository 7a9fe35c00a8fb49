using Potiron.Fast.Ingest;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// The embedded store holds exactly what redis-server holds: a varied subset of the corpus, ingested into a fresh
/// embedded Garnet store each, must equal the original's database (the full corpus runs against redis-server in
/// <see cref="IngestOracleTests"/>).
/// </summary>
public sealed class EmbeddedOracleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("standard", "corpus-mixed-000-20100707031619.pcap")]
    [InlineData("standard", "corpus-frag-001-20190527144008.pcap")]
    [InlineData("standard", "corpus-gre-000-20170616094501.pcap")]
    [InlineData("standard", "corpus-pcapngif-001-20200728173454.pcapng")]
    [InlineData("standard", "corpus-large-004-20200416125432.cap.gz")]
    [InlineData("standard", "corpus-sll-001-20200113155106.cap.gz")]
    [InlineData("standard", "corpus-icmperr-000-20211114145856.pcapng")]
    [InlineData("ck", "corpus-large-005-20150712170818.cap.gz")]
    [InlineData("ck", "corpus-6in4-000-20151007165453.pcap")]
    [InlineData("ck", "corpus-vxlan-000-20211216102722.pcap")]
    public async Task Embedded_store_ingest_equals_the_original(string mode, string capture)
    {
        var captures = SharedCaptures.FindDirectory();
        Assert.SkipWhen(captures is null || !File.Exists(OracleRuns.DumpPath(mode, capture)), "../shared/captures and ../shared/oracle are not beside the repository");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "potiron-garnet-oracle-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var store = await EmbeddedGarnetStore.StartAsync(new EmbeddedStoreOptions { DataDirectory = dataDirectory, IndexSize = "16m" }, Token);
            await using var connection = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, Token);
            await using (var sink = new RedisCountSink(connection))
            {
                var options = new IngestOptions
                {
                    Inputs = [Path.Combine(captures!, capture)],
                    Parameters = new RunParameters { CombinedKeys = mode == "ck" },
                };
                await new IngestPipeline(options, sink).RunAsync(Token);
            }
            var comparison = CanonicalDump.Compare(CanonicalDump.Load(OracleRuns.DumpPath(mode, capture)), await CanonicalDump.ReadAsync(connection.Multiplexer), DumpCompareOptions.AgainstOriginal);
            Assert.True(comparison.Identical, $"{mode}/{capture}: {comparison}");
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
                Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
