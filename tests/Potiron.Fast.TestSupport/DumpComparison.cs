using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Potiron.Fast.TestSupport;

/// <summary>Which keys to compare and how much to list (the options of <c>oracle-diff.py</c>).</summary>
public sealed record DumpCompareOptions
{
    /// <summary>Keys matching any of these are left out.</summary>
    public IReadOnlyList<Regex> IgnoreKeys { get; init; } = [];

    /// <summary>When not empty, only keys matching one of these are compared.</summary>
    public IReadOnlyList<Regex> OnlyKeys { get; init; } = [];

    /// <summary>Differing members listed per key (0 = all).</summary>
    public int MaxItems { get; init; } = 10;

    /// <summary>
    /// For a comparison with a dump of the original potiron (oracle, golden): Potiron.Fast's own keys (its records of
    /// imported files, under <see cref="CanonicalDump.PotironFastNamespace"/>) are left out, since the original has none.
    /// Comparisons of two Potiron.Fast stores keep them.
    /// </summary>
    public static DumpCompareOptions AgainstOriginal { get; } = new()
    {
        IgnoreKeys = [new Regex("^" + Regex.Escape(CanonicalDump.PotironFastNamespace))],
    };
}

/// <summary>
/// The differences between an expected dump (the oracle) and an actual one, worded as <c>oracle-diff.py</c> words them:
/// "missing" is in the expected dump only, "extra" in the actual one only.
/// </summary>
public sealed class DumpComparison
{
    private readonly List<string> lines = [];
    private int missingKeys;
    private int extraKeys;
    private int typeMismatches;
    private int differingKeys;
    private int maxItems;

    private DumpComparison()
    {
    }

    public bool Identical => missingKeys + extraKeys + typeMismatches + differingKeys == 0;

    /// <summary>Keys compared on the expected side.</summary>
    public int ExpectedKeyCount { get; private set; }

    /// <summary>E.g. <c>2 missing keys, 1 differing keys</c>; empty when identical.</summary>
    public string Summary => string.Join(", ", new[]
    {
        (missingKeys, "missing keys"), (extraKeys, "extra keys"), (typeMismatches, "type mismatches"), (differingKeys, "differing keys"),
    }.Where(c => c.Item1 > 0).Select(c => $"{c.Item1} {c.Item2}"));

    public IReadOnlyList<string> Lines => lines;

    /// <summary>The verdict line and the details, ready for an assertion message.</summary>
    public override string ToString() => Identical
        ? $"IDENTICAL ({ExpectedKeyCount} keys)"
        : $"DIFFERENT: {Summary}\n{string.Join('\n', lines)}";

