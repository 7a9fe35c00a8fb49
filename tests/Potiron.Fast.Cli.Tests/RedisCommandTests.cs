namespace Potiron.Fast.Cli.Tests;

/// <summary><c>potiron redis</c> as a user runs it: create, start, ingest into the instance, status, stop, delete.</summary>
public sealed class RedisCommandTests
{
    [Fact]
    public async Task An_instance_is_created_started_fed_stopped_and_deleted()
    {
        using var root = new TempFolder();
        string[] Root(params string[] args) => ["redis", .. args, "--root", root.Path];
        try
        {
            var created = await PotironProcess.RunAsync(Root("create", "-n", "sensor2"));
            Assert.True(created.ExitCode == 0, created.ToString());
            var started = await PotironProcess.RunAsync(Root("start", "-n", "sensor2"));
            Assert.True(started.ExitCode == 0, started.ToString());
            var socket = Path.Combine(root.Path, "redis_backends", "sensor2", "sensor2.sock");
            Assert.Contains(socket, started.StandardOutput);

            var ingest = await PotironProcess.RunAsync("ingest", "-c", "-u", socket, "-i", Samples.PathOf(SampleCaptures.Sensor2));
            Assert.True(ingest.ExitCode == 0, ingest.ToString());
            var status = await PotironProcess.RunAsync(Root("status", "-n", "sensor2"));
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("sensor2: running", status.StandardOutput);

            var stopped = await PotironProcess.RunAsync(Root("stop", "-n", "sensor2"));
            Assert.True(stopped.ExitCode == 0, stopped.ToString());
            Assert.Contains("All redis instances stopped: sensor2", (await PotironProcess.RunAsync(Root("status", "-n", "sensor2"))).StandardOutput);
        }
        finally
        {
            var deleted = await PotironProcess.RunAsync(Root("delete", "-n", "sensor2"));
            Assert.True(deleted.ExitCode == 0, deleted.ToString());
        }
        Assert.False(Directory.Exists(Path.Combine(root.Path, "redis_backends", "sensor2")));
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("flush")]
    public async Task Acting_on_every_instance_needs_all_and_yes(string action)
    {
        using var root = new TempFolder();
        var run = await PotironProcess.RunAsync("redis", action, "--root", root.Path);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("   at ", run.StandardError);
    }

    [Fact]
    public async Task A_name_that_cannot_be_a_file_name_is_refused()
    {
        using var root = new TempFolder();
        var run = await PotironProcess.RunAsync("redis", "create", "-n", "../evil", "--root", root.Path);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.False(Directory.Exists(Path.Combine(root.Path, "evil")));
    }
}
