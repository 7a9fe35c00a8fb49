namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// Bad options and stores that cannot be used: exit 2, one line on standard error that says what is wrong (the
/// original's wording where it has one), no stack trace, nothing on standard output, and nothing created in the
/// working folder (validation comes before the embedded store would be started there).
/// </summary>
public sealed class UsageErrorTests
{
    /// <summary>System.CommandLine's parse errors are followed by this hint; it is not a second error.</summary>

    [Fact]
    public async Task Unknown_option_exits_2_naming_it()
    {
        await AssertUsageErrorAsync("'--no-such-option'", "ingest", "--no-such-option", "-i", Samples.Folder);
    }

    [Fact]
    public async Task Unknown_option_after_the_inputs_exits_2_and_is_not_taken_for_an_input_file()
    {
        // -i takes several values, so a mistyped option after it used to be read as a missing file and the run went on.
        await AssertUsageErrorAsync("'--no-such-option'", "ingest", "-i", Samples.Folder, "--no-such-option");
    }

    [Fact]
    public async Task Missing_input_option_exits_2()
    {
        await AssertUsageErrorAsync("'--input' is required", "ingest", "-u", "/nonexistent.sock");
    }

    [Fact]
    public async Task Unknown_field_filter_exits_2_with_the_originals_message()
    {
        // The original's message is two sentences on two lines (sys.exit of potiron_parameters.py); kept word for word.
        using var workingFolder = new TempFolder();
        var run = await PotironProcess.RunAsync(["ingest", "-i", Samples.Folder, "-ff", "bogus.field"], workingDirectory: workingFolder.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(
            "potiron: Wrong value for fields filter, choose in the following list: frame.time_epoch, ip.len, ip.proto, ip.src, " +
            "ip.dst, ip.ttl, ip.dsfield, tcp.srcport, udp.srcport, tcp.dstport, udp.dstport, tcp.seq, tcp.ack, icmp.code, icmp.type.\n" +
            "Alternatively if you do not specify any field to filter on, all the fields in this list will be used.\n",
            run.StandardError.ReplaceLineEndings("\n"));
        Assert.Equal("", run.StandardOutput);
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingFolder.Path));
    }

    [Fact]
    public async Task Field_filter_naming_a_field_twice_exits_2()
    {
        await AssertUsageErrorAsync("names ip.src twice", "ingest", "-i", Samples.Folder, "-ff", "ip.src", "ip.src");
    }

    [Fact]
    public async Task Unknown_time_zone_exits_2_naming_it()
    {
        await AssertUsageErrorAsync("Not/AZone", "ingest", "-i", Samples.Folder, "--tz", "Not/AZone");
    }

    [Fact]
    public async Task Zero_jobs_exits_2()
    {
        await AssertUsageErrorAsync("--jobs must be at least 1", "ingest", "-i", Samples.Folder, "-j", "0");
    }

    [Fact]
    public async Task Missing_unix_socket_exits_2_naming_the_socket()
    {
        await AssertUsageErrorAsync("/nonexistent.sock", "ingest", "-i", Samples.Folder, "-u", "/nonexistent.sock");
    }

    [Fact]
    public async Task Unix_socket_and_redis_endpoint_together_exit_2()
    {
        await AssertUsageErrorAsync("not both", "ingest", "-i", Samples.Folder, "-u", "/nonexistent.sock", "--redis", "127.0.0.1:1");
    }

    [Fact]
    public async Task Isn_format_is_refused_as_not_supported_yet()
    {
        await AssertUsageErrorAsync("--isn is not supported yet", "ingest", "-i", Samples.Folder, "--isn");
    }

    [Fact]
    public async Task Missing_password_file_exits_2_naming_it()
    {
        using var folder = new TempFolder();
        var missing = Path.Combine(folder.Path, "no-such-password");
        await AssertUsageErrorAsync(missing, "ingest", "-i", Samples.Folder, "-u", "/nonexistent.sock", "--password-file", missing);
    }

    [Fact]
    public async Task Wrong_password_from_the_environment_exits_2_saying_the_server_refused_it()
    {
        await using var server = await RedisServerProcess.StartAsync(["--requirepass", "potiron-cli-test-secret"], TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string?> { ["POTIRON_TEST_PASSWORD"] = "not-the-secret" };

        var run = await AssertUsageErrorAsync("refused the credentials", environment,
            "ingest", "-i", Samples.Folder, "-u", server.SocketPath, "--password-env", "POTIRON_TEST_PASSWORD");
        Assert.Contains(server.SocketPath, run.StandardError);
        Assert.DoesNotContain("not-the-secret", run.StandardError);
    }

    private static Task<PotironRun> AssertUsageErrorAsync(string expected, params string[] arguments) =>
        UsageError.AssertAsync(expected, arguments);

    private static Task<PotironRun> AssertUsageErrorAsync(string expected, IReadOnlyDictionary<string, string?>? environment,
        params string[] arguments) =>
        UsageError.AssertAsync(expected, arguments, environment);
}
