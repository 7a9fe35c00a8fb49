using System.Globalization;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// SIGKILL at points spread over an ingest of <see cref="ExactlyOnceFixture.FileCount"/> files, then the same command
/// again: the store must end exactly as after one clean run (each file counted once, nothing lost). A kill point is
/// <c>open</c> (the store was just opened: redis-server has PARAMETERS, or the embedded store's data folder is locked
/// while Garnet starts and recovers), <c>files N</c> (the Nth file is committed: in FILES for redis-server, polled with
/// SCARD; reported on standard error for the embedded store) or <c>files N+F</c> (then F of the mean time between two
/// files more, so that the kill lands inside the reading and committing of the next ones). The embedded store starts
/// each time from a checkpoint that holds every fourth file (the kill must not lose it); a killed process loses what it
/// committed since (it checkpoints when it ends), and <c>files 40</c> lands in that closing checkpoint.
/// </summary>
[Collection(ExactlyOnceCollection.Name)]
public sealed partial class KillMatrixTests(ExactlyOnceFixture fixture)
{
    public static TheoryData<string> RedisKillPoints => new()
    {
        "open", "files 1", "files 4", "files 8", "files 10+0.5", "files 12", "files 16", "files 20", "files 25+0.3", "files 30",
        "files 35+0.7", "files 39", "files 40",
    };

    public static TheoryData<string> EmbeddedKillPoints => new()
    {
        "open", "files 1", "files 5+0.5", "files 10", "files 16+0.3", "files 20", "files 30", "files 35+0.7", "files 39", "files 40",
    };

    [Theory]
    [MemberData(nameof(RedisKillPoints))]
    public async Task Redis_killed_then_run_again_equals_one_clean_run(string killPoint)
    {
        await fixture.Redis.FlushAsync();
        var (killed, detail) = await KillAtAsync(fixture.RedisIngest, killPoint, fixture.Redis.FilesAsync);
        var inFiles = await fixture.Redis.FilesAsync();

        var again = await PotironProcess.RunAsync(fixture.RedisIngest, workingDirectory: fixture.Scratch, timeout: WatchedProcess.Patience);

        Assert.True(again.ExitCode == 0, $"{again}\nafter {detail}");
        AssertRerunCounts(again, inFiles, detail);
        fixture.AssertClean(await fixture.Redis.DumpAsync(), $"{detail}\n{killed}\n{again}");
        TestContext.Current.SendDiagnosticMessage($"redis, kill at {killPoint}: {detail}; {inFiles} files in FILES after the kill");
    }

