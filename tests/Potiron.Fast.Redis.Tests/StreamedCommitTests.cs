using Potiron.Fast.Packets;
using StackExchange.Redis;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// The commit streamed from the count tables: variadic ZADD into new keys and ZINCRBY into existing ones give the same
/// store, a key created by another process before EXEC is never overwritten, and memory does not grow with members.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class StreamedCommitTests(RedisServerFixture fixture) : StoreTest(fixture)
{
    private const string Key = "test-big-1:20240101:ipsrc";

    [Fact]
    public async Task New_keys_take_variadic_zadd_existing_keys_zincrby_and_both_add_up()
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.True(await sink.CommitAsync(SampleCounts.Large(2_000, "test-big-1-20240101000000.pcap"), Token));
        Assert.Equal((2_000 + StreamedCommit.ZaddChunk - 1) / StreamedCommit.ZaddChunk, sink.CountCommandsSent);
        Assert.True(await sink.CommitAsync(SampleCounts.Large(2_000, "test-big-1-20240101010000.pcap"), Token));
        Assert.Equal(4 + 2_000, sink.CountCommandsSent);
        Assert.Equal(4_000, sink.MembersSent);
        var withZadd = (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render();

        await redis.FlushAsync();
        await using var incrementsOnly = new RedisCountSink(connection, new RedisCountSinkOptions { AddNewKeysWithZadd = false });
        await incrementsOnly.OpenAsync(new RunParameters(), Token);
        Assert.True(await incrementsOnly.CommitAsync(SampleCounts.Large(2_000, "test-big-1-20240101000000.pcap"), Token));
        Assert.True(await incrementsOnly.CommitAsync(SampleCounts.Large(2_000, "test-big-1-20240101010000.pcap"), Token));
        Assert.Equal(4_000, incrementsOnly.CountCommandsSent);

        Assert.Equal(withZadd, (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render());
        var expected = SampleCounts.Large(2_000).Groups[0].Members.ToDictionary(m => m.Member, m => 2.0 * m.Count);
        var stored = await redis.Database.SortedSetRangeByRankWithScoresAsync(Key);
        Assert.Equal(expected.Count, stored.Length);
        Assert.All(stored, entry => Assert.Equal(expected[entry.Element.ToString()], entry.Score));
    }

    [Fact]
    public async Task A_key_another_process_creates_before_exec_aborts_the_commit_and_the_retry_adds_to_it()
    {
        var interfered = 0;
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions
        {
            BetweenWatchAndMulti = () =>
            {
                // The key did not exist at EXISTS time: a ZADD now would overwrite this score if EXEC ran.
                if (Interlocked.Increment(ref interfered) == 1)
                    redis.Database.SortedSetIncrement(Key, "10.0.0.1", 1000);
            },
        });
        await sink.OpenAsync(new RunParameters(), Token);
        var counts = SampleCounts.Large(3_000);

        Assert.True(await sink.CommitAsync(counts, Token));

        Assert.Equal(2, interfered);   // aborted once, sent again
        Assert.Equal(3_000, sink.CountCommandsSent);   // the second attempt found the key: ZINCRBY for each member
        var expected = counts.Groups[0].Members.ToDictionary(m => m.Member, m => (double)m.Count);
        expected["10.0.0.1"] += 1000;
        var stored = await redis.Database.SortedSetRangeByRankWithScoresAsync(Key);
        Assert.Equal(expected.Count, stored.Length);
        Assert.All(stored, entry => Assert.Equal(expected[entry.Element.ToString()], entry.Score));
        Assert.Equal([counts.FileName], (await redis.Database.SetMembersAsync("FILES")).Select(m => m.ToString()));
    }

    [Theory]
    [InlineData(Key, "a string where a sorted set belongs")]
    [InlineData("test-big-1_DAYS", "a string where a set belongs")]
    public async Task A_key_of_another_type_stops_the_commit_before_anything_is_written(string key, string why)
    {
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters(), Token);
        await redis.Database.StringSetAsync(key, why);
        var before = (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render();

        var failure = await Assert.ThrowsAsync<SinkConfigurationException>(async () => await sink.CommitAsync(SampleCounts.Large(1_000), Token));

        Assert.Equal($"{key} holds a string, not a {(key == Key ? "sorted set" : "set")}: this database was written by something else; test-big-1-20240101000000.pcap is not committed (nothing of it written).", failure.Message);
        Assert.Equal(before, (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render());
    }

    [Fact]
    public async Task A_file_imported_by_another_process_before_exec_is_not_written()
    {
        var counts = SampleCounts.Large(1_000);
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions
        {
            BetweenWatchAndMulti = () => redis.Database.SetAdd("FILES", counts.FileName),
        });
        await sink.OpenAsync(new RunParameters(), Token);

        Assert.False(await sink.CommitAsync(counts, Token));

        Assert.False(await redis.Database.KeyExistsAsync(Key));
        Assert.False(await redis.Database.KeyExistsAsync("test-big-1_DAYS"));
    }
}

/// <summary>
/// What a commit allocates, measured alone in the process (no test of another collection runs meanwhile): the streamed
/// commit of a file's count tables costs buffers, not memory per member.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}

[Collection(AloneCollection.Name)]
public sealed class StreamedCommitMemoryTests : IAsyncLifetime
{
    private readonly RedisServerFixture redis = new();

    public ValueTask InitializeAsync() => redis.InitializeAsync();

    public ValueTask DisposeAsync() => redis.DisposeAsync();

    [Fact]
    public async Task Committing_300_000_members_from_the_tables_allocates_a_few_megabytes()
    {
        const int members = 300_000;
        Assert.True(FieldSelection.TryCreate(["tcp.seq"], out var selection, out _));
        var tables = new CountTables(selection);
        var packet = default(PacketFields);
        packet.Reset();
        packet.HasIpv4 = true;
        packet.Ipv4Protocol = 6;
        for (var i = 1; i <= members; i++)
        {
            packet.TcpSequence = (uint)i * 2654435761u;
            tables.Count(DayOfJanuary1st2024, packet);
        }
        var counts = tables.ToFileCounts("test-big-1", "test-big-1-20240101000000.pcap", "20240101");

        await using var connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), TestContext.Current.CancellationToken);
        await using var sink = new RedisCountSink(connection);
        await sink.OpenAsync(new RunParameters { Fields = selection }, TestContext.Current.CancellationToken);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.True(await sink.CommitAsync(counts, TestContext.Current.CancellationToken));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(members, await redis.Database.SortedSetLengthAsync("test-big-1:20240101:tcpseq"));
        // StackExchange.Redis's transaction took about 700 bytes a member (200 MB here).
        Assert.True(allocated < 8 << 20, $"{allocated:N0} bytes allocated to commit {members:N0} members");

        // A second file into the same keys: ZINCRBY, one +QUEUED and one new score back per member. Made into strings,
        // those replies took about 70 bytes a member (garbage that kept the heap 90 MiB larger over a 20-file series).
        var second = tables.ToFileCounts("test-big-1", "test-big-1-20240101010000.pcap", "20240101");
        before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.True(await sink.CommitAsync(second, TestContext.Current.CancellationToken));
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(2, await redis.Database.SortedSetScoreAsync("test-big-1:20240101:tcpseq", unchecked(7u * 2654435761u).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(allocated < 8 << 20, $"{allocated:N0} bytes allocated to add {members:N0} members to existing keys");
    }

    private const int DayOfJanuary1st2024 = 19723;
}
