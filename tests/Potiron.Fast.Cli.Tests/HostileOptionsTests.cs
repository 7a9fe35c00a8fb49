using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// Bad options, paths that cannot be read, a store that cannot be reached or refuses us, and a database that holds
/// something else: each run of the real <c>potiron</c> exits 2 with exactly one line on standard error that names the
/// problem, no stack trace, nothing on standard output, and nothing created in the working folder.
/// </summary>
public sealed class HostileOptionsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    /// <summary>System.CommandLine's parse errors are followed by this hint; it is not a second error.</summary>

    public static TheoryData<string[], string> BadOptions => new()
    {
        { ["--frobnicate"], "'--frobnicate'" },
        { ["-j", "abc"], "'abc'" },
        { ["-j", "-3"], "--jobs must be at least 1" },
        { ["-j", "99999999999"], "'99999999999'" },
        { ["--tz", ""], "Unknown time zone ''" },
        { ["--tz", "../../../../etc/passwd"], "Unknown time zone '../../../../etc/passwd'" },
        { ["--tz", "Europe/Nowhere\n$(touch x)"], "Unknown time zone 'Europe/Nowhere\\x0a$(touch x)'" },
        { ["-ff", "ip.src", "--frobnicate"], "'--frobnicate'" },
        { ["-ff", "ip.src", "ip.src"], "names ip.src twice" },
        { ["--redis", "localhost:99999"], "no valid port" },
        { ["--redis", ""], "The Redis endpoint is empty" },
        { ["--redis", "[::1"], "does not close" },
        { ["--redis", "127.0.0.1:6379", "-u", "/tmp/x.sock"], "not both" },
        { ["--sensor", "a:b"], "--sensor: the sensor name 'a:b' holds ':'" },
        { ["--sensor", ""], "--sensor: the sensor name is empty" },
        { ["--sensor", "a\nb"], "--sensor: the sensor name 'a\\x0ab' holds a control character" },
        { ["--stdin-name", ""], "--stdin-name must be a file name" },
        { ["--stdin-name", "../x.cap"], "--stdin-name must be a file name" },
        { ["--retry-for", "-1"], "--retry-for must be" },
        { ["--sink", "bogus"], "'bogus'" },
        { ["--sink", "null", "stray-word"], "'stray-word'" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Bad_option_exits_2_with_one_line(string[] options, string expected)
    {
        // No -u: a check that came too late would start the embedded store in the working folder, which must stay empty.
        await AssertOneErrorLineAsync(expected, ["ingest", "-i", Samples.Folder, .. options]);
    }

    [Fact]
    public async Task Input_that_does_not_exist_exits_2_before_any_store_is_created()
    {
        await AssertOneErrorLineAsync("The filename /nonexistent/honeypot-x-0-20240314000000.cap was not found",
            "ingest", "-i", "/nonexistent/honeypot-x-0-20240314000000.cap");
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Folder_without_read_permission_exits_2_naming_it()
    {
        Assert.SkipWhen(Environment.IsPrivilegedProcess && PotironProcess.SetprivOrNull is null, "running as root (which reads every folder whatever its permissions) without setpriv to run potiron as nobody");
        using var folder = new TempFolder();
        var locked = Path.Combine(folder.Path, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            await AssertOneErrorLineAsync($"Cannot read {locked}", unprivileged: true, "ingest", "-i", locked);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task File_without_read_permission_exits_2_naming_it()
    {
        Assert.SkipWhen(Environment.IsPrivilegedProcess && PotironProcess.SetprivOrNull is null, "running as root (which reads every file whatever its permissions) without setpriv to run potiron as nobody");
        using var folder = new TempFolder();
        var path = folder.Write("honeypot-locked-0-20240314000000.cap", File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor2)));
        File.SetUnixFileMode(path, UnixFileMode.None);
        await AssertOneErrorLineAsync($"Cannot read {path}", unprivileged: true, "ingest", "-i", path);
    }

    [Fact]
    public async Task Unix_socket_that_does_not_exist_exits_2_naming_it()
    {
        const string socket = "/tmp/no such $(touch pwned) redis.sock";
        await AssertOneErrorLineAsync($"Cannot connect to Redis at unix socket {socket}: no such socket", "ingest", "-i", Samples.Folder, "-u", socket);
    }

    [Fact]
    public async Task Unix_socket_path_that_is_a_plain_file_exits_2_saying_nothing_listens()
    {
        using var folder = new TempFolder();
        var notASocket = folder.Write("redis.sock", []);
        await AssertOneErrorLineAsync("connection refused", "ingest", "-i", Samples.Folder, "-u", notASocket);
    }

    [Fact]
    public async Task Tcp_port_where_nothing_listens_exits_2_saying_so()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await AssertOneErrorLineAsync($"Cannot connect to Redis at 127.0.0.1:{port}: connection refused",
            "ingest", "-i", Samples.Folder, "--redis", $"127.0.0.1:{port}");
    }

    [Fact]
    public async Task Password_server_exits_2_without_a_password_and_with_a_wrong_one()
    {
        await using var server = await RedisServerProcess.StartAsync(["--requirepass", "hostile-test-secret"], TestContext.Current.CancellationToken);
        using var folder = new TempFolder();
        var wrong = folder.Write("password", "not-the-secret\n"u8.ToArray());

        await AssertOneErrorLineAsync("it requires a password and none was given", "ingest", "-i", Samples.Folder, "-u", server.SocketPath);
        var run = await AssertOneErrorLineAsync("wrong user name or password",
            "ingest", "-i", Samples.Folder, "-u", server.SocketPath, "--password-file", wrong);
        Assert.DoesNotContain("not-the-secret", run.StandardError);
    }

    [Fact]
    public async Task Database_of_another_potiron_format_exits_2_and_is_left_as_it_was()
    {
        await redis.FlushAsync();
        await redis.Database.HashSetAsync("PARAMETERS", [new("format", "isn"), new("tshark_filter", "")]);
        await AssertStoreRefusedAsync("you want to store data in standard format but this redis instance is used to store data in isn format");
    }

    [Fact]
    public async Task Database_whose_parameters_potiron_did_not_write_exits_2()
    {
        await redis.FlushAsync();
        await redis.Database.HashSetAsync("PARAMETERS", [new("owner", "someone else")]);
        await AssertStoreRefusedAsync("has no 'format' entry");
    }

    [Fact]
    public async Task Database_with_files_of_the_wrong_type_exits_2()
    {
        await redis.FlushAsync();
        await redis.Database.StringSetAsync("FILES", "not a set");
        await AssertStoreRefusedAsync("Key FILES of this database is a string");
    }

    [Fact]
    public async Task Database_of_the_legacy_model_exits_2()
    {
        await redis.FlushAsync();
        await redis.Database.SetAddAsync("FIELDS", "length");
        await redis.Database.SetAddAsync("CK", "YES");
        await AssertStoreRefusedAsync("legacy model");
    }

    [Fact]
    public async Task Hostile_instance_name_is_refused_and_nothing_is_created_or_run()
    {
        using var root = new TempFolder();
        var marker = "pwned_" + Guid.NewGuid().ToString("N")[..12];

        await AssertOneErrorLineAsync("is not a valid instance name",
            "redis", "--root", root.Path, "create", "-n", $"$(touch {marker})");

        Assert.Empty(Directory.EnumerateFileSystemEntries(root.Path));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), marker)));
    }

    private async Task AssertStoreRefusedAsync(string expected)
    {
        var before = await CanonicalDump.ReadAsync(redis.Multiplexer);
        await AssertOneErrorLineAsync(expected, "ingest", "-i", Samples.Folder, "-u", redis.SocketPath);
        var comparison = CanonicalDump.Compare(before, await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, comparison.ToString());
    }

    private static Task<PotironRun> AssertOneErrorLineAsync(string expected, params string[] arguments) =>
        UsageError.AssertAsync(expected, arguments, comparison: StringComparison.OrdinalIgnoreCase);

    private static Task<PotironRun> AssertOneErrorLineAsync(string expected, bool unprivileged, params string[] arguments) =>
        UsageError.AssertAsync(expected, arguments, unprivileged: unprivileged, comparison: StringComparison.OrdinalIgnoreCase);
}
