using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Potiron.Fast.Redis.Tests;

[Collection(RedisServerCollection.Name)]
public sealed class RedisCountSinkTests(RedisServerFixture redis) : IAsyncLifetime
{
    private PotironStoreConnection connection = null!;

    public async ValueTask InitializeAsync()
    {
        await redis.FlushAsync();
        connection = await Connect();
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private Task<PotironStoreConnection> Connect() =>
        PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), TestContext.Current.CancellationToken);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_writes_exactly_the_expected_keys()
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.False(await sink.IsImportedAsync("test-honeypot-1-20140826000000.cap.gz", Token));
        Assert.True(await sink.CommitAsync(SampleCounts.File(), Token));
        Assert.True(await sink.IsImportedAsync("test-honeypot-1-20140826000000.cap.gz", Token));

        var dump = await CanonicalDump.ReadAsync(redis.Multiplexer);
        // The file's record is FileRecordTests' concern.
        var counts = dump.Where(k => k is not ("FIELDS" or "JSON_FIELDS" or "PARAMETERS") && !k.StartsWith(PotironKeys.OwnNamespace, StringComparison.Ordinal));
        var expected = CanonicalDump.Parse("""
            {"db": 0, "format": "redis-canonical-dump/1", "keys": {
              "FILES": {"type": "set", "value": ["test-honeypot-1-20140826000000.cap.gz"]},
              "test-honeypot-1:20140825:dport": {"type": "zset", "value": [["22", 5], ["80", 2]]},
              "test-honeypot-1:20140825:ipsrc": {"type": "zset", "value": [["10.0.0.1", 7]]},
              "test-honeypot-1:20140826:dport": {"type": "zset", "value": [["53", 1]]},
              "test-honeypot-1:20140826:iptos": {"type": "zset", "value": [["0", 3], ["0x00", 1]]},
              "test-honeypot-1_DAYS": {"type": "set", "value": ["20140825", "20140826"]}
            }}
            """);
        var comparison = CanonicalDump.Compare(expected, counts);
        Assert.True(comparison.Identical, comparison.ToString());
    }

    [Fact]
    public async Task Combined_keys_commit_adds_protocols()
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters { CombinedKeys = true }, Token);
        Assert.True(await sink.CommitAsync(SampleCounts.File(combined: true), Token));
        var dump = await CanonicalDump.ReadAsync(redis.Multiplexer);
        Assert.Equal(["tcp", "udp"], ((JsonArray)dump.Keys["PROTOCOLS"].Value!).Select(v => (string)v!));
        Assert.Contains("test-honeypot-1:tcp:20140825:dport", dump.Keys.Keys);
        Assert.Contains("test-honeypot-1:udp:20140826:iptos", dump.Keys.Keys);
        Assert.DoesNotContain("test-honeypot-1:20140825:dport", dump.Keys.Keys);
    }

    [Fact]
    public async Task File_without_packets_still_gets_its_name_and_filename_day()
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters(), Token);
        var empty = new FileCounts { Sensor = "s-a-1", FileName = "s-a-1-20000101000000.pcap", FileNameDay = "20000101", Days = [], Groups = [] };
        Assert.True(await sink.CommitAsync(empty, Token));
        Assert.True(await redis.Database.SetContainsAsync("FILES", "s-a-1-20000101000000.pcap"));
        Assert.Equal(["20000101"], (await redis.Database.SetMembersAsync("s-a-1_DAYS")).Select(v => (string)v!));
    }

    [Fact]
    public async Task Second_commit_of_the_same_file_returns_false_and_changes_nothing()
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.True(await sink.CommitAsync(SampleCounts.File(), Token));
        var before = (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render();
        Assert.False(await sink.CommitAsync(SampleCounts.File(scale: 3), Token));
        Assert.Equal(before, (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render());
    }

    [Fact]
    public async Task Two_files_add_up()
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.True(await sink.CommitAsync(SampleCounts.File("test-honeypot-1-20140826000000.cap.gz"), Token));
        Assert.True(await sink.CommitAsync(SampleCounts.File("test-honeypot-1-20140826010000.cap.gz", scale: 2), Token));
        Assert.Equal(15, await redis.Database.SortedSetScoreAsync("test-honeypot-1:20140825:dport", "22"));
        Assert.Equal(2, await redis.Database.SetLengthAsync("FILES"));
    }

    [Fact]
    public async Task Concurrent_commits_of_one_file_from_two_processes_count_once()
    {
        for (var round = 0; round < 5; round++)
        {
            await redis.FlushAsync();
            // Two connections, as two potiron processes would have.
            await using var otherConnection = await Connect();
            await using var first = new RedisCountSink(connection);
            await using var second = new RedisCountSink(otherConnection);
            var counts = SampleCounts.Large(20_000);
            var results = await Task.WhenAll(
                Task.Run(async () => await first.CommitAsync(counts, Token)),
                Task.Run(async () => await second.CommitAsync(counts, Token)));
            Assert.Single(results, r => r);
            Assert.Equal(20_000, await redis.Database.SortedSetLengthAsync("test-big-1:20240101:ipsrc"));
            Assert.Equal(1, await redis.Database.SortedSetScoreAsync("test-big-1:20240101:ipsrc", "10.0.0.0"));
            Assert.Equal(7, await redis.Database.SortedSetScoreAsync("test-big-1:20240101:ipsrc", "10.0.0.6"));
        }
    }

    [Fact]
    public async Task Commit_abandoned_before_exec_leaves_nothing()
    {
        await using var victim = await Connect();
        // No retry: this test is about what a commit that died leaves behind. The retry of the same situation is
        // tests/Potiron.Fast.Cli.Tests/SinkRetryTests.cs.
        await using var sink = new RedisCountSink(victim, new RedisCountSinkOptions { RetryFor = TimeSpan.Zero });
        await sink.OpenAsync(new RunParameters(), Token);
        var before = (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render();

        // CLIENT PAUSE WRITE holds the commit at its first write command inside MULTI, with the rest (EXEC included)
        // still unread in the socket; killing that client then is a process that died before its EXEC was executed.
        await redis.AdminServer.ExecuteAsync("CLIENT", "PAUSE", "30000", "WRITE");
        try
        {
            var counts = SampleCounts.Large(50_000);
            var commit = Task.Run(async () => await sink.CommitAsync(counts, Token));
            var id = await WaitForPausedTransactionAsync("potiron-fast-commit");
            await redis.AdminServer.ExecuteAsync("CLIENT", "KILL", "ID", id);
            var failure = await Assert.ThrowsAsync<SinkConfigurationException>(async () => await commit);
            Assert.Contains("Lost the connection to Redis at unix socket", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await redis.AdminServer.ExecuteAsync("CLIENT", "UNPAUSE");
        }
        Assert.Equal(before, (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render());
        Assert.False(await redis.Database.SetContainsAsync("FILES", "test-big-1-20240101000000.pcap"));
    }

    [Fact]
    public async Task Cancelled_commit_sends_nothing()
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters(), Token);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sink.CommitAsync(SampleCounts.File(), cancelled.Token));
        Assert.False(await redis.Database.KeyExistsAsync("FILES"));
    }

    [Fact]
    public async Task Large_commit_works_and_is_timed()
    {
        var members = int.TryParse(Environment.GetEnvironmentVariable("POTIRON_LARGE_COMMIT_MEMBERS"), out var n) ? n : 200_000;
        await using var sink = new RedisCountSink(connection);
        var counts = SampleCounts.Large(members);
        var clock = Stopwatch.StartNew();
        Assert.True(await sink.CommitAsync(counts, Token));
        clock.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"commit of {members:N0} members: {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(members, await redis.Database.SortedSetLengthAsync("test-big-1:20240101:ipsrc"));
        var total = (await redis.Database.SortedSetRangeByRankWithScoresAsync("test-big-1:20240101:ipsrc")).Sum(e => e.Score);
        Assert.Equal(counts.Groups[0].Members.Sum(m => m.Count), total);
    }

    /// <summary>The id of the client named <paramref name="name"/> once it is blocked inside MULTI (flags x and b).</summary>
    private async Task<string> WaitForPausedTransactionAsync(string name)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var list = (string)(await redis.AdminServer.ExecuteAsync("CLIENT", "LIST"))!;
            foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Trim().Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
                var flags = fields.GetValueOrDefault("flags") ?? "";
                if (fields.GetValueOrDefault("name") == name && flags.Contains('x', StringComparison.Ordinal) && flags.Contains('b', StringComparison.Ordinal))
                {
                    return fields["id"];
                }
            }
            await Task.Delay(20, Token);
        }
        throw new TimeoutException("the commit never blocked inside MULTI");
    }
}
