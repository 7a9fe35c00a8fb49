using System.Text.Json.Nodes;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// Turns an oracle dump of a standard or <c>-ck</c> run back into the <see cref="FileCounts"/> that produced it, so that
/// committing them through the sink must rebuild the oracle database exactly.
/// </summary>
internal static class OracleCounts
{
    public static string OracleFolder(string mode) => RepositoryFolders.Shared is { } shared ? Path.Combine(shared, "oracle", mode) : "";

    /// <summary>The oracle dumps of one mode whose run completed (a <c>FILES</c> entry exists), or empty without shared/.</summary>
    public static IEnumerable<string> CompletedRuns(string mode)
    {
        var folder = OracleFolder(mode);
        if (!Directory.Exists(folder))
            return [];
        return Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal)
            .Where(path => CanonicalDump.Load(path).Keys.ContainsKey(PotironKeys.Files));
    }

    public static FileCounts FromDump(CanonicalDump dump)
    {
        var fileName = (string)((JsonArray)dump.Keys[PotironKeys.Files].Value!).Single()!;
        var daysKey = dump.Keys.Keys.Single(k => PotironKeys.TryGetSensorOfDaysKey(k, out _));
        PotironKeys.TryGetSensorOfDaysKey(daysKey, out var sensor);
        var lastPart = fileName.Split('-')[^1];
        var fileNameDay = lastPart.Split('.')[0][..Math.Min(8, lastPart.Split('.')[0].Length)];

        var groups = new List<CountGroup>();
        foreach (var (key, entry) in dump.Keys.Where(k => k.Value.Type == "zset"))
        {
            var parts = key.Split(':');
            Assert.True(parts.Length is 3 or 4, "unexpected zset key " + key);
            Assert.True(FieldCatalogue.TryGetField(parts[^1], out var field), "unknown field in " + key);
            var members = ((JsonArray)entry.Value!).Select(p => new MemberCount((string)p![0]!, (long)p[1]!)).ToArray();
            groups.Add(new CountGroup(parts[^2], parts.Length == 4 ? parts[1] : null, field, members));
        }
        return new FileCounts
        {
            Sensor = sensor,
            FileName = fileName,
            FileNameDay = fileNameDay,
            Days = Strings(dump, daysKey),
            Protocols = dump.Keys.ContainsKey(PotironKeys.Protocols) ? Strings(dump, PotironKeys.Protocols) : [],
            Groups = groups,
        };
    }

    private static string[] Strings(CanonicalDump dump, string key) =>
        ((JsonArray)dump.Keys[key].Value!).Select(v => (string)v!).ToArray();
}