    [Theory]
    [MemberData(nameof(EmbeddedKillPoints))]
    public async Task Embedded_store_killed_then_run_again_equals_one_clean_run(string killPoint)
    {
        var dataDirectory = await fixture.NewEmbeddedStoreAsync();
        try
        {
            var (killed, detail) = await KillAtAsync(fixture.EmbeddedIngest(dataDirectory), killPoint, filesCommitted: null);

            var again = await PotironProcess.RunAsync(fixture.EmbeddedIngest(dataDirectory), workingDirectory: fixture.Scratch, timeout: WatchedProcess.Patience);

            Assert.True(again.ExitCode == 0, $"{again}\nafter {detail}");
            // Every file the killed run reported imported survived the kill (the append-only file is committed before
            // EXEC answers) and is skipped now; at most the file in flight is imported again, never half of it.
            var (imported, skipped) = FileCounts(again);
            Assert.True(imported + skipped == ExactlyOnceFixture.FileCount && skipped >= ExactlyOnceFixture.BaseFileCount, $"{again}\nafter {detail}");
            var reportedImported = PathsWith(killed, ": imported: ");
            var skippedNow = PathsWith(again, ": skipped");
            Assert.True(reportedImported.IsSubsetOf(skippedNow),
                $"imported before the kill but imported again: {string.Join(", ", reportedImported.Except(skippedNow))}\n{detail}\n{killed}\n{again}");
            fixture.AssertClean(await ExactlyOnceFixture.DumpEmbeddedAsync(dataDirectory), $"{detail}\n{killed}\n{again}");
            TestContext.Current.SendDiagnosticMessage($"embedded, kill at {killPoint}: {detail}; the next run imported {imported}, skipped {skipped}");
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Starts the ingest, waits for the kill point and sends SIGKILL. Returns what the killed process printed and a line
    /// saying where the kill landed (if the process ended just before the kill, the line says so).
    /// </summary>
    private async Task<(PotironRun Killed, string Detail)> KillAtAsync(string[] arguments, string killPoint, Func<Task<long>>? filesCommitted)
    {
        await using var ingest = WatchedProcess.Start(arguments, fixture.Scratch);
        if (killPoint == "open")
        {
            if (filesCommitted is not null)
                await ingest.WaitUntilAsync(async () => await fixture.Redis.Admin.GetDatabase().KeyExistsAsync("PARAMETERS"), "PARAMETERS written");
            else
                await ingest.WaitUntilAsync(() => HoldsFileLock(ingest.Id), "the data folder locked");
        }
        else
        {
            var point = killPoint["files ".Length..].Split('+');
            var files = int.Parse(point[0], CultureInfo.InvariantCulture);
            if (filesCommitted is not null)
                await ingest.WaitUntilAsync(async () => await filesCommitted() >= files, $"{files} files in FILES");
            else
                await ingest.WaitUntilAsync(() => ingest.FilesFinished >= files, $"{files} files reported");
            if (point.Length > 1)
            {
                var after = (ingest.MeanFileInterval ?? TimeSpan.FromMilliseconds(200)) * double.Parse(point[1], CultureInfo.InvariantCulture);
                var until = ingest.Started.Elapsed + after;
                await ingest.WaitUntilAsync(() => ingest.Started.Elapsed >= until || ingest.HasExited, $"{after.TotalMilliseconds:0} ms more");
            }
        }
        var exitedBefore = ingest.HasExited;
        var elapsed = ingest.Started.Elapsed;
        var reported = ingest.FilesFinished;
        await ingest.KillAsync();
        var killed = await ingest.WaitAsync();
        if (exitedBefore)
            return (killed, $"the run had ended by itself (exit {killed.ExitCode}) before the kill point {killPoint}");
        Assert.True(killed.ExitCode == 137, $"expected death by SIGKILL (137)\n{killed}");
        return (killed, $"SIGKILL at {elapsed.TotalSeconds:0.00} s ({killPoint}), {reported} files reported done");
    }

    /// <summary>True once the process holds a flock (the embedded store's data folder lock, taken before Garnet starts).</summary>
    private static bool HoldsFileLock(int processId)
    {
        var pid = processId.ToString(CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/locks").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f.Length > 4 && f[1] == "FLOCK" && f[4] == pid);
    }

    /// <summary>The re-run imports the files missing from FILES and skips the others.</summary>
    private static void AssertRerunCounts(PotironRun again, long inFiles, string detail)
    {
        var (imported, skipped) = FileCounts(again);
        Assert.True(skipped == inFiles && imported == ExactlyOnceFixture.FileCount - inFiles, $"{again}\nafter {detail}, {inFiles} in FILES");
    }

    /// <summary>The paths of the per-file lines "potiron: PATH: WHAT" whose WHAT starts with <paramref name="what"/>.</summary>
    private static HashSet<string> PathsWith(PotironRun run, string what) =>
        run.ErrorLines.Where(l => l.StartsWith("potiron: ", StringComparison.Ordinal) && l.Contains(what, StringComparison.Ordinal))
            .Select(l => l["potiron: ".Length..l.IndexOf(what, StringComparison.Ordinal)])
            .ToHashSet(StringComparer.Ordinal);

    private static (int Imported, int Skipped) FileCounts(PotironRun run)
    {
        var match = FilesLine().Match(run.StandardOutput);
        Assert.True(match.Success, run.ToString());
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"\(([0-9]+) imported, ([0-9]+) skipped, 0 failed, 0 damaged\)")]
    private static partial Regex FilesLine();
}
