namespace Potiron.Fast.Cli.Tests;

/// <summary>What a user sees first: help and version, on standard output, exit 0.</summary>
public sealed class HelpAndVersionTests
{
    [Fact]
    public async Task Root_help_lists_the_commands_and_exits_0()
    {
        var run = await PotironProcess.RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ingest", run.StandardOutput);
        Assert.Contains("top", run.StandardOutput);
        Assert.Equal("", run.StandardError);
    }

    [Fact]
    public async Task Ingest_help_names_the_originals_options_and_exits_0()
    {
        var run = await PotironProcess.RunAsync("ingest", "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        // The spellings of the original's parse_pcap_files.py, and our time-zone option.
        foreach (var option in new[] { "-i,", "-u,", "-ff,", "-ck,", "--tz", "--data-dir", "--sink", "--json", "--stdin-name" })
            Assert.True(run.StandardOutput.Contains(option, StringComparison.Ordinal), $"help does not mention {option}\n{run}");
        Assert.Equal("", run.StandardError);
    }

    [Fact]
    public async Task Version_prints_one_line_and_exits_0()
    {
        var run = await PotironProcess.RunAsync("--version");

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(run.OutputLines);
        Assert.Matches(@"^\d+\.\d+\.\d+", line);
    }

    [Fact]
    public async Task Version_fast_path_prints_what_System_CommandLine_prints()
    {
        // `--version` alone skips System.CommandLine for start-up time; its text must stay the informational version,
        // which is what System.CommandLine prints (and what `potiron bench` records).
        var run = await PotironProcess.RunAsync("--version");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(System.Diagnostics.FileVersionInfo.GetVersionInfo(PotironProcess.AssemblyPath).ProductVersion, Assert.Single(run.OutputLines));
        Assert.Equal("", run.StandardError);
    }
}
