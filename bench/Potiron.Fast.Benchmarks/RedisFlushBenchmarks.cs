using BenchmarkDotNet.Attributes;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Packets;
using Potiron.Fast.Redis;
using StackExchange.Redis;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// The flush of one file's counts (about 100,000 members, mostly distinct tcpseq and tcpack values as on a darknet) into a
/// real redis-server on a unix socket, emptied before each iteration (the first file of a day). Baseline: what
/// <c>potiron ingest</c> does, <see cref="RedisCountSink.CommitAsync"/> (WATCH FILES, MULTI, SADDs, one ZINCRBY per
/// member, EXEC). Against it two flush alternatives of issue 3, neither atomic as written: the same ZINCRBYs pipelined
/// without a transaction, and variadic ZADD of 1,000 members a command (exact only into keys that do not exist yet).
/// Each run checks that the server then holds every member.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class RedisFlushBenchmarks
{
    private const int Packets = 48_500;
    private const int ZaddChunk = 1_000;

    private RedisServer? _server;
    private PotironStoreConnection? _connection;
    private RedisCountSink? _sink;
    private FileCounts _counts = null!;
    private RedisKey[] _keys = [];
    private int _commits;

    [GlobalSetup]
    public void Setup()
    {
        _server = RedisServer.Start();
        _connection = PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(_server.SocketPath)).GetAwaiter().GetResult();
        _sink = new RedisCountSink(_connection);
        _sink.OpenAsync(new RunParameters(), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        var random = new Random(21);
        var tables = new CountTables(FieldSelection.All);
        var day = DayCalendar.DayOf(new DateOnly(2024, 3, 14));
        for (var i = 0; i < Packets; i++)
        {
            var fields = new PacketFields();
            fields.Reset();
            fields.HasIpv4 = true;
            fields.Ipv4Source = 0x0B000000u | (uint)(i % 1000);
            fields.Ipv4Destination = 0x64400000u | (uint)(i % 1000);
            fields.Ipv4Protocol = 6;
            fields.Ipv4TotalLength = (ushort)(40 + random.Next(8) * 4);
            fields.Ipv4Ttl = (byte)random.Next(32, 256);
            fields.TcpSourcePort = random.Next(1024, 2048);
            fields.TcpDestinationPort = random.Next(1, 1024);
            fields.TcpSequence = (uint)i * 2_654_435_761u;
            fields.TcpAcknowledgement = (uint)i * 2_246_822_519u + 1;
            tables.Count(day, fields);
        }
        _counts = tables.ToFileCounts("bench-sensor1-0", "bench-sensor1-0-20240314060000.cap", "20240314");
        _keys = _counts.Groups.Select(g => (RedisKey)PotironKeys.Counts(_counts.Sensor, g)).ToArray();
        Console.WriteLine($"// one file: {_counts.MemberCount:N0} members in {_counts.Groups.Count} sorted sets");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sink?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connection?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server?.Dispose();
    }

    /// <summary>An empty store for each iteration, with PARAMETERS as the sink wrote them at open.</summary>
    [IterationSetup]
    public void EmptyStore()
    {
        BenchmarkCheckException.ThrowIfDifferent("+OK", _server!.Command("FLUSHALL"), "FLUSHALL");
        _sink!.OpenAsync(new RunParameters(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "RedisCountSink.CommitAsync (MULTI/EXEC, ZINCRBY)")]
    public async Task<long> SinkCommit()
    {
        var counts = new FileCounts
        {
            Sensor = _counts.Sensor,
            FileName = $"bench-sensor1-0-{20240314000000L + _commits++}.cap",
            FileNameDay = _counts.FileNameDay,
            Days = _counts.Days,
            Groups = _counts.Groups,
        };
        var committed = await _sink!.CommitAsync(counts, CancellationToken.None).ConfigureAwait(false);
        BenchmarkCheckException.ThrowIfDifferent(true, committed, "commit accepted");
        return await CheckMembersAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "pipelined ZINCRBY, no transaction")]
    public async Task<long> PipelinedIncrements()
    {
        var database = _connection!.Database;
        var batch = database.CreateBatch();
        Task last = Task.CompletedTask;
        for (var g = 0; g < _keys.Length; g++)
        {
            foreach (var member in _counts.Groups[g].Members)
                last = batch.SortedSetIncrementAsync(_keys[g], member.Member, member.Count);
        }
        batch.Execute();
        await last.ConfigureAwait(false);
        return await CheckMembersAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "variadic ZADD, 1,000 members a command")]
    public async Task<long> VariadicAdd()
    {
        var database = _connection!.Database;
        var pending = new List<Task>();
        for (var g = 0; g < _keys.Length; g++)
        {
            var members = _counts.Groups[g].Members;
            for (var start = 0; start < members.Count; start += ZaddChunk)
            {
                var length = Math.Min(ZaddChunk, members.Count - start);
                // A fresh array per command: the multiplexer serialises it later, on its writer.
                var chunk = new SortedSetEntry[length];
                for (var i = 0; i < length; i++)
                    chunk[i] = new SortedSetEntry(members[start + i].Member, members[start + i].Count);
                pending.Add(database.SortedSetAddAsync(_keys[g], chunk));
            }
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        return await CheckMembersAsync().ConfigureAwait(false);
    }

    private async Task<long> CheckMembersAsync()
    {
        long members = 0;
        foreach (var key in _keys)
            members += await _connection!.Database.SortedSetLengthAsync(key).ConfigureAwait(false);
        BenchmarkCheckException.ThrowIfDifferent(_counts.MemberCount, members, "members in the store");
        return members;
    }
}