    internal static DumpComparison Create(CanonicalDump expected, CanonicalDump actual, DumpCompareOptions options)
    {
        var comparison = new DumpComparison { maxItems = options.MaxItems };
        bool Keep(string key) =>
            !options.IgnoreKeys.Any(r => r.IsMatch(key)) && (options.OnlyKeys.Count == 0 || options.OnlyKeys.Any(r => r.IsMatch(key)));
        var a = expected.Keys.Where(k => Keep(k.Key)).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        var b = actual.Keys.Where(k => Keep(k.Key)).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        comparison.ExpectedKeyCount = a.Count;
        if (expected.Database != actual.Database)
            comparison.lines.Add($"  note: database {expected.Database} expected, {actual.Database} found");

        var missing = a.Keys.Where(k => !b.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var extra = b.Keys.Where(k => !a.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        comparison.missingKeys = missing.Count;
        comparison.extraKeys = extra.Count;
        comparison.ListKeys("missing keys", missing, a);
        comparison.ListKeys("extra keys", extra, b);
        foreach (var key in a.Keys.Where(b.ContainsKey).OrderBy(k => k, StringComparer.Ordinal))
            comparison.CompareKey(key, a[key], b[key]);
        return comparison;
    }

    private void ListKeys(string title, List<string> keys, Dictionary<string, CanonicalEntry> side)
    {
        if (keys.Count == 0)
            return;
        lines.Add($"  {title} ({keys.Count}):");
        var (shown, more) = Limit(keys);
        lines.AddRange(shown.Select(k => $"    {Show(k)} ({side[k].Type}, {Size(side[k])} items)"));
        if (more > 0)
            lines.Add($"    ... and {more} more");
    }

    private void CompareKey(string key, CanonicalEntry expected, CanonicalEntry actual)
    {
        if (expected.Type != actual.Type)
        {
            typeMismatches++;
            lines.Add($"  key {Show(key)}: type {expected.Type} expected, {actual.Type} found");
            return;
        }
        var output = new List<string>();
        switch (expected.Type)
        {
            case "zset":
            {
                var da = Scores(expected.Value);
                var db = Scores(actual.Value);
                var missing = da.Keys.Where(m => !db.ContainsKey(m)).ToList();
                var extra = db.Keys.Where(m => !da.ContainsKey(m)).ToList();
                var differ = da.Keys.Where(m => db.ContainsKey(m) && !SameScore(da[m], db[m])).ToList();
                if (missing.Count + extra.Count + differ.Count > 0)
                {
                    output.Add($"  key {Show(key)} (zset): {da.Count} members expected, {db.Count} found; " +
                               $"score total {Total(da)} expected, {Total(db)} found");
                    AddList(output, "missing members [member, expected score]", missing.Select(m => $"[{m}, {PythonJson.Dumps(da[m])}]"));
                    AddList(output, "extra members [member, found score]", extra.Select(m => $"[{m}, {PythonJson.Dumps(db[m])}]"));
                    AddList(output, "different scores [member, expected, found]",
                        differ.Select(m => $"[{m}, {PythonJson.Dumps(da[m])}, {PythonJson.Dumps(db[m])}]"));
                }
                break;
            }
            case "set":
            {
                var sa = Items(expected.Value).ToHashSet(StringComparer.Ordinal);
                var sb = Items(actual.Value).ToHashSet(StringComparer.Ordinal);
                if (!sa.SetEquals(sb))
                {
                    output.Add($"  key {Show(key)} (set): {sa.Count} members expected, {sb.Count} found");
                    AddList(output, "missing members", sa.Except(sb).OrderBy(m => m, StringComparer.Ordinal));
                    AddList(output, "extra members", sb.Except(sa).OrderBy(m => m, StringComparer.Ordinal));
                }
                break;
            }
            case "hash":
            {
                var ha = Fields(expected.Value);
                var hb = Fields(actual.Value);
                var missing = ha.Keys.Where(f => !hb.ContainsKey(f)).ToList();
                var extra = hb.Keys.Where(f => !ha.ContainsKey(f)).ToList();
                var differ = ha.Keys.Where(f => hb.ContainsKey(f) && ha[f] != hb[f]).ToList();
                if (missing.Count + extra.Count + differ.Count > 0)
                {
                    output.Add($"  key {Show(key)} (hash): {ha.Count} fields expected, {hb.Count} found");
                    AddList(output, "missing fields [field, expected value]", missing.Select(f => $"[{Show(f)}, {ha[f]}]"));
                    AddList(output, "extra fields [field, found value]", extra.Select(f => $"[{Show(f)}, {hb[f]}]"));
                    AddList(output, "different values [field, expected, found]", differ.Select(f => $"[{Show(f)}, {ha[f]}, {hb[f]}]"));
                }
                break;
            }
            case "list":
            {
                var la = Items(expected.Value).ToList();
                var lb = Items(actual.Value).ToList();
                if (!la.SequenceEqual(lb, StringComparer.Ordinal))
                {
                    var first = Enumerable.Range(0, Math.Min(la.Count, lb.Count)).FirstOrDefault(i => la[i] != lb[i], Math.Min(la.Count, lb.Count));
                    output.Add($"  key {Show(key)} (list): {la.Count} items expected, {lb.Count} found; first difference at index {first}");
                    output.Add($"    expected from there: [{string.Join(", ", la.Skip(first).Take(5))}]");
                    output.Add($"    found from there:    [{string.Join(", ", lb.Skip(first).Take(5))}]");
                }
                break;
            }
            default:
            {
                var va = PythonJson.Dumps(expected.Value);
                var vb = PythonJson.Dumps(actual.Value);
                if (va != vb)
                    output.Add($"  key {Show(key)} ({expected.Type}): expected {va}, found {vb}");
                break;
            }
        }
        if (expected.Expires != actual.Expires)
            output.Add($"  key {Show(key)}: expiry {Python(expected.Expires)} expected, {Python(actual.Expires)} found");
        if (output.Count > 0)
        {
            differingKeys++;
            lines.AddRange(output);
        }
    }

    private void AddList(List<string> output, string title, IEnumerable<string> items)
    {
        var all = items.ToList();
        if (all.Count == 0)
            return;
        var (shown, more) = Limit(all);
        output.Add($"    {title} ({all.Count}):");
        output.AddRange(shown.Select(i => "      " + i));
        if (more > 0)
            output.Add($"      ... and {more} more");
    }

    private (List<T> Shown, int More) Limit<T>(List<T> items) =>
        maxItems > 0 && items.Count > maxItems ? (items.Take(maxItems).ToList(), items.Count - maxItems) : (items, 0);

    /// <summary>Member (as its JSON text, so <c>$b64</c> objects are keys too) → score node.</summary>
    private static Dictionary<string, JsonNode?> Scores(JsonNode? value)
    {
        var scores = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var pair in value as JsonArray ?? [])
        {
            if (pair is JsonArray { Count: 2 } p)
                scores[PythonJson.Dumps(p[0])] = p[1];
        }
        return scores;
    }

    private static bool SameScore(JsonNode? a, JsonNode? b)
    {
        var x = PythonJson.AsNumber(a);
        var y = PythonJson.AsNumber(b);
        return x is not null && y is not null ? x.Value == y.Value : PythonJson.Dumps(a) == PythonJson.Dumps(b);
    }

    private static string Total(Dictionary<string, JsonNode?> scores)
    {
        var sum = scores.Values.Select(PythonJson.AsNumber).Where(v => v is not null && double.IsFinite(v.Value)).Sum(v => v!.Value);
        return Math.Floor(sum) == sum && Math.Abs(sum) < 9007199254740992d
            ? ((long)sum).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : PythonJson.FloatRepr(sum);
    }

    private static IEnumerable<string> Items(JsonNode? value) => (value as JsonArray ?? []).Select(PythonJson.Dumps);

    private static Dictionary<string, string> Fields(JsonNode? value) =>
        (value as JsonObject ?? []).ToDictionary(f => f.Key, f => PythonJson.Dumps(f.Value), StringComparer.Ordinal);

    private static int Size(CanonicalEntry entry) => entry.Value switch
    {
        JsonArray list => list.Count,
        JsonObject map => map.Count,
        _ => 1,
    };

    private static string Show(string text) => PythonJson.Dumps(JsonValue.Create(text));

    private static string Python(bool value) => value ? "True" : "False";
}
