using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// The store a user gets with neither <c>-u</c> nor <c>--redis</c>: Garnet inside the process, persisted in
/// <c>--data-dir</c> when the process ends and recovered by the next one, and locked against a second process.
/// </summary>
public sealed partial class EmbeddedStoreTests
{
    private const string StdinName = "honeypot-sensor9-0-20240314000000.cap";

    [Fact]
    public async Task Ingest_holds_the_data_folder_against_a_second_process_and_the_next_process_reads_what_it_stored()
    {
        // One flow, because every process on the embedded store starts Garnet (about a second of CPU): an ingest of the
        // samples plus standard input holds the folder; a second process is refused meanwhile; once the ingest has
        // ended (checkpoint), a third process recovers the store and prints the top values.
        // The ingest waits on standard input, which the test keeps open: it holds the folder exactly as long as the test
        // wants, so the race is deterministic (a long capture would be a race against the clock).
        if (!File.Exists("/proc/locks"))
            Assert.Skip("needs /proc/locks (Linux) to see when the ingest holds the data folder");
        using var folder = new TempFolder();
        var dataDirectory = Path.Combine(folder.Path, "data");
        await using var holder = PotironProcess.Start(["ingest", "-i", Samples.Folder, "-", "--stdin-name", StdinName, "--data-dir", dataDirectory]);
        await WaitForLockAsync(holder);

        var refused = await PotironProcess.RunAsync("top", "--data-dir", dataDirectory);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.DoesNotContain("   at ", refused.StandardError);
        Assert.Equal(
            $"potiron: The data folder {dataDirectory} is in use by another potiron process; wait for it to finish or choose another data folder.",
            Assert.Single(refused.ErrorLines));
        Assert.Equal("", refused.StandardOutput);

        // The holder is unharmed by the refused process.
        await using (var input = holder.StandardInput)
            await input.WriteAsync(File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor1Day1)), TestContext.Current.CancellationToken);
        var ingest = await holder.WaitAsync(PotironProcess.DefaultTimeout);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        Assert.Contains("(4 imported, 0 skipped, 0 failed, 0 damaged)", ingest.StandardOutput);

        var top = await PotironProcess.RunAsync("top", "--data-dir", dataDirectory);

        Assert.True(top.ExitCode == 0, top.ToString());
        var shown = ParseTop(top);
        // Each sensor's latest day, and for every field the value the original's counts put first.
        var expected = TopValuesFromGolden();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), shown.Keys.Order(StringComparer.Ordinal));
        foreach (var (section, fields) in expected)
        {
            Assert.Equal(fields.Keys.Order(StringComparer.Ordinal), shown[section].Keys.Order(StringComparer.Ordinal));
            foreach (var (field, (best, members)) in fields)
            {
                var (member, score) = shown[section][field];
                Assert.True(score == best && members.Contains(member),
                    $"{section} {field}: shown {member} ({score}), expected one of [{string.Join(", ", members)}] ({best})\n{top}");
            }
        }
    }

    /// <summary>Waits until the process holds a flock (the data folder's lock; Garnet starts only after it).</summary>
    private static async Task WaitForLockAsync(PotironProcess process)
    {
        var clock = Stopwatch.StartNew();
        var pid = process.Id.ToString(CultureInfo.InvariantCulture);
        while (!File.ReadLines("/proc/locks").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                   .Any(f => f.Length > 4 && f[1] == "FLOCK" && f[4] == pid))
        {
            if (process.HasExited || clock.Elapsed > PotironProcess.DefaultTimeout)
                Assert.Fail("the ingest never locked its data folder:\n" + await process.WaitAsync(TimeSpan.FromSeconds(5)));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary><c>potiron top</c>'s output: "SENSOR DAY" headers, then "  FIELD  member (score)  ..." lines → the first value.</summary>
    private static Dictionary<string, Dictionary<string, (string Member, long Score)>> ParseTop(PotironRun run)
    {
        var sections = new Dictionary<string, Dictionary<string, (string, long)>>(StringComparer.Ordinal);
        Dictionary<string, (string, long)>? current = null;
        foreach (var line in run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith(' '))
            {
                sections[line.Trim()] = current = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
                continue;
            }
            Assert.True(current is not null, run.ToString());
            var match = TopLine().Match(line);
            Assert.True(match.Success, $"unexpected line '{line}'\n{run}");
            current[match.Groups[1].Value] = (match.Groups[2].Value, long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture));
        }
        return sections;
    }

    /// <summary>
    /// From the original's dumps of what the ingest read (testdata/golden/standard): for each sensor's latest day, each
    /// field's highest total count and the members that have it (a tie may be shown either way).
    /// </summary>
    private static Dictionary<string, Dictionary<string, (long Best, HashSet<string> Members)>> TopValuesFromGolden()
    {
        var totals = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var days = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        // Standard input carried the first sample again, under sensor9's name.
        var sensor9 = CanonicalDump.Parse(Samples.Golden(SampleCaptures.Sensor1Day1).Render()
            .Replace("honeypot-sensor1-0", "honeypot-sensor9-0", StringComparison.Ordinal));
        foreach (var dump in Samples.Names.Select(name => Samples.Golden(name)).Append(sensor9))
        {
            foreach (var (key, entry) in dump.Keys)
            {
                if (key.EndsWith("_DAYS", StringComparison.Ordinal))
                {
                    var set = days.TryGetValue(key[..^5], out var known) ? known : days[key[..^5]] = new SortedSet<string>(StringComparer.Ordinal);
                    foreach (var day in entry.Value!.AsArray())
                        set.Add((string)day!);
                }
                else if (entry.Type == "zset")
                {
                    var members = totals.TryGetValue(key, out var found) ? found : totals[key] = new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var pair in entry.Value!.AsArray())
                    {
                        var member = (string)pair![0]!;
                        members[member] = members.GetValueOrDefault(member) + pair[1]!.GetValue<long>();
                    }
                }
            }
        }
        var expected = new Dictionary<string, Dictionary<string, (long, HashSet<string>)>>(StringComparer.Ordinal);
        foreach (var (sensor, sensorDays) in days)
        {
            var prefix = $"{sensor}:{sensorDays.Max}:";
            var fields = expected[$"{sensor} {sensorDays.Max}"] = new Dictionary<string, (long, HashSet<string>)>(StringComparer.Ordinal);
            foreach (var (key, members) in totals.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                var best = members.Values.Max();
                fields[key[prefix.Length..]] = (best, members.Where(m => m.Value == best).Select(m => m.Key).ToHashSet(StringComparer.Ordinal));
            }
        }
        return expected;
    }

    [GeneratedRegex(@"^  (\S+) +(\S+) \(([0-9]+)\)")]
    private static partial Regex TopLine();
}
