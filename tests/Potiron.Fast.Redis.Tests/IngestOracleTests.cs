using System.Text.Json.Nodes;
using Potiron.Fast.Ingest;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// The compatibility contract, capture by capture: ingesting each corpus capture in-process into a fresh real
/// redis-server must leave exactly the database the original potiron (tshark 4.0, TZ=UTC) left
/// (<c>../shared/oracle/{standard,ck}</c>). Where the original crashed, our fix is tested instead (testdata/README.md).
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class IngestOracleTests(RedisServerFixture redis)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> StandardCaptures() => Captures("standard");
    public static TheoryData<string> CombinedKeyCaptures() => Captures("ck");

    [Theory]
    [MemberData(nameof(StandardCaptures))]
    public async Task Standard_ingest_equals_the_original(string capture) => await AssertIdenticalAsync("standard", capture, combined: false);

    [Theory]
    [MemberData(nameof(CombinedKeyCaptures))]
    public async Task Combined_key_ingest_equals_the_original(string capture)
    {
        if (OracleRuns.OriginalCrashed("ck", capture))
        {
            // The original aborts on a protocol number missing from doc/protocols; we name it by its number.
            // Our combined keys, summed over protocols, must give the original's simple keys for the same capture.
            await IngestAsync(capture, combined: true);
            var combinedDump = await CanonicalDump.ReadAsync(redis.Multiplexer);
            var standard = CanonicalDump.Load(OracleRuns.DumpPath("standard", capture));
            AssertCombinedSumsToSimple(standard, combinedDump, capture);
            return;
        }
        await AssertIdenticalAsync("ck", capture, combined: true);
    }

    private async Task AssertIdenticalAsync(string mode, string capture, bool combined)
    {
        Assert.SkipWhen(capture == OracleRuns.NoShared, "../shared/oracle and ../shared/captures are not beside the repository");
        await IngestAsync(capture, combined);
        var expected = CanonicalDump.Load(OracleRuns.DumpPath(mode, capture));
        var comparison = CanonicalDump.Compare(expected, await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{mode}/{capture}: {comparison}");
    }

    private async Task<IngestResult> IngestAsync(string capture, bool combined)
    {
        await redis.FlushAsync();
        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token);
        await using var sink = new RedisCountSink(connection);
        var options = new IngestOptions
        {
            Inputs = [SharedCaptures.RequireFile(capture)],
            Parameters = new RunParameters { CombinedKeys = combined },
            Workers = 1,
        };
        return await new IngestPipeline(options, sink).RunAsync(Token);
    }

    private static void AssertCombinedSumsToSimple(CanonicalDump standard, CanonicalDump combined, string capture)
    {
        var summed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, entry) in combined.Keys.Where(k => k.Value.Type == "zset"))
        {
            var parts = key.Split(':');
            Assert.Equal(4, parts.Length);
            foreach (var pair in (JsonArray)entry.Value!)
            {
                var simple = $"{parts[0]}:{parts[2]}:{parts[3]}\u0000{(string)pair![0]!}";
                summed[simple] = summed.GetValueOrDefault(simple) + (long)pair[1]!;
            }
        }
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, entry) in standard.Keys.Where(k => k.Value.Type == "zset"))
        {
            foreach (var pair in (JsonArray)entry.Value!)
                expected[$"{key}\u0000{(string)pair![0]!}"] = (long)pair[1]!;
        }
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), summed.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.True(combined.Keys.ContainsKey(PotironKeys.Files), $"{capture}: FILES must be written");
        var protocols = ((JsonArray)combined.Keys[PotironKeys.Protocols].Value!).Select(p => (string)p!).ToArray();
        Assert.Contains(protocols, p => int.TryParse(p, out var number) && !ProtocolNames.IsInTable(number));
    }

    private static TheoryData<string> Captures(string mode)
    {
        var data = new TheoryData<string>();
        foreach (var capture in OracleRuns.Captures(mode))
            data.Add(capture);
        if (data.Count == 0)
            data.Add(OracleRuns.NoShared);
        return data;
    }
}

/// <summary>The oracle's bookkeeping: which captures have a dump per mode, and which runs of the original crashed.</summary>
internal static class OracleRuns
{
    public const string NoShared = "(no ../shared)";

    public static string DumpPath(string mode, string capture) => Path.Combine(OracleCounts.OracleFolder(mode), capture + ".json");

    /// <summary>Captures with a dump in this mode and the capture itself beside it.</summary>
    public static IEnumerable<string> Captures(string mode)
    {
        var folder = OracleCounts.OracleFolder(mode);
        var captures = SharedCaptures.FindDirectory();
        if (!Directory.Exists(folder) || captures is null)
            return [];
        return Directory.EnumerateFiles(folder, "*.json")
            .Select(p => Path.GetFileName(p)[..^".json".Length])
            .Where(c => File.Exists(Path.Combine(captures, c)))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>True when runs.tsv records a non-zero exit of the original for this capture and mode (without -ej).</summary>
    public static bool OriginalCrashed(string mode, string capture)
    {
        var runs = Path.Combine(Path.GetDirectoryName(OracleCounts.OracleFolder(mode))!, "runs.tsv");
        foreach (var line in File.ReadLines(runs).Skip(1))
        {
            var columns = line.Split('\t');
            if (columns[0] == capture && columns[1] == mode && columns[2] == "no")
                return columns[3] != "0";
        }
        return false;
    }
}
