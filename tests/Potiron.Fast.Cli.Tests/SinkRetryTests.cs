using System.Collections.Concurrent;
using System.Diagnostics;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// The Redis sink's retry, made deterministic: the commit is held inside MULTI (CLIENT PAUSE WRITE) and its connection
/// killed there, before its EXEC ran. The sink reconnects, sends the whole transaction again, and the file is counted
/// exactly once. Its own redis-server (CLIENT PAUSE holds every client of the server).
/// </summary>
public sealed class SinkRetryTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string FileName = "retry-sensor-0-20240101000000.pcap";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_commit_whose_connection_dies_inside_multi_is_sent_again_and_counted_once()
    {
        await redis.FlushAsync();
        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token);
        var notices = new ConcurrentQueue<string>();
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { Notice = notices.Enqueue, RetryFor = TimeSpan.FromSeconds(60) });
        await sink.OpenAsync(new RunParameters(), Token);

        Task<bool> commit;
        await redis.AdminServer.ExecuteAsync("CLIENT", "PAUSE", "60000", "WRITE");
        try
        {
            commit = Task.Run(async () => await sink.CommitAsync(Counts(), Token), Token);
            await redis.AdminServer.ExecuteAsync("CLIENT", "KILL", "ID", await WaitForTransactionHeldAsync());
            // The retry meets the same pause: it is sent once the sink has noticed the loss.
            await WaitForAsync(() => notices.Any(n => n.Contains("Lost Redis at", StringComparison.Ordinal)), "the sink's notice of the lost connection");
        }
        finally
        {
            await redis.AdminServer.ExecuteAsync("CLIENT", "UNPAUSE");
        }

        Assert.True(await commit.WaitAsync(WatchedProcess.Patience, Token), string.Join('\n', notices));
        Assert.Contains(notices, n => n.Contains("answers again after", StringComparison.Ordinal));
        Assert.Equal([FileName], (await redis.Database.SetMembersAsync("FILES")).Select(m => m.ToString()));
        var scores = await redis.Database.SortedSetRangeByRankWithScoresAsync("retry-sensor-0:20240101:ipsrc");
        Assert.Equal(Counts().Groups[0].Members.Select(m => (m.Member, (double)m.Count)).Order(), scores.Select(s => (s.Element.ToString(), s.Score)).Order());
    }

    private static FileCounts Counts() => new()
    {
        Sensor = "retry-sensor-0",
        FileName = FileName,
        FileNameDay = "20240101",
        Days = ["20240101"],
        Groups =
        [
            new CountGroup("20240101", null, PotironField.IpSource,
                Enumerable.Range(0, 20_000).Select(i => new MemberCount($"10.0.{i >> 8}.{i & 255}", 1 + i % 5)).ToArray()),
        ],
    };

    /// <summary>The id of the sink's connection once it is blocked by the pause inside MULTI (flags x and b).</summary>
    private async Task<string> WaitForTransactionHeldAsync()
    {
        string? id = null;
        await WaitForAsync(async () =>
        {
            var list = (string)(await redis.AdminServer.ExecuteAsync("CLIENT", "LIST"))!;
            foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Trim().Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
                var flags = fields.GetValueOrDefault("flags") ?? "";
                if (fields.GetValueOrDefault("name") == "potiron-fast-commit" && flags.Contains('x', StringComparison.Ordinal) && flags.Contains('b', StringComparison.Ordinal))
                    id = fields["id"];
            }
            return id is not null;
        }, "the commit held inside MULTI");
        return id!;
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > WatchedProcess.Patience)
                Assert.Fail($"no {what} within {WatchedProcess.Patience.TotalSeconds:0} s");
            await Task.Delay(10, Token);
        }
    }
}
