using Potiron.Fast.Redis.Instances;

namespace Potiron.Fast.Redis.Tests;

/// <summary>Start, stop, status, flush and delete against real redis-server processes, each test in its own root.</summary>
public sealed class RedisInstanceLifecycleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_answers_ping_on_the_socket_with_persistence_on_and_status_prints_the_sockets()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();
        var all = instances.Resolve(null);

        var outcomes = await instances.StartAsync(all, cancellationToken: Token);

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Message));
        var standard = all[0];
        await using (var admin = await RedisServerFixture.ConnectAdminAsync(standard.SocketPath))
        {
            var server = admin.GetServer(admin.GetEndPoints()[0]);
            Assert.Equal("PONG", (string?)await admin.GetDatabase().ExecuteAsync("PING"));
            Assert.Equal("600 10000", Config(server, "save"));
            Assert.Equal("yes", Config(server, "appendonly"));
            Assert.Equal("everysec", Config(server, "appendfsync"));
            Assert.Equal(standard.Folder, Config(server, "dir"));
            Assert.Equal(standard.SocketPath, Config(server, "unixsocket"));
            Assert.Equal("0", Config(server, "port"));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, RedisInstanceTestRoot.ModeOf(standard.SocketPath));
        Assert.True(File.Exists(standard.LogPath));
        Assert.NotNull(RedisInstanceTestRoot.ReadPid(standard));

        var statuses = await instances.GetStatusAsync(all, Token);
        Assert.Equal(
        [
            $"standard: running (socket {root.BackendsFolder}/standard/standard.sock)",
            $"isn: running (socket {root.BackendsFolder}/isn/isn.sock)",
            "All redis instances running: standard, isn",
        ], RedisInstanceReport.StatusLines(statuses));
    }

    [Fact]
    public async Task Data_survives_stop_and_start()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();
        var isn = instances.Resolve(["isn"]);
        Assert.True((await instances.StartAsync(isn, cancellationToken: Token))[0].Succeeded);
        await using (var admin = await RedisServerFixture.ConnectAdminAsync(isn[0].SocketPath))
        {
            var database = admin.GetDatabase();
            await database.StringSetAsync("kept", "value");
            await database.SortedSetAddAsync("sensor:20240101:dport", "443", 7);
        }

        var stopped = await instances.StopAsync(isn, cancellationToken: Token);

        Assert.True(stopped[0].Succeeded, stopped[0].Message);
        Assert.Null(stopped[0].Message);
        Assert.False(File.Exists(isn[0].SocketPath));
        Assert.Equal(["All redis instances stopped: isn"], RedisInstanceReport.StatusLines(await instances.GetStatusAsync(isn, Token)));

        Assert.True((await instances.StartAsync(isn, cancellationToken: Token))[0].Succeeded);
        await using (var admin = await RedisServerFixture.ConnectAdminAsync(isn[0].SocketPath))
        {
            var database = admin.GetDatabase();
            Assert.Equal("value", (string?)await database.StringGetAsync("kept"));
            Assert.Equal(7, await database.SortedSetScoreAsync("sensor:20240101:dport", "443"));
        }
    }

    [Fact]
    public async Task Status_shows_each_instance_when_some_run_and_some_do_not()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();
        await instances.StartAsync(instances.Resolve(["isn"]), cancellationToken: Token);

        var statuses = await instances.GetStatusAsync(instances.Resolve(null), Token);

        Assert.Equal(
        [
            "standard: down",
            $"isn: running (socket {root.BackendsFolder}/isn/isn.sock)",
        ], RedisInstanceReport.StatusLines(statuses));
    }

    [Fact]
    public async Task Stopping_a_down_instance_is_fine()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();

        var outcomes = await instances.StopAsync(instances.Resolve(null), cancellationToken: Token);

        Assert.All(outcomes, o => Assert.Equal((true, "was not running"), (o.Succeeded, o.Message)));
    }

    [Fact]
    public async Task Starting_a_running_instance_again_keeps_the_one_server_even_from_two_commands_at_once()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var standard = root.Open().Resolve(["standard"]);

        var outcomes = await Task.WhenAll(
            root.Open().StartAsync(standard, cancellationToken: Token),
            root.Open().StartAsync(standard, cancellationToken: Token));
        Assert.All(outcomes.SelectMany(o => o), o => Assert.True(o.Succeeded, o.Message));
        var pid = RedisInstanceTestRoot.ReadPid(standard[0]);

        Assert.True((await root.Open().StartAsync(standard, cancellationToken: Token))[0].Succeeded);

        Assert.Equal(pid, RedisInstanceTestRoot.ReadPid(standard[0]));
        Assert.Equal([pid!.Value], RedisInstanceTestRoot.ServerProcessIds(standard[0]));
    }

    [Fact]
    public async Task Flush_empties_a_running_instance_and_refuses_a_down_one_unless_only_running_ones_are_asked_for()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();
        var all = instances.Resolve(null);
        await instances.StartAsync(instances.Resolve(["standard"]), cancellationToken: Token);
        await using var admin = await RedisServerFixture.ConnectAdminAsync(all[0].SocketPath);
        await admin.GetDatabase().StringSetAsync("gone", "soon");

        var flushed = await instances.FlushAsync(all, cancellationToken: Token);

        Assert.Equal((true, null), (flushed[0].Succeeded, flushed[0].Message));
        Assert.Equal((false, "is down, nothing flushed (start it first)"), (flushed[1].Succeeded, flushed[1].Message));
        Assert.Equal(0, await admin.GetServer(admin.GetEndPoints()[0]).DatabaseSizeAsync(0));

        var runningOnly = await instances.FlushAsync(all, runningOnly: true, Token);
        Assert.Equal([(true, null), (true, "down, skipped")], runningOnly.Select(o => (o.Succeeded, o.Message)));
    }

    [Fact]
    public async Task Delete_stops_a_running_instance_and_removes_its_folder_and_name()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();
        await instances.CreateAsync(["extra"], Token);
        var extra = instances.Resolve(["extra"]);
        await instances.StartAsync(extra, cancellationToken: Token);
        var pid = RedisInstanceTestRoot.ReadPid(extra[0]);
        Assert.NotNull(pid);

        var deleted = await instances.DeleteAsync(extra, Token);

        Assert.True(deleted[0].Succeeded, deleted[0].Message);
        Assert.False(Directory.Exists(extra[0].Folder));
        Assert.Equal(["standard", "isn"], instances.Names);
        Assert.Equal(["standard", "isn"], root.Open().Names);
        Assert.Empty(RedisInstanceTestRoot.ServerProcessIds(extra[0]));
        Assert.Throws<RedisInstanceUsageException>(() => root.Open().Resolve(["extra"]));

        Assert.All(await instances.DeleteAsync(instances.Resolve(null), Token), o => Assert.True(o.Succeeded, o.Message));
        Assert.Empty(root.Open().Names);
        Assert.Equal(["No redis instances (create one with 'potiron redis create -n NAME')."],
            RedisInstanceReport.StatusLines(await instances.GetStatusAsync(instances.Resolve(null), Token)));
    }

    [Fact]
    public async Task A_root_with_spaces_quotes_and_dollars_in_its_path_works()
    {
        await using var root = RedisInstanceTestRoot.Create("a b\"c$(x)");
        var instances = root.Open();
        var standard = instances.Resolve(["standard"]);

        Assert.True((await instances.StartAsync(standard, cancellationToken: Token))[0].Succeeded);
        await using (var admin = await RedisServerFixture.ConnectAdminAsync(standard[0].SocketPath))
            Assert.Equal(standard[0].Folder, Config(admin.GetServer(admin.GetEndPoints()[0]), "dir"));

        Assert.True((await instances.StopAsync(standard, cancellationToken: Token))[0].Succeeded);
    }

    [Fact]
    public async Task A_moved_root_starts_from_its_new_place()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var first = root.Open();
        var standard = first.Resolve(["standard"]);
        await first.StartAsync(standard, cancellationToken: Token);
        await first.StopAsync(standard, cancellationToken: Token);
        var movedRoot = root.Path + "-moved";
        Directory.Move(root.Path, movedRoot);
        try
        {
            var moved = ManagedRedisInstances.Open(movedRoot, RedisInstanceTestRoot.Options);
            var instance = moved.Resolve(["standard"]);

            Assert.True((await moved.StartAsync(instance, cancellationToken: Token))[0].Succeeded);
            Assert.StartsWith(movedRoot, instance[0].SocketPath, StringComparison.Ordinal);
            Assert.True((await moved.StopAsync(instance, cancellationToken: Token))[0].Succeeded);
        }
        finally
        {
            Directory.Move(movedRoot, root.Path);
        }
    }

    [Fact]
    public async Task A_config_that_redis_refuses_fails_at_once_with_its_message()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();
        await instances.CreateAsync(["broken"], Token);
        var broken = instances.Resolve(["broken"]);
        await File.AppendAllTextAsync(broken[0].ConfigPath, "no-such-directive yes\n", Token);

        var outcome = (await instances.StartAsync(broken, cancellationToken: Token))[0];

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("redis-server exited with code 1: ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("'no-such-directive yes'", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_exits_while_loading_its_data_is_reported_with_its_log()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();
        var isn = instances.Resolve(["isn"]);
        await instances.StartAsync(isn, cancellationToken: Token);
        await instances.StopAsync(isn, cancellationToken: Token);
        var manifest = Directory.GetFiles(isn[0].Folder, "*.manifest", SearchOption.AllDirectories).Single();
        await File.WriteAllTextAsync(manifest, "not a manifest\n", Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcome = (await instances.StartAsync(isn, cancellationToken: Token))[0];

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("the server exited: ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("not a manifest", outcome.Message, StringComparison.Ordinal);
        Assert.EndsWith($"(log: {isn[0].LogPath})", outcome.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_missing_redis_server_is_a_usage_error_that_says_how_to_install_it()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open(RedisInstanceTestRoot.Options with { RedisServerPath = "/nonexistent/redis-server" });

        var refused = await Assert.ThrowsAsync<RedisInstanceUsageException>(() => instances.StartAsync(instances.Resolve(null), cancellationToken: Token));

        Assert.Equal("/nonexistent/redis-server does not exist; give the path of a redis-server executable.", refused.Message);
    }

    private static string? Config(IServer server, string name) =>
        server.ConfigGet(name).Single(pair => pair.Key == name).Value;
}
