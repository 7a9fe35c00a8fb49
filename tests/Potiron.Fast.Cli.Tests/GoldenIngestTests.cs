namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// <c>potiron ingest -u SOCKET</c> on the bundled samples writes exactly what the original potiron wrote for them
/// (testdata/golden: one capture per fresh database), and a re-run or a repeated name writes nothing more. The class
/// has its own redis-server (its tests flush it, and run one at a time), so the other classes run beside it.
/// </summary>
public sealed class GoldenIngestTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(SampleCaptures.Sensor1Day1, false)]
    [InlineData(SampleCaptures.Sensor1Day2, false)]
    [InlineData(SampleCaptures.Sensor2, false)]
    [InlineData(SampleCaptures.Sensor1Day1, true)]
    [InlineData(SampleCaptures.Sensor1Day2, true)]
    [InlineData(SampleCaptures.Sensor2, true)]
    public async Task Ingest_of_a_sample_writes_what_the_original_wrote(string sample, bool combinedKeys)
    {
        await redis.FlushAsync();

        string[] arguments = ["ingest", "-i", Samples.PathOf(sample), "-u", redis.SocketPath, .. combinedKeys ? ["-ck"] : Array.Empty<string>()];
        var run = await PotironProcess.RunAsync(arguments);

        Assert.True(run.ExitCode == 0, run.ToString());
        var comparison = CanonicalDump.Compare(Samples.Golden(sample, combinedKeys), await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{comparison}\n{run}");
    }

    [Fact]
    public async Task Second_run_on_the_same_files_skips_every_file_and_changes_nothing()
    {
        await redis.FlushAsync();
        var first = await PotironProcess.RunAsync("ingest", "-i", Samples.Folder, "-u", redis.SocketPath);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("(3 imported, 0 skipped, 0 failed, 0 damaged)", first.StandardOutput);
        var before = await CanonicalDump.ReadAsync(redis.Multiplexer);

        var second = await PotironProcess.RunAsync("ingest", "-i", Samples.Folder, "-u", redis.SocketPath);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("(0 imported, 3 skipped, 0 failed, 0 damaged)", second.StandardOutput);
        foreach (var sample in Samples.Names)
        {
            Assert.True(second.ErrorLines.Contains($"potiron: {Samples.PathOf(sample)}: skipped"), $"{sample} not reported as skipped\n{second}");
            // The original's message for a file already in FILES.
            Assert.Contains($"Filename {Samples.PathOf(sample)} was already imported ... skip ...", second.StandardError);
        }
        var comparison = CanonicalDump.Compare(before, await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, comparison.ToString());
    }

    [Fact]
    public async Task Same_basename_given_twice_in_one_run_is_counted_once()
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        // Another copy in another folder: the original would count both, since FILES holds basenames.
        var copy = folder.Write(SampleCaptures.Sensor1Day1, File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor1Day1)));

        var run = await PotironProcess.RunAsync("ingest", "-i", Samples.PathOf(SampleCaptures.Sensor1Day1), copy, "-u", redis.SocketPath);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(1 imported, 1 skipped, 0 failed, 0 damaged)", run.StandardOutput);
        Assert.Contains($"potiron: {copy}: given twice in this run: counted once", run.StandardError);
        var comparison = CanonicalDump.Compare(Samples.Golden(SampleCaptures.Sensor1Day1), await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{comparison}\n{run}");
    }

    [Fact]
    public async Task Field_filter_other_than_the_databases_exits_2_with_the_originals_message_and_writes_nothing()
    {
        await redis.FlushAsync();
        var first = await PotironProcess.RunAsync("ingest", "-i", Samples.PathOf(SampleCaptures.Sensor2), "-u", redis.SocketPath);
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = await CanonicalDump.ReadAsync(redis.Multiplexer);

        var run = await PotironProcess.RunAsync("ingest", "-i", Samples.PathOf(SampleCaptures.Sensor1Day1), "-u", redis.SocketPath, "-ff", "ip.src");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("   at ", run.StandardError);
        Assert.StartsWith("potiron: [INFO] Fields you are trying to ingest are not the same as the ones currently used", Assert.Single(run.ErrorLines));
        Assert.Equal("", run.StandardOutput);
        var comparison = CanonicalDump.Compare(before, await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, comparison.ToString());
    }
}
