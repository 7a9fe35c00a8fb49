namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// <c>potiron ingest --force</c> and <c>potiron forget</c> through the real program: a re-import ends as a clean import of
/// the new content, a forget as if the file had never been imported (records included in both comparisons), and a file
/// that cannot be done gets one line while the others go on (exit 1). The class has its own redis-server.
/// </summary>
public sealed class ForceAndForgetTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string Changed = SampleCaptures.Sensor1Day1;
    private const string Other = SampleCaptures.Sensor2;

    private Task<PotironRun> Potiron(params string[] arguments) => PotironProcess.RunAsync([.. arguments, "-u", redis.SocketPath]);

    private async Task<CanonicalDump> CleanIngest(params string[] inputs)
    {
        await redis.FlushAsync();
        var run = await Potiron(["ingest", "--records", "-i", .. inputs]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var dump = await CanonicalDump.ReadAsync(redis.Multiplexer);
        await redis.FlushAsync();
        return dump;
    }

    [Fact]
    public async Task Ingest_force_replaces_the_earlier_import_of_a_file()
    {
        using var folder = new TempFolder();
        var full = File.ReadAllBytes(Samples.PathOf(Changed));
        // The first version: the capture cut in the middle, under the same name.
        var truncated = folder.Write(Path.Combine("v1", Changed), full[..(full.Length / 2)]);
        var expected = await CleanIngest(Samples.PathOf(Other), Samples.PathOf(Changed));

        // The cut leaves a truncated last record: a warning (exit 1), the file is imported.
        var first = await Potiron("ingest", "--records", "-i", Samples.PathOf(Other), truncated);
        Assert.True(first.StandardOutput.Contains("(2 imported, 0 skipped, 0 failed, 0 damaged)", StringComparison.Ordinal), first.ToString());
        var skipped = await Potiron("ingest", "-i", Samples.PathOf(Changed));
        Assert.Contains("(0 imported, 1 skipped, 0 failed, 0 damaged)", skipped.StandardOutput);
        var forced = await Potiron("ingest", "--force", "-i", Samples.PathOf(Changed));

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("(1 imported, 0 skipped, 0 failed, 0 damaged)", forced.StandardOutput);
        Assert.Contains("its earlier counts were replaced", forced.StandardError);
        var comparison = CanonicalDump.Compare(expected, await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, $"{comparison}\n{forced}");
    }

    [Fact]
    public async Task Ingest_force_fails_a_file_imported_without_a_record_and_does_the_others()
    {
        await redis.FlushAsync();
        Assert.Equal(0, (await Potiron("ingest", "-i", Samples.PathOf(Changed))).ExitCode);
        Assert.Equal(0, (await Potiron("ingest", "--records", "-i", Samples.PathOf(Other))).ExitCode);

        var forced = await Potiron("ingest", "--force", "-i", Samples.PathOf(Changed), Samples.PathOf(Other));

        Assert.True(forced.ExitCode == 1, forced.ToString());
        Assert.Contains("(1 imported, 0 skipped, 1 failed, 0 damaged)", forced.StandardOutput);
        Assert.Contains($"{Changed} is in FILES but has no record of what it added (imported by the original potiron, or without --records): it cannot be re-imported; nothing written.", forced.StandardError);
    }

    [Fact]
    public async Task Forget_leaves_the_store_as_if_the_file_had_never_been_imported()
    {
        var expected = await CleanIngest(Samples.PathOf(Other));
        Assert.Equal(0, (await Potiron("ingest", "--records", "-i", Samples.PathOf(Changed), Samples.PathOf(Other))).ExitCode);

        var forget = await Potiron("forget", Samples.PathOf(Changed));

        Assert.True(forget.ExitCode == 0, forget.ToString());
        Assert.StartsWith($"{Changed}: forgotten (", forget.StandardOutput);
        var comparison = CanonicalDump.Compare(expected, await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, $"{comparison}\n{forget}");
    }

    [Fact]
    public async Task Forget_reports_an_unknown_file_and_one_without_a_record_and_does_the_others()
    {
        await redis.FlushAsync();
        Assert.Equal(0, (await Potiron("ingest", "-i", Samples.PathOf(Changed))).ExitCode);
        Assert.Equal(0, (await Potiron("ingest", "--records", "-i", Samples.PathOf(Other))).ExitCode);

        var forget = await Potiron("forget", "never-1-0-20240101000000.pcap", Changed, Other);

        Assert.True(forget.ExitCode == 1, forget.ToString());
        Assert.Equal(
        [
            "potiron: never-1-0-20240101000000.pcap is not in FILES: nothing to forget.",
            $"potiron: {Changed} is in FILES but has no record of what it added (imported by the original potiron, or without --records): it cannot be forgotten; nothing written.",
        ], forget.ErrorLines);
        Assert.StartsWith($"{Other}: forgotten (", forget.StandardOutput);
        Assert.Equal([Changed], (await redis.Database.SetMembersAsync("FILES")).Select(f => f.ToString()));
    }
}
