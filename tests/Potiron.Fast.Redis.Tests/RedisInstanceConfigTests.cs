using Potiron.Fast.Redis.Instances;

namespace Potiron.Fast.Redis.Tests;

/// <summary>The instance list, folders and config files, without starting a server.</summary>
public sealed class RedisInstanceConfigTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_of_a_fresh_root_lists_the_defaults_as_stopped_and_writes_nothing()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();

        Assert.Equal(["standard", "isn"], instances.Names);
        var statuses = await instances.GetStatusAsync(instances.Resolve(null), Token);

        Assert.Equal(["All redis instances stopped: standard, isn"], RedisInstanceReport.StatusLines(statuses));
        Assert.False(Directory.Exists(root.BackendsFolder));
    }

    [Fact]
    public async Task Create_writes_the_list_the_defaults_and_the_new_instance_with_its_config()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();

        var outcomes = await instances.CreateAsync(["sensor_2-b", "standard"], Token);

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        Assert.Null(outcomes[0].Message);
        Assert.Equal("already exists", outcomes[1].Message);
        Assert.Equal(["standard", "isn", "sensor_2-b"], instances.Names);
        Assert.Equal("""
            {
              "redis_backends": [
                "standard",
                "isn",
                "sensor_2-b"
              ]
            }

            """.ReplaceLineEndings("\n"), await File.ReadAllTextAsync(Path.Combine(root.BackendsFolder, "backends.json"), Token));
        foreach (var name in (string[])["standard", "isn", "sensor_2-b"])
            Assert.True(File.Exists(Path.Combine(root.BackendsFolder, name, name + ".conf")), name);
        Assert.Equal(["standard", "isn", "sensor_2-b"], root.Open().Names);

        var instance = instances.Instance("sensor_2-b");
        var folder = Path.Combine(root.BackendsFolder, "sensor_2-b");
        Assert.Equal(Path.Combine(folder, "sensor_2-b.sock"), instance.SocketPath);
        Assert.True(Path.IsPathFullyQualified(instance.SocketPath));
        var directives = Directives(await File.ReadAllTextAsync(instance.ConfigPath, Token));
        Assert.Equal($"dir \"{folder}\"", directives[0]);
        foreach (var expected in (string[])[
                     "port 0", $"unixsocket \"{folder}/sensor_2-b.sock\"", "unixsocketperm 700", "daemonize yes", "pidfile sensor_2-b.pid",
                     "logfile sensor_2-b.log", "databases 16", "save 600 10000", "dbfilename sensor_2-b.rdb", "appendonly yes",
                     "appendfilename sensor_2-b.aof", "appendfsync everysec", "aof-load-truncated yes"])
        {
            Assert.Contains(expected, directives);
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, RedisInstanceTestRoot.ModeOf(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, RedisInstanceTestRoot.ModeOf(instance.ConfigPath));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("../escape")]
    [InlineData("x/y")]
    [InlineData("a.b")]
    [InlineData("..")]
    [InlineData("$(id)")]
    [InlineData("new\nline")]
    [InlineData("é")]
    public async Task Create_refuses_a_name_that_is_not_letters_digits_underscore_and_dash(string name)
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();

        var refused = await Assert.ThrowsAsync<RedisInstanceUsageException>(() => instances.CreateAsync(["fine", name], Token));

        Assert.StartsWith("'", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("is not a valid instance name: it becomes a folder and file names, so it may hold only letters A-Z a-z, digits, '_' and '-'.",
            refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.False(Directory.Exists(root.BackendsFolder), "nothing is written when one name is bad");
    }

    [Fact]
    public async Task A_name_beginning_with_a_dash_is_refused_as_an_option()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var refused = await Assert.ThrowsAsync<RedisInstanceUsageException>(() => root.Open().CreateAsync(["-x"], Token));
        Assert.Equal("'-x' is not a valid instance name: it must not begin with '-' (the command line would read it as an option).", refused.Message);
    }

    [Fact]
    public async Task Unknown_and_bad_names_are_refused_by_every_action()
    {
        await using var root = RedisInstanceTestRoot.Create();
        var instances = root.Open();

        var unknown = Assert.Throws<RedisInstanceUsageException>(() => instances.Resolve(["standard", "nope"]));
        Assert.Equal($"No instance named nope in {root.BackendsFolder} (there are: standard, isn); create it with 'potiron redis create -n nope'.",
            unknown.Message);
        Assert.Throws<RedisInstanceUsageException>(() => instances.Resolve(["../standard"]));
        Assert.Equal(["isn", "standard"], instances.Resolve(["isn", "standard", "isn"]).Select(i => i.Name));
    }

    [Fact]
    public async Task A_socket_path_longer_than_a_unix_socket_allows_is_refused()
    {
        await using var root = RedisInstanceTestRoot.Create(new string('r', 90));
        var instances = root.Open();

        var refused = await Assert.ThrowsAsync<RedisInstanceUsageException>(() => instances.CreateAsync(["standard2"], Token));

        Assert.Contains("a unix socket path holds at most 107. Choose a shorter --root", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RedisInstanceUsageException>(() => instances.StartAsync(instances.Resolve(["standard"]), cancellationToken: Token));
    }

    [Fact]
    public async Task A_broken_list_is_reported_with_its_path()
    {
        await using var root = RedisInstanceTestRoot.Create();
        Directory.CreateDirectory(root.BackendsFolder);
        var list = Path.Combine(root.BackendsFolder, "backends.json");

        await File.WriteAllTextAsync(list, "{ \"redis_backends\": [ \"ok\", ", Token);
        Assert.StartsWith($"{list} is not valid JSON: ", Assert.Throws<RedisInstanceUsageException>(() => root.Open()).Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(list, "{ \"redis_backends\": [ \"ok\", \"../../etc\" ] }", Token);
        Assert.StartsWith($"{list} lists a bad name: '../../etc' is not a valid", Assert.Throws<RedisInstanceUsageException>(() => root.Open()).Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(list, "[]", Token);
        Assert.Equal($"{list} must be an object with a list \"redis_backends\" of instance names.", Assert.Throws<RedisInstanceUsageException>(() => root.Open()).Message);
    }

    [Fact]
    public void Paths_are_quoted_as_redis_reads_them()
    {
        Assert.Equal("\"/tmp/a b/c\"", RedisInstanceConfig.Quote("/tmp/a b/c"));
        Assert.Equal("\"/tmp/q\\\"uote\\\\back$(id)\"", RedisInstanceConfig.Quote("/tmp/q\"uote\\back$(id)"));
        Assert.Equal("\"/tmp/new\\x0aline\\x7f\"", RedisInstanceConfig.Quote("/tmp/new\nline\x7f"));
    }

    [Fact]
    public async Task The_path_lines_follow_the_root_when_it_moves_and_the_rest_stays()
    {
        await using var root = RedisInstanceTestRoot.Create();
        await root.Open().CreateAsync(["moved"], Token);
        var old = root.Open().Instance("moved");
        await File.AppendAllTextAsync(old.ConfigPath, "maxmemory 100mb\n", Token);
        var movedRoot = root.Path + "-2";
        Directory.Move(root.Path, movedRoot);
        try
        {
            var instance = ManagedRedisInstances.Open(movedRoot).Instance("moved");

            Assert.True(RedisInstanceConfig.EnsurePaths(instance));
            Assert.False(RedisInstanceConfig.EnsurePaths(instance));

            var directives = Directives(await File.ReadAllTextAsync(instance.ConfigPath, Token));
            Assert.Equal($"dir \"{instance.Folder}\"", directives[0]);
            Assert.Contains($"unixsocket \"{instance.SocketPath}\"", directives);
            Assert.Contains("maxmemory 100mb", directives);
            Assert.DoesNotContain(directives, d => d.Contains(old.Folder, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Move(movedRoot, root.Path);
        }
    }

    /// <summary>The config's lines that are not comments or blank, in order.</summary>
    internal static List<string> Directives(string config) =>
        [.. config.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
}
