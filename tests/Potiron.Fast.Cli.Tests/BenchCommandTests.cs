using System.Text.Json;
using System.Text.Json.Nodes;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// <c>potiron bench</c> on the bundled samples: the JSON result is consistent with itself and with <c>potiron ingest</c>,
/// the gate passes and fails as told, and a baseline of other work, a missing file or a broken baseline is a usage
/// error. No speed is ever asserted: the gate tests use a baseline doctored far beyond any machine's noise.
/// </summary>
public sealed class BenchCommandTests
{
    /// <summary>Pinned, so that the results do not depend on the runner's core count (a baseline records -j).</summary>
    private static readonly string[] Work = ["-j", "2"];

    [Fact]
    public async Task Json_result_has_the_runs_asked_for_and_the_packets_that_ingest_counts()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "result.json");
        var ingest = await PotironProcess.RunAsync(["ingest", "-i", Samples.Folder, "--sink", "null", "--json", .. Work]);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        var version = await PotironProcess.RunAsync("--version");

        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, "--runs", "3", "--warmup", "1", "--json", "--output", output, .. Work]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var ingestJson = JsonDocument.Parse(ingest.StandardOutput);
        // JsonDocument.Parse refuses anything after the object: standard output is nothing but the result.
        using var json = JsonDocument.Parse(run.StandardOutput);
        var root = json.RootElement;
        Assert.Equal("potiron-bench/1", root.GetProperty("format").GetString());
        Assert.Equal(Assert.Single(version.OutputLines), root.GetProperty("version").GetString());
        Assert.Equal(1, root.GetProperty("warmupRuns").GetInt32());
        var counts = root.GetProperty("counts");
        Assert.Equal(ingestJson.RootElement.GetProperty("packets").GetInt64(), counts.GetProperty("packets").GetInt64());
        Assert.Equal(ingestJson.RootElement.GetProperty("bytes").GetInt64(), counts.GetProperty("bytes").GetInt64());
        Assert.Equal(Samples.Names.Length, counts.GetProperty("files").GetInt64());
        Assert.True(counts.GetProperty("increments").GetInt64() > 0, run.ToString());

        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(Samples.Names.Order(StringComparer.Ordinal), files.Select(f => f.GetProperty("name").GetString()!));
        foreach (var file in files)
            Assert.Equal(new FileInfo(Samples.PathOf(file.GetProperty("name").GetString()!)).Length, file.GetProperty("bytes").GetInt64());
        Assert.Equal(counts.GetProperty("bytes").GetInt64(), files.Sum(f => f.GetProperty("bytes").GetInt64()));
        Assert.Equal(2, root.GetProperty("options").GetProperty("workers").GetInt32());

        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(3, runs.Count);
        var packets = counts.GetProperty("packets").GetDouble();
        var bytes = counts.GetProperty("bytes").GetDouble();
        foreach (var measured in runs)
        {
            var seconds = measured.GetProperty("elapsedSeconds").GetDouble();
            Assert.True(seconds > 0, run.ToString());
            AssertClose(packets / seconds, measured.GetProperty("packetsPerSecond").GetDouble());
            AssertClose(bytes / 1e6 / seconds, measured.GetProperty("megabytesPerSecond").GetDouble());
            Assert.True(measured.GetProperty("cpuSeconds").GetDouble() >= 0, run.ToString());
        }
        var rates = runs.Select(r => r.GetProperty("packetsPerSecond").GetDouble()).Order().ToArray();
        var summary = root.GetProperty("packetsPerSecond");
        Assert.Equal(rates[1], summary.GetProperty("median").GetDouble());
        Assert.Equal(rates[0], summary.GetProperty("min").GetDouble());
        Assert.Equal(rates[^1], summary.GetProperty("max").GetDouble());

        // The file holds the same result as standard output.
        Assert.Equal(run.StandardOutput.Trim(), (await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken)).Trim());
        Assert.Contains($"potiron: result written to {output}", run.ErrorLines);
    }

    [Fact]
    public async Task Text_summary_names_the_medians_and_the_result_file_written_by_default_in_the_current_folder()
    {
        using var folder = new TempFolder();

        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, "--runs", "1", "--warmup", "0", .. Work], workingDirectory: folder.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("--- potiron bench ---", run.StandardOutput);
        Assert.Contains(run.OutputLines, l => l.StartsWith("packets/s      median ", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, l => l.StartsWith("MB/s           median ", StringComparison.Ordinal));
        var written = Assert.Single(Directory.GetFiles(folder.Path));
        Assert.Matches(@"^potiron-bench-\d{8}T\d{6}Z\.json$", Path.GetFileName(written));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(written, TestContext.Current.CancellationToken));
        Assert.Equal(1, json.RootElement.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task Gate_passes_against_its_own_result_with_a_generous_allowance()
    {
        using var folder = new TempFolder();
        var baseline = await BaselineAsync(folder);

        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, "--runs", "3", "--baseline", baseline, "--max-regression", "99.9",
            "--output", Path.Combine(folder.Path, "now.json"), .. Work]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var verdict = Assert.Single(run.OutputLines, l => l.StartsWith("baseline ", StringComparison.Ordinal));
        Assert.EndsWith("passed", verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_fails_with_exit_1_against_a_baseline_a_hundred_times_faster()
    {
        using var folder = new TempFolder();
        var baseline = await BaselineAsync(folder);
        var doctored = Path.Combine(folder.Path, "doctored.json");
        await DoctorAsync(baseline, doctored, root => root["packetsPerSecond"]!["median"] = root["packetsPerSecond"]!["median"]!.GetValue<double>() * 100);

        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, "--runs", "3", "--baseline", doctored, "--json",
            "--output", Path.Combine(folder.Path, "now.json"), .. Work]);

        Assert.True(run.ExitCode == 1, run.ToString());
        using var json = JsonDocument.Parse(run.StandardOutput);
        var comparison = json.RootElement.GetProperty("comparison");
        Assert.False(comparison.GetProperty("passed").GetBoolean());
        Assert.Equal(10, comparison.GetProperty("maxRegressionPercent").GetDouble());
        Assert.Contains(run.ErrorLines, l => l.StartsWith("potiron: ", StringComparison.Ordinal) && l.EndsWith("SLOWER than allowed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Baseline_of_other_inputs_exits_2_before_any_run()
    {
        using var folder = new TempFolder();
        var baseline = await BaselineAsync(folder);

        var run = await PotironProcess.RunAsync(["bench", Samples.PathOf(SampleCaptures.Sensor2), "--baseline", baseline,
            "--output", Path.Combine(folder.Path, "now.json"), .. Work]);

        AssertUsageError(run, "measured other work: inputs differ");
    }

    [Fact]
    public async Task Baseline_of_other_options_exits_2_unless_baseline_any()
    {
        using var folder = new TempFolder();
        var baseline = await BaselineAsync(folder);
        var output = Path.Combine(folder.Path, "now.json");

        var refused = await PotironProcess.RunAsync(["bench", Samples.Folder, "--baseline", baseline, "--output", output, "-j", "1"]);
        var allowed = await PotironProcess.RunAsync(["bench", Samples.Folder, "--baseline", baseline, "--output", output, "-j", "1",
            "--baseline-any", "--max-regression", "99.9", "--runs", "1"]);

        AssertUsageError(refused, "--jobs differs (2 in the baseline, 1 now)");
        Assert.True(allowed.ExitCode is 0 or 1, allowed.ToString());
        Assert.Contains(allowed.ErrorLines, l => l.StartsWith("potiron: warning: the baseline measured other work", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Baseline_that_counted_otherwise_exits_2()
    {
        using var folder = new TempFolder();
        var baseline = await BaselineAsync(folder);
        var doctored = Path.Combine(folder.Path, "doctored.json");
        await DoctorAsync(baseline, doctored, root => root["counts"]!["increments"] = root["counts"]!["increments"]!.GetValue<long>() + 1);

        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, "--runs", "1", "--baseline", doctored,
            "--output", Path.Combine(folder.Path, "now.json"), .. Work]);

        // Known only once a run has counted: the progress line of that run comes first.
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.StandardOutput);
        Assert.StartsWith("potiron: warm-up 1/1: ", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("measured other work: the counts differ", run.ErrorLines[^1], StringComparison.Ordinal);
        Assert.Equal(2, run.ErrorLines.Count);
    }

    [Fact]
    public async Task Missing_file_exits_2_naming_it()
    {
        var run = await PotironProcess.RunAsync(["bench", "/nonexistent/capture.pcap", .. Work]);

        AssertUsageError(run, "/nonexistent/capture.pcap");
    }

    [Fact]
    public async Task Malformed_baseline_exits_2()
    {
        using var folder = new TempFolder();
        var baseline = folder.Write("baseline.json", "{ \"format\": \"potiron-bench/1\", "u8.ToArray());

        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, "--baseline", baseline, .. Work]);

        AssertUsageError(run, "is not a potiron bench result");
    }

    [Fact]
    public async Task Input_read_only_in_part_exits_2()
    {
        using var folder = new TempFolder();
        var whole = await File.ReadAllBytesAsync(Samples.PathOf(SampleCaptures.Sensor1Day1), TestContext.Current.CancellationToken);
        var cut = folder.Write("cut.pcap", whole[..(whole.Length - 5)]);

        var run = await PotironProcess.RunAsync(["bench", cut, "--output", Path.Combine(folder.Path, "now.json"), .. Work]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.StandardOutput);
        Assert.Contains(run.ErrorLines, l => l.Contains("cut.pcap", StringComparison.Ordinal));
        Assert.EndsWith("a benchmark of part of the input is meaningless.", run.ErrorLines[^1], StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Path, "now.json")));
    }

    [Theory]
    [InlineData("--runs", "0")]
    [InlineData("--warmup", "-1")]
    [InlineData("--max-regression", "5")]
    public async Task Bad_numbers_exit_2(string option, string value)
    {
        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, option, value, .. Work]);

        AssertUsageError(run, option);
    }

    /// <summary>A quick real result of the samples to compare against.</summary>
    private static async Task<string> BaselineAsync(TempFolder folder)
    {
        var path = Path.Combine(folder.Path, "baseline.json");
        var run = await PotironProcess.RunAsync(["bench", Samples.Folder, "--runs", "3", "--output", path, .. Work]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return path;
    }

    private static async Task DoctorAsync(string source, string destination, Action<JsonNode> change)
    {
        var root = JsonNode.Parse(await File.ReadAllTextAsync(source, TestContext.Current.CancellationToken))!;
        change(root);
        await File.WriteAllTextAsync(destination, root.ToJsonString(), TestContext.Current.CancellationToken);
    }

    /// <summary>Exit 2, one line on standard error that says what is wrong (no stack trace), nothing on standard output.</summary>
    private static void AssertUsageError(PotironRun run, string expected)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("potiron: ", line, StringComparison.Ordinal);
        Assert.True(line.Contains(expected, StringComparison.Ordinal), run.ToString());
        Assert.Equal("", run.StandardOutput);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"expected {expected}, got {actual}");
}
