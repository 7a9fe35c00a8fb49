using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// The ways a run's result leaves the program: the text stats block, <c>--json</c> (machine-readable, stdout only),
/// standard input as a capture (<c>-i -</c>), and <c>--sink null</c> (count without storing). Its own redis-server,
/// flushed by each test.
/// </summary>
public sealed partial class OutputModeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Json_stats_are_the_only_stdout_and_agree_with_the_text_stats()
    {
        await redis.FlushAsync();
        var text = await PotironProcess.RunAsync("ingest", "-i", Samples.Folder, "-u", redis.SocketPath);
        Assert.True(text.ExitCode == 0, text.ToString());
        await redis.FlushAsync();

        var run = await PotironProcess.RunAsync("ingest", "-i", Samples.Folder, "-u", redis.SocketPath, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        // JsonDocument.Parse refuses anything after the object, so this is "nothing but JSON".
        using var json = JsonDocument.Parse(run.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(TextNumber(text, "files"), root.GetProperty("files").GetInt64());
        Assert.Equal(TextNumber(text, "packets"), root.GetProperty("packets").GetInt64());
        Assert.Equal(TextNumber(text, "counted"), root.GetProperty("packetsCounted").GetInt64());
        Assert.Equal(TextNumber(text, "bytes"), root.GetProperty("bytes").GetInt64());
        Assert.Equal(3, root.GetProperty("filesImported").GetInt32());
        // Into a fresh store every key is new: variadic ZADD, at most one command a member, at least one a key.
        var members = root.GetProperty("members").GetInt64();
        Assert.Equal(members, root.GetProperty("storeMembers").GetInt64());
        Assert.InRange(root.GetProperty("storeCountCommands").GetInt64(), 1, members - 1);
        Assert.Contains(text.StandardOutput.Split('\n'), l => l.StartsWith("store          ", StringComparison.Ordinal) && l.Contains($" for {members:N0} members (", StringComparison.Ordinal));

        var perFile = root.GetProperty("perFile").EnumerateArray().ToList();
        Assert.Equal(Samples.Names.Order(StringComparer.Ordinal), perFile.Select(f => f.GetProperty("fileName").GetString()!).Order(StringComparer.Ordinal));
        foreach (var file in perFile)
        {
            var path = file.GetProperty("path").GetString()!;
            Assert.Equal("Imported", file.GetProperty("outcome").GetString());
            // The text mode's per-file line on stderr: "potiron: PATH: imported: 412 packets, 378 counted".
            var line = Assert.Single(text.ErrorLines, l => l.StartsWith($"potiron: {path}: imported: ", StringComparison.Ordinal));
            var numbers = PerFileLine().Match(line);
            Assert.True(numbers.Success, line);
            Assert.Equal(ParseNumber(numbers.Groups[1].Value), file.GetProperty("packets").GetInt64());
            Assert.Equal(ParseNumber(numbers.Groups[2].Value), file.GetProperty("packetsCounted").GetInt64());
        }
        Assert.Equal(root.GetProperty("packets").GetInt64(), perFile.Sum(f => f.GetProperty("packets").GetInt64()));
        Assert.Equal(root.GetProperty("packetsCounted").GetInt64(), perFile.Sum(f => f.GetProperty("packetsCounted").GetInt64()));
    }

    [Fact]
    public async Task Standard_input_is_ingested_under_the_stdin_name_and_its_sensor()
    {
        await redis.FlushAsync();
        const string name = "honeypot-sensor9-0-20240314000000.cap";

        var run = await PotironProcess.RunAsync(
            ["ingest", "-i", "-", "--stdin-name", name, "-u", redis.SocketPath],
            standardInput: File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor1Day1)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([name], (await redis.Database.SetMembersAsync("FILES")).Select(m => m.ToString()));
        // The original's dump of the same bytes under their own name, with the sensor and file name of the new one.
        var golden = CanonicalDump.Parse(Samples.Golden(SampleCaptures.Sensor1Day1).Render().Replace("honeypot-sensor1-0", "honeypot-sensor9-0", StringComparison.Ordinal));
        var comparison = CanonicalDump.Compare(golden, await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{comparison}\n{run}");
    }

    [Fact]
    public async Task Null_sink_counts_and_prints_the_stats_but_writes_to_no_store()
    {
        await redis.FlushAsync();
        using var workingFolder = new TempFolder();

        // -u is given and must be ignored; without it the embedded store would have made ./potiron-data.
        var run = await PotironProcess.RunAsync(["ingest", "-i", Samples.Folder, "--sink", "null", "-u", redis.SocketPath],
            workingDirectory: workingFolder.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("--- potiron ingest ---", run.StandardOutput);
        Assert.Contains("(3 imported, 0 skipped, 0 failed, 0 damaged)", run.StandardOutput);
        Assert.True(TextNumber(run, "packets") > 0, run.ToString());
        Assert.True(TextNumber(run, "counted") > 0, run.ToString());
        Assert.Equal(0, await redis.AdminServer.DatabaseSizeAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingFolder.Path));
    }

    /// <summary>A number of the text stats block, e.g. <c>packets        1,032</c>.</summary>
    private static long TextNumber(PotironRun run, string label)
    {
        var line = Assert.Single(run.OutputLines, l => Regex.IsMatch(l, $"^{label} +[0-9]"));
        return ParseNumber(Regex.Match(line, @"^\S+ +([0-9,]+)").Groups[1].Value);
    }

    private static long ParseNumber(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [GeneratedRegex(@": imported: ([0-9,]+) packets, ([0-9,]+) counted$")]
    private static partial Regex PerFileLine();
}
