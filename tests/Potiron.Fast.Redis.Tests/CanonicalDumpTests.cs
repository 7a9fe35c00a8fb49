using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Redis.Tests;

[Collection(RedisServerCollection.Name)]
public sealed class CanonicalDumpTests(RedisServerFixture redis)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Agrees_with_the_python_script_on_the_same_database()
    {
        var script = RepositoryFolders.SharedFile("tools", "redis-canonical-dump.py");
        Assert.SkipWhen(script is null, "shared/tools/redis-canonical-dump.py is not beside the repository");
        var python = FindOnPath("python3");
        Assert.SkipWhen(python is null, "python3 is not installed");

        await redis.FlushAsync();
        await FillWithEveryKindOfValue(redis.Database);
        var output = Path.Combine(redis.Server.Directory, "python-dump.json");
        var start = new ProcessStartInfo(python!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { script!, "--unix", redis.SocketPath, "-o", output })
            start.ArgumentList.Add(argument);
        using (var process = Process.Start(start)!)
        {
            var errors = await process.StandardError.ReadToEndAsync(Token);
            await process.WaitForExitAsync(Token);
            Assert.True(process.ExitCode == 0, "redis-canonical-dump.py failed: " + errors);
        }

        var ours = await CanonicalDump.ReadAsync(redis.Multiplexer);
        var theirs = CanonicalDump.Load(output);
        var comparison = CanonicalDump.Compare(theirs, ours);
        Assert.True(comparison.Identical, comparison.ToString());
        Assert.Equal(await File.ReadAllTextAsync(output, Encoding.UTF8, Token), ours.Render());
    }

    [Fact]
    public void Renders_every_oracle_file_to_its_exact_text()
    {
        var shared = RepositoryFolders.Shared;
        Assert.SkipWhen(shared is null, "shared/ is not beside the repository");
        var files = Directory.EnumerateFiles(Path.Combine(shared!, "oracle"), "*.json", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}json{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var path in files)
            Assert.True(File.ReadAllText(path, Encoding.UTF8) == CanonicalDump.Load(path).Render(), "rendering differs for " + path);
    }

    [Fact]
    public void Comparison_words_differences_like_oracle_diff()
    {
        var expected = CanonicalDump.Parse("""
            {"db": 0, "format": "redis-canonical-dump/1", "keys": {
              "FILES": {"type": "set", "value": ["a.pcap", "b.pcap"]},
              "L": {"type": "list", "value": ["x", "y", "z"]},
              "P": {"type": "hash", "value": {"ck": "False", "format": "standard"}},
              "s:20240101:dport": {"type": "zset", "value": [["22", 5], ["80", 2.5]]},
              "gone": {"type": "string", "value": "v"},
              "T": {"type": "set", "value": []}
            }}
            """);
        var actual = CanonicalDump.Parse("""
            {"db": 0, "format": "redis-canonical-dump/1", "keys": {
              "FILES": {"type": "set", "value": ["a.pcap", "c.pcap"]},
              "L": {"type": "list", "value": ["x", "q"]},
              "P": {"type": "hash", "value": {"ck": "True", "format": "standard", "ipv6": "True"}},
              "s:20240101:dport": {"type": "zset", "value": [["22", 5.0], ["80", 3], ["443", 1]]},
              "new": {"type": "string", "value": "v"},
              "T": {"type": "list", "value": []}
            }}
            """);
        var comparison = CanonicalDump.Compare(expected, actual);
        Assert.False(comparison.Identical);
        Assert.Equal("1 missing keys, 1 extra keys, 1 type mismatches, 4 differing keys", comparison.Summary);
        Assert.Equal(
        [
            "  missing keys (1):", "    \"gone\" (string, 1 items)",
            "  extra keys (1):", "    \"new\" (string, 1 items)",
            "  key \"FILES\" (set): 2 members expected, 2 found",
            "    missing members (1):", "      \"b.pcap\"",
            "    extra members (1):", "      \"c.pcap\"",
            "  key \"L\" (list): 3 items expected, 2 found; first difference at index 1",
            "    expected from there: [\"y\", \"z\"]",
            "    found from there:    [\"q\"]",
            "  key \"P\" (hash): 2 fields expected, 3 found",
            "    extra fields [field, found value] (1):", "      [\"ipv6\", \"True\"]",
            "    different values [field, expected, found] (1):", "      [\"ck\", \"False\", \"True\"]",
            "  key \"T\": type set expected, list found",
            "  key \"s:20240101:dport\" (zset): 2 members expected, 3 found; score total 7.5 expected, 9 found",
            "    extra members [member, found score] (1):", "      [\"443\", 1]",
            "    different scores [member, expected, found] (1):", "      [\"80\", 2.5, 3]",
        ], comparison.Lines);

        var filtered = CanonicalDump.Compare(expected, actual, new DumpCompareOptions { OnlyKeys = [new Regex("^s:")], IgnoreKeys = [] });
        Assert.Equal("1 differing keys", filtered.Summary);
        Assert.True(CanonicalDump.Compare(expected, expected).Identical);
    }

    [Fact]
    public async Task Oracle_file_compares_identical_after_a_round_trip_through_redis()
    {
        var path = RepositoryFolders.SharedFile("oracle", "ck", "corpus-http-000-20241127174516.pcap.json");
        Assert.SkipWhen(path is null, "shared/oracle is not beside the repository");
        await redis.FlushAsync();
        var oracle = CanonicalDump.Load(path!);
        foreach (var (key, entry) in oracle.Keys)
        {
            var value = entry.Value!;
            switch (entry.Type)
            {
                case "zset":
                    await redis.Database.SortedSetAddAsync(key, value.AsArray().Select(p => new SortedSetEntry((string)p![0]!, (double)p[1]!)).ToArray());
                    break;
                case "set":
                    await redis.Database.SetAddAsync(key, value.AsArray().Select(v => (RedisValue)(string)v!).ToArray());
                    break;
                case "list":
                    await redis.Database.ListRightPushAsync(key, value.AsArray().Select(v => (RedisValue)(string)v!).ToArray());
                    break;
                case "hash":
                    await redis.Database.HashSetAsync(key, value.AsObject().Select(f => new HashEntry(f.Key, (string)f.Value!)).ToArray());
                    break;
            }
        }
        var comparison = CanonicalDump.Compare(oracle, await CanonicalDump.ReadAsync(redis.Multiplexer));
        Assert.True(comparison.Identical, comparison.ToString());
    }

    private static async Task FillWithEveryKindOfValue(IDatabase db)
    {
        await db.SortedSetAddAsync("z:ints", [new("b", 3), new("a", -1), new("c", 0)]);
        await db.SortedSetAddAsync("z:floats", [new("half", 2.5), new("tiny", 0.00001), new("big", 1e16), new("neg", -1.25e-7), new("third", 1.0 / 3)]);
        await db.SortedSetAddAsync("z:inf", [new("up", double.PositiveInfinity), new("down", double.NegativeInfinity), new("x", 1)]);
        await db.SortedSetAddAsync("z:bytes", [new(new byte[] { 0xff, 0x00, 0x41 }, 1), new("é", 2), new("😀", 3), new("\uE000", 4), new("Z", 5)]);
        await db.SetAddAsync("s:mixed", ["b", "a", "é", "A", "😀", "\uFFFD", "quote\"back\\slash", "tab\tnew\nline\u0001"]);
        await db.SetAddAsync("s:small", ["2", "10"]);
        await db.ListRightPushAsync("l:long", ["z", "y", "x", "w", "v", "u"]);
        await db.ListRightPushAsync("l:short", ["z", "a"]);
        await db.HashSetAsync("h:long", [new("f5", "5"), new("f1", "1"), new("F", "x"), new("é", "accent"), new("f3", "3"), new("😀", "emoji")]);
        await db.HashSetAsync("h:short", [new("b", "2"), new("a", "1")]);
        await db.HashSetAsync(new byte[] { 0x80, 0x81 }, [new(new byte[] { 0xfe }, new byte[] { 0xfd })]);
        await db.StringSetAsync("str", "plain");
        await db.StringSetAsync("expiring", "soon", TimeSpan.FromHours(1));
        await db.SortedSetAddAsync("clé:ünïcode", "m", 1);
        await db.StreamAddAsync("stream", [new NameValueEntry("k2", "v2"), new NameValueEntry("k1", "v1")], "1-1");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
