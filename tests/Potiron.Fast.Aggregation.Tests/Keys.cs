namespace Potiron.Fast.Aggregation.Tests;

/// <summary>Reads <see cref="FileCounts"/> back as potiron's zsets, keyed like Redis, for comparisons.</summary>
internal static class Keys
{
    public static Dictionary<string, Dictionary<string, long>> Zsets(FileCounts counts)
    {
        var zsets = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var group in counts.Groups)
        {
            var key = group.ProtocolName is null
                ? $"{counts.Sensor}:{group.Day}:{FieldCatalogue.JsonName(group.Field)}"
                : $"{counts.Sensor}:{group.ProtocolName}:{group.Day}:{FieldCatalogue.JsonName(group.Field)}";
            Assert.False(zsets.ContainsKey(key), $"group {key} appears twice");
            var members = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var member in group.Members)
            {
                Assert.True(member.Count > 0, $"{key} {member.Member} has count {member.Count}");
                Assert.True(members.TryAdd(member.Member, member.Count), $"{key} lists {member.Member} twice");
            }
            zsets.Add(key, members);
        }
        return zsets;
    }

    /// <summary>Parses the reference's notation, <c>member:score member:score</c> (the score follows the last colon).</summary>
    public static Dictionary<string, long> Parse(string listing)
    {
        var members = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in listing.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = item.LastIndexOf(':');
            members.Add(item[..colon], long.Parse(item[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        return members;
    }

    public static void Equal(string expected, Dictionary<string, Dictionary<string, long>> zsets, string key)
    {
        Assert.True(zsets.TryGetValue(key, out var actual), $"missing key {key}");
        var wanted = Parse(expected);
        Assert.Equal(wanted.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    /// <summary>The zsets with their members sorted, for whole-result comparisons.</summary>
    public static SortedDictionary<string, SortedDictionary<string, long>> Canonical(FileCounts counts)
    {
        var result = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var (key, members) in Zsets(counts))
            result.Add(key, new SortedDictionary<string, long>(members, StringComparer.Ordinal));
        return result;
    }
}
