using System.Globalization;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// The store goes away in the middle of an ingest: redis-server killed (SIGKILL) and started again on its append-only
/// file, the connection dropped by the server (CLIENT KILL), the server gone for longer than the retry budget. The run
/// retries with back-off, and whatever it could not commit fails cleanly and is imported by the next run; in the end the
/// store equals one clean run.
/// </summary>
[Collection(ExactlyOnceCollection.Name)]
public sealed partial class StoreOutageTests(ExactlyOnceFixture fixture)
{
    [Fact]
    public async Task Redis_killed_and_restarted_mid_ingest_is_waited_for_and_the_result_equals_one_clean_run()
    {
        await fixture.Redis.FlushAsync();
        PotironRun run;
        await using (var ingest = WatchedProcess.Start(fixture.RedisIngest, fixture.Scratch))
        {
            await ingest.WaitUntilAsync(async () => await fixture.Redis.FilesAsync() >= 8, "8 files in FILES");
            await fixture.Redis.KillAsync();
            // The restart comes once the ingest has met the dead server (its next command), so that it surely retries.
            await ingest.WaitUntilAsync(() => ingest.ErrorLines.Any(l => l.Contains("Lost Redis at", StringComparison.Ordinal)), "a lost-connection notice");
            await fixture.Redis.RestartAsync();
            run = await ingest.WaitAsync();
        }

        // 0 when every command got through within the retry budget (30 s), else 1 and the next run does the rest.
        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.DoesNotContain("   at ", run.StandardError);
        if (run.ExitCode == 0)
            Assert.Contains("answers again after", run.StandardError);
        var again = await FinishAsync(run);
        fixture.AssertClean(await fixture.Redis.DumpAsync(), $"{run}\n{again}");
        TestContext.Current.SendDiagnosticMessage($"restart: exit {run.ExitCode}, {FilesLine(run)}; then {again?.ExitCode.ToString(CultureInfo.InvariantCulture) ?? "no re-run"}");
    }

    [Fact]
    public async Task Connections_dropped_by_the_server_mid_ingest_are_retried_and_the_result_equals_one_clean_run()
    {
        await fixture.Redis.FlushAsync();
        var server = fixture.Redis.Admin.GetServer(fixture.Redis.Admin.GetEndPoints()[0]);
        PotironRun run;
        var drops = 0L;
        await using (var ingest = WatchedProcess.Start(fixture.RedisIngest, fixture.Scratch))
        {
            foreach (var files in (int[])[2, 6, 10, 14, 18, 22, 26, 30])
            {
                await ingest.WaitUntilAsync(async () => await fixture.Redis.FilesAsync() >= files || ingest.HasExited, $"{files} files in FILES");
                if (ingest.HasExited)
                    break;
                // Every client but this admin connection (SKIPME yes is the default): the ingest's connection, mid-command or idle.
                drops += (long)await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");
            }
            run = await ingest.WaitAsync();
        }

        Assert.True(drops >= 4, $"only {drops} connections dropped\n{run}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"({ExactlyOnceFixture.FileCount} imported, 0 skipped, 0 failed, 0 damaged)", run.StandardOutput);
        fixture.AssertClean(await fixture.Redis.DumpAsync(), run.ToString());
        var retries = run.ErrorLines.Count(l => l.Contains("Lost Redis at", StringComparison.Ordinal));
        TestContext.Current.SendDiagnosticMessage($"drop: {drops} connections killed, {retries} outages met by commands");
    }

    [Fact]
    public async Task Redis_gone_longer_than_the_retry_budget_fails_the_files_cleanly_with_exit_1_and_a_rerun_finishes_the_job()
    {
        await fixture.Redis.FlushAsync();
        PotironRun run;
        await using (var ingest = WatchedProcess.Start([.. fixture.RedisIngest, "--retry-for", "2"], fixture.Scratch))
        {
            await ingest.WaitUntilAsync(async () => await fixture.Redis.FilesAsync() >= 4, "4 files in FILES");
            await fixture.Redis.KillAsync();
            run = await ingest.WaitAsync();
        }
        await fixture.Redis.RestartAsync();

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.DoesNotContain("   at ", run.StandardError);
        Assert.Contains("--- potiron ingest ---", run.StandardOutput);
        var failed = FailedLine().Match(run.StandardOutput);
        Assert.True(failed.Success && int.Parse(failed.Groups[2].Value, CultureInfo.InvariantCulture) > 0, run.ToString());
        Assert.Contains("Lost the connection to Redis at", run.StandardError);
        var imported = int.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture);
        // What it reported as imported survived the kill (synced before each answer). A commit whose answer the kill cut
        // off may be there too, reported as failed: the next run skips it.
        var inFiles = await fixture.Redis.FilesAsync();
        Assert.True(inFiles >= imported, $"{inFiles} in FILES\n{run}");

        var again = await PotironProcess.RunAsync(fixture.RedisIngest, workingDirectory: fixture.Scratch, timeout: WatchedProcess.Patience);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"({ExactlyOnceFixture.FileCount - inFiles} imported, {inFiles} skipped, 0 failed, 0 damaged)", again.StandardOutput);
        fixture.AssertClean(await fixture.Redis.DumpAsync(), $"{run}\n{again}");
    }

    /// <summary>After a run that ended with exit 1 (a file failed after its retries), the same command again.</summary>
    private async Task<PotironRun?> FinishAsync(PotironRun run)
    {
        if (run.ExitCode == 0)
            return null;
        var again = await PotironProcess.RunAsync(fixture.RedisIngest, workingDirectory: fixture.Scratch, timeout: WatchedProcess.Patience);
        Assert.True(again.ExitCode == 0, again.ToString());
        return again;
    }

    private static string FilesLine(PotironRun run) => run.OutputLines.FirstOrDefault(l => l.StartsWith("files ", StringComparison.Ordinal)) ?? "(no stats)";

    [GeneratedRegex(@"\(([0-9]+) imported, 0 skipped, ([0-9]+) failed, 0 damaged\)")]
    private static partial Regex FailedLine();
}
