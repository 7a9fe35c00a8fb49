using System.Text.Json.Nodes;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// File names a shell would read as code, quotes, newlines, ':' and bytes that are not UTF-8: the real
/// <c>potiron ingest</c> on a real redis-server counts each file under the sensor its name gives, records its basename
/// in FILES once, runs nothing (the marker a shell would create never appears), and keeps every message on one line.
/// A sensor that would break the key layout (':' or a control character in it) fails that file only.
/// </summary>
public sealed class HostileNamesTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    /// <summary>Stands for a file name a shell would create if it ran the name; replaced by a unique one per run.</summary>
    private const string Marker = "MARKER";

    private static readonly byte[] Sample = File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor1Day1));

    /// <summary>Each name, and the sensor it gives.</summary>
    private static readonly (string Name, string Sensor)[] Names =
    [
        ("honeypot-with space-0-20240314000000.cap", "honeypot-with space-0"),
        ("honeypot-it's-0-20240314000000.cap", "honeypot-it's-0"),
        ("honeypot-say \"hi\"-0-20240314000000.cap", "honeypot-say \"hi\"-0"),
        ("honeypot-$(touch MARKER)-0-20240314000000.cap", "honeypot-$(touch MARKER)-0"),
        ("honeypot-`touch MARKER`-0-20240314000000.cap", "honeypot-`touch MARKER`-0"),
        ("honeypot-a;touch MARKER|b&>c-0-20240314000000.cap", "honeypot-a;touch MARKER|b&>c-0"),
        ("honeypot-glob*?[x]-0-20240314000000.cap", "honeypot-glob*?[x]-0"),
        ("honeypot-ünïcødé-0-20240314000000.cap", "honeypot-ünïcødé-0"),
        ("honeypot-newline-0-20240314\n000000.cap", "honeypot-newline-0"),
        ("honeypot-colon-0-20240314T00:00:00.cap", "honeypot-colon-0"),
    ];

    public static TheoryData<string, string> ShellNames => new(Names);

    [Theory]
    [MemberData(nameof(ShellNames))]
    public async Task Name_is_counted_under_its_sensor_recorded_once_and_never_run(string template, string sensorTemplate)
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        var marker = "pwned_" + Guid.NewGuid().ToString("N")[..12];
        var name = template.Replace(Marker, marker, StringComparison.Ordinal);
        var path = folder.Write(name, Sample);

        // The capture's folder is the working directory: a shell running the name would create the marker there.
        var run = await PotironProcess.RunAsync(["ingest", "-i", path, "-u", redis.SocketPath], workingDirectory: folder.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        await AssertStoreHoldsAsync(run, (sensorTemplate.Replace(Marker, marker, StringComparison.Ordinal), name));
        Assert.Equal([name], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), marker)), run.ToString());
        AssertOneLinePerMessage(run);
    }

    [Fact]
    public async Task Folder_of_hostile_names_and_names_that_are_not_utf8_is_walked_and_each_file_counted_once()
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        var expected = new List<(string Sensor, string FileName)>();
        foreach (var (name, sensor) in Names)
        {
            folder.Write(name, Sample);
            expected.Add((sensor, name));
        }
        // Two names that differ only in bytes that are not UTF-8: .NET lists both as "honeypot-bytes\uFFFD\uFFFD-0-…".
        var rawNames = new List<byte[]>();
        foreach (byte[] invalid in (byte[][])[[0xff, 0xfe], [0xfe, 0xff]])
        {
            var plain = folder.Write("plain.cap", Sample);
            rawNames.Add(RawFileName.RenameTo(plain, [.. "honeypot-bytes"u8, .. invalid, .. "-0-20240314000000.cap"u8]));
        }
        expected.Add(("honeypot-bytes\\xff\\xfe-0", "honeypot-bytes\\xff\\xfe-0-20240314000000.cap"));
        expected.Add(("honeypot-bytes\\xfe\\xff-0", "honeypot-bytes\\xfe\\xff-0-20240314000000.cap"));
        try
        {
            var run = await PotironProcess.RunAsync(["ingest", "-i", folder.Path, "-u", redis.SocketPath], workingDirectory: folder.Path);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"({expected.Count} imported, 0 skipped, 0 failed, 0 damaged)", run.StandardOutput);
            await AssertStoreHoldsAsync(run, [.. expected]);
            Assert.Contains($"potiron: {Path.Join(folder.Path, "honeypot-bytes\\xff\\xfe-0-20240314000000.cap")}: imported: 412 packets, 378 counted", run.ErrorLines);
            Assert.Contains($"potiron: {Path.Join(folder.Path, "honeypot-newline-0-20240314\\x0a000000.cap")}: imported: 412 packets, 378 counted", run.ErrorLines);
            AssertOneLinePerMessage(run);

            // The files read by their bytes are in FILES by their \xHH text: a second run skips them.
            var again = await PotironProcess.RunAsync(["ingest", "-i", folder.Path, "-u", redis.SocketPath], workingDirectory: folder.Path);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains($"(0 imported, {expected.Count} skipped, 0 failed, 0 damaged)", again.StandardOutput);
        }
        finally
        {
            foreach (var raw in rawNames)
                RawFileName.Delete(raw);
        }
    }

    [Fact]
    public async Task Name_beginning_with_a_dash_is_read_when_given_after_double_dash()
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        const string name = "-x-sensor-0-20240314000000.cap";
        folder.Write(name, Sample);

        var run = await PotironProcess.RunAsync(["ingest", "-u", redis.SocketPath, "--", name], workingDirectory: folder.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        // Five parts on '-': not potiron's form, so the sensor is the name without its extension (the original: None).
        await AssertStoreHoldsAsync(run, ("-x-sensor-0-20240314000000", name));
        Assert.Contains($"potiron: {name}: imported: 412 packets, 378 counted", run.ErrorLines);
    }

    [Fact]
    public async Task Colon_in_the_sensor_part_fails_that_file_with_one_line_and_the_others_are_imported()
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        var path = folder.Write("pre:fix-sensor-0-20240314000000.cap", Sample);

        var run = await PotironProcess.RunAsync("ingest", "-i", path, Samples.PathOf(SampleCaptures.Sensor2), "-u", redis.SocketPath);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"potiron: {path}: FAILED", run.ErrorLines);
        Assert.Contains(
            $"potiron: {path}: not read: the sensor name 'pre:fix-sensor-0' holds ':', which separates the parts of potiron's keys " +
            "({sensor}:{day}:{field}) (derived from the file name); rename the file or give --sensor NAME.", run.ErrorLines);
        Assert.Contains("(1 imported, 0 skipped, 1 failed, 0 damaged)", run.StandardOutput);
        var comparison = CanonicalDump.Compare(Samples.Golden(SampleCaptures.Sensor2), await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{comparison}\n{run}");
        AssertOneLinePerMessage(run);
    }

    [Fact]
    public async Task Colon_in_the_sensor_part_is_imported_under_the_sensor_option()
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        const string name = "pre:fix-sensor-0-20240314000000.cap";
        var path = folder.Write(name, Sample);

        var run = await PotironProcess.RunAsync("ingest", "-i", path, "--sensor", "renamed sensor 0", "-u", redis.SocketPath);

        Assert.True(run.ExitCode == 0, run.ToString());
        await AssertStoreHoldsAsync(run, ("renamed sensor 0", name));
    }

    [Fact]
    public async Task Newline_in_the_sensor_part_fails_that_file_with_the_newline_escaped()
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        var path = folder.Write("honeypot-new\nline-0-20240314000000.cap", Sample);
        var shown = path.Replace("\n", "\\x0a", StringComparison.Ordinal);

        var run = await PotironProcess.RunAsync("ingest", "-i", path, "-u", redis.SocketPath);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(
            $"potiron: {shown}: not read: the sensor name 'honeypot-new\\x0aline-0' holds a control character " +
            "(derived from the file name); rename the file or give --sensor NAME.", run.ErrorLines);
        Assert.Empty(await redis.Database.SetMembersAsync("FILES"));
        AssertOneLinePerMessage(run);
    }

    /// <summary>
    /// The store holds exactly what the original wrote for the sample, once per (sensor, file): the sample's keys under
    /// each sensor, and every file name in FILES.
    /// </summary>
    private async Task AssertStoreHoldsAsync(PotironRun run, params (string Sensor, string FileName)[] files)
    {
        const string sampleSensor = "honeypot-sensor1-0";
        var golden = Samples.Golden(SampleCaptures.Sensor1Day1);
        var keys = new Dictionary<string, CanonicalEntry>(StringComparer.Ordinal);
        foreach (var (key, entry) in golden.Keys)
        {
            if (key.StartsWith(sampleSensor + ":", StringComparison.Ordinal) || key.StartsWith(sampleSensor + "_", StringComparison.Ordinal))
            {
                foreach (var (sensor, _) in files)
                    keys[sensor + key[sampleSensor.Length..]] = entry;
            }
            else if (key != "FILES")
            {
                keys[key] = entry;
            }
        }
        keys["FILES"] = new CanonicalEntry("set", new JsonArray([.. files.Select(f => f.FileName).Order(StringComparer.Ordinal).Select(n => JsonValue.Create(n))]));

        var actual = await CanonicalDump.ReadAsync(redis.Multiplexer);
        Assert.Equal(files.Length, await redis.Database.SetLengthAsync("FILES"));
        var comparison = CanonicalDump.Compare(new CanonicalDump(0, keys), actual, DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{comparison}\n{run}");
    }

    /// <summary>Every line on standard error is a message of its own: no name broke one in two.</summary>
    private static void AssertOneLinePerMessage(PotironRun run)
    {
        Assert.All(run.ErrorLines, line => Assert.StartsWith("potiron: ", line));
        Assert.DoesNotContain("   at ", run.StandardError);
        Assert.DoesNotContain("Exception", run.StandardError);
    }
}
