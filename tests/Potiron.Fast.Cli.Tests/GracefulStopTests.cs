using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// SIGINT and SIGTERM stop <c>potiron ingest</c> gracefully: no new file, the file being read abandoned with nothing of
/// it written, the files read committed, the stats block printed, exit code 130 (SIGINT) or 143 (SIGTERM); the same
/// command run again finishes the job, and the store then equals one clean run.
/// </summary>
[Collection(ExactlyOnceCollection.Name)]
public sealed partial class GracefulStopTests(ExactlyOnceFixture fixture)
{
    [Fact]
    public async Task Sigint_against_redis_commits_what_was_read_prints_the_stats_exits_130_and_a_rerun_finishes_the_job()
    {
        await fixture.Redis.FlushAsync();
        PotironRun stopped;
        await using (var ingest = WatchedProcess.Start(fixture.RedisIngest, fixture.Scratch))
        {
            await ingest.WaitUntilAsync(async () => await fixture.Redis.FilesAsync() >= 5, "5 files in FILES");
            await ingest.SignalAsync("INT");
            stopped = await ingest.WaitAsync();
        }

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.Contains("SIGINT: stopping", stopped.StandardError);
        Assert.DoesNotContain("   at ", stopped.StandardError);
        var (imported, notDone) = StoppedFiles(stopped, "SIGINT");
        // Exactly the files it reports as imported are in FILES: none half-done, none left out.
        Assert.True(imported == await fixture.Redis.FilesAsync(), stopped.ToString());
        Assert.True(imported >= 5 && notDone >= 1 && imported + notDone == ExactlyOnceFixture.FileCount, stopped.ToString());

        var again = await PotironProcess.RunAsync(fixture.RedisIngest, workingDirectory: fixture.Scratch, timeout: WatchedProcess.Patience);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"({notDone} imported, {imported} skipped, 0 failed, 0 damaged)", again.StandardOutput);
        fixture.AssertClean(await fixture.Redis.DumpAsync(), $"{stopped}\n{again}");
    }

    [Fact]
    public async Task Sigterm_against_the_embedded_store_checkpoints_what_was_committed_exits_143_and_a_rerun_finishes_the_job()
    {
        var dataDirectory = Path.Combine(fixture.Scratch, "data-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            PotironRun stopped;
            await using (var ingest = WatchedProcess.Start(fixture.EmbeddedIngest(dataDirectory), fixture.Scratch))
            {
                await ingest.WaitUntilAsync(() => ingest.FilesFinished >= 5, "5 files reported");
                await ingest.SignalAsync("TERM");
                stopped = await ingest.WaitAsync();
            }

            Assert.True(stopped.ExitCode == 143, stopped.ToString());
            Assert.DoesNotContain("   at ", stopped.StandardError);
            var (imported, notDone) = StoppedFiles(stopped, "SIGTERM");
            Assert.True(imported >= 5 && notDone >= 1 && imported + notDone == ExactlyOnceFixture.FileCount, stopped.ToString());

            var again = await PotironProcess.RunAsync(fixture.EmbeddedIngest(dataDirectory), workingDirectory: fixture.Scratch, timeout: WatchedProcess.Patience);

            // The graceful stop checkpointed the store: what it committed is there and skipped now.
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains($"({notDone} imported, {imported} skipped, 0 failed, 0 damaged)", again.StandardOutput);
            fixture.AssertClean(await ExactlyOnceFixture.DumpEmbeddedAsync(dataDirectory), $"{stopped}\n{again}");
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Sigint_while_standard_input_is_read_abandons_it_and_writes_nothing_of_it()
    {
        // Standard input that never ends: the read is certainly in progress when the signal comes, and blocked in a
        // read that no check of the token can reach. The stop must neither wait for the writer nor commit half a capture.
        await fixture.Redis.FlushAsync();
        var capture = File.ReadAllBytes(Path.Combine(fixture.Captures, KillCaptures.NameOf(0)));
        const string name = "kill-sensor-9-20240314000000.cap";
        PotironRun stopped;
        await using (var ingest = WatchedProcess.Start(["ingest", "-i", "-", "--stdin-name", name, "-u", fixture.Redis.SocketPath, "--json"], fixture.Scratch))
        {
            await ingest.StandardInput.WriteAsync(capture.AsMemory(0, capture.Length / 2), TestContext.Current.CancellationToken);
            await ingest.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            // PARAMETERS is written when the store is open, just before the read starts.
            await ingest.WaitUntilAsync(async () => await fixture.Redis.Admin.GetDatabase().KeyExistsAsync("PARAMETERS"), "PARAMETERS written");
            await ingest.SignalAsync("INT");
            stopped = await ingest.WaitAsync();
        }

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        using var json = JsonDocument.Parse(stopped.StandardOutput);
        Assert.True(json.RootElement.GetProperty("stopped").GetBoolean(), stopped.ToString());
        Assert.Equal("SIGINT", json.RootElement.GetProperty("stoppedBy").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("filesNotDone").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("filesImported").GetInt32());
        Assert.Equal("Cancelled", json.RootElement.GetProperty("perFile")[0].GetProperty("outcome").GetString());
        Assert.Contains("stopped while reading", stopped.StandardError);
        // Only what opening the store writes; not one count, not FILES.
        var keys = (await fixture.Redis.DumpAsync()).Keys.Keys.Order(StringComparer.Ordinal);
        Assert.Equal(["FIELDS", "JSON_FIELDS", "PARAMETERS"], keys);
    }

    /// <summary>The stats block of a stopped run: its files line and its "stopped" line.</summary>
    private static (int Imported, int NotDone) StoppedFiles(PotironRun run, string signal)
    {
        Assert.Contains("--- potiron ingest ---", run.StandardOutput);
        var match = StoppedFilesLine().Match(run.StandardOutput);
        Assert.True(match.Success, run.ToString());
        var notDone = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.Contains($"stopped        by {signal}: {notDone} files not done, nothing of them written; run the same command again to finish", run.StandardOutput);
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), notDone);
    }

    [GeneratedRegex(@"\(([0-9]+) imported, 0 skipped, 0 failed, 0 damaged, ([0-9]+) not done\)")]
    private static partial Regex StoppedFilesLine();
}
