using System.Globalization;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// Two <c>potiron ingest</c> processes at once into one redis-server. On the same files, each file is counted once,
/// by whichever commits it first. On different files, every file is imported: WATCH FILES also aborts a commit when the
/// other process commits another file meanwhile, and that must not pass for "imported meanwhile".
/// </summary>
[Collection(ExactlyOnceCollection.Name)]
public sealed partial class ConcurrentIngestTests(ExactlyOnceFixture fixture)
{
    [Fact]
    public async Task Two_ingests_started_at_once_on_the_same_files_count_each_file_once()
    {
        await fixture.Redis.FlushAsync();

        var runs = await RunTogetherAsync(fixture.RedisIngest, fixture.RedisIngest);

        var counts = runs.Select(FileCounts).ToArray();
        // Every file imported by exactly one of them, and skipped by the other.
        Assert.True(counts.Sum(c => c.Imported) == ExactlyOnceFixture.FileCount && counts.Sum(c => c.Skipped) == ExactlyOnceFixture.FileCount, Describe(runs));
        fixture.AssertClean(await fixture.Redis.DumpAsync(), Describe(runs));
        TestContext.Current.SendDiagnosticMessage($"same files: imported {counts[0].Imported} + {counts[1].Imported}; " +
            $"{runs.Sum(r => Regex.Count(r.StandardError, "imported meanwhile"))} skips decided at the commit (WATCH)");
    }

    [Fact]
    public async Task Two_ingests_started_at_once_on_different_files_import_every_file()
    {
        await fixture.Redis.FlushAsync();
        string[] Half(int parity) =>
        [
            "ingest", "-i", .. Enumerable.Range(0, ExactlyOnceFixture.FileCount).Where(i => i % 2 == parity).Select(i => Path.Combine(fixture.Captures, KillCaptures.NameOf(i))),
            "-u", fixture.Redis.SocketPath,
        ];

        var runs = await RunTogetherAsync(Half(0), Half(1));

        foreach (var run in runs)
            Assert.Contains($"({ExactlyOnceFixture.FileCount / 2} imported, 0 skipped, 0 failed, 0 damaged)", run.StandardOutput);
        fixture.AssertClean(await fixture.Redis.DumpAsync(), Describe(runs));
    }

    private async Task<PotironRun[]> RunTogetherAsync(string[] first, string[] second)
    {
        await using var one = PotironProcess.Start(first, fixture.Scratch);
        await using var two = PotironProcess.Start(second, fixture.Scratch);
        PotironRun[] runs = [await one.WaitAsync(WatchedProcess.Patience), await two.WaitAsync(WatchedProcess.Patience)];
        foreach (var run in runs)
            Assert.True(run.ExitCode == 0, Describe(runs));
        return runs;
    }

    private static (int Imported, int Skipped) FileCounts(PotironRun run)
    {
        var match = ImportedAndSkipped().Match(run.StandardOutput);
        Assert.True(match.Success, run.ToString());
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static string Describe(IEnumerable<PotironRun> runs) => string.Join('\n', runs.Select(r => r.ToString()));

    [GeneratedRegex(@"\(([0-9]+) imported, ([0-9]+) skipped, 0 failed, 0 damaged\)")]
    private static partial Regex ImportedAndSkipped();
}
