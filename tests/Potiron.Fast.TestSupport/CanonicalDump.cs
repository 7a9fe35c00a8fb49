using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Potiron.Fast.TestSupport;

/// <summary>One key of a dump: its Redis type, its value in canonical form, and whether it has an expiry.</summary>
/// <param name="Value">
/// zset: array of [member, score] sorted by member bytes; set: sorted array; list: array in order; hash: object sorted by
/// field; string: string; stream: array of [id, object]; other types: null. A member that is not UTF-8 is
/// <c>{"$b64": …}</c>; a score is an integer when integral, a number otherwise, or the string <c>inf</c>/<c>-inf</c>.
/// </param>
public sealed record CanonicalEntry(string Type, JsonNode? Value, bool Expires = false);

/// <summary>
/// A whole Redis database in the canonical form of <c>shared/tools/redis-canonical-dump.py</c> (format
/// <c>redis-canonical-dump/1</c>): read from a live server, loaded from an oracle file, rendered to the script's exact
/// text, and compared key by key with readable differences (like <c>shared/tools/oracle-diff.py</c>).
/// </summary>
public sealed partial class CanonicalDump
{
    public const string FormatName = "redis-canonical-dump/1";

    /// <summary>
    /// Potiron.Fast's own key namespace (<c>PotironKeys.OwnNamespace</c>, which a test checks against this): the original
    /// never writes there, so comparisons with its dumps leave these keys out (<see cref="DumpCompareOptions.AgainstOriginal"/>).
    /// </summary>
    public const string PotironFastNamespace = "potiron-fast/";

    /// <summary>
    /// Turns the value of a string key into its canonical form, or returns null to keep the text (set by the test
    /// projects that see Potiron.Fast's records: a record's bytes depend on the order the counters gave the members, which
    /// varies with workers and spilling, so two equal records are compared decoded and sorted).
    /// </summary>
    public static Func<string, byte[], JsonNode?>? StringDecoder { get; set; }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public CanonicalDump(int database, IEnumerable<KeyValuePair<string, CanonicalEntry>> keys)
    {
        Database = database;
        var sorted = new SortedDictionary<string, CanonicalEntry>(Utf8Order.Instance);
        foreach (var (key, entry) in keys)
            sorted[key] = entry;
        Keys = sorted;
    }

    public int Database { get; }

    /// <summary>Every key, sorted by the bytes of its UTF-8 text (the script's order).</summary>
    public IReadOnlyDictionary<string, CanonicalEntry> Keys { get; }

    /// <summary>Reads every key of one database (SCAN, then TYPE/PTTL and the value of each key).</summary>
    public static async Task<CanonicalDump> ReadAsync(IConnectionMultiplexer multiplexer, int database = 0)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        var server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        var db = multiplexer.GetDatabase(database);
        var names = new List<byte[]>();
        await foreach (var key in server.KeysAsync(database, pageSize: 1000).ConfigureAwait(false))
            names.Add(((byte[]?)key)!);

        var keys = new List<KeyValuePair<string, CanonicalEntry>>();
        foreach (var chunk in names.Chunk(500))
        {
            var metadata = chunk.Select(k => (Type: db.ExecuteAsync("TYPE", (RedisKey)k), Ttl: db.ExecuteAsync("PTTL", (RedisKey)k))).ToArray();
            await Task.WhenAll(metadata.SelectMany(m => new[] { m.Type, m.Ttl })).ConfigureAwait(false);
            var reads = new Task<RedisResult>?[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                RedisKey key = chunk[i];
                reads[i] = metadata[i].Type.Result.ToString() switch
                {
                    "zset" => db.ExecuteAsync("ZRANGE", key, 0, -1, "WITHSCORES"),
                    "set" => db.ExecuteAsync("SMEMBERS", key),
                    "list" => db.ExecuteAsync("LRANGE", key, 0, -1),
                    "hash" => db.ExecuteAsync("HGETALL", key),
                    "string" => db.ExecuteAsync("GET", key),
                    "stream" => db.ExecuteAsync("XRANGE", key, "-", "+"),
                    _ => null,
                };
            }
            await Task.WhenAll(reads.OfType<Task<RedisResult>>()).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var type = metadata[i].Type.Result.ToString();
                if (type == "none")
                    continue; // vanished between SCAN and TYPE
                var ttl = (long)metadata[i].Ttl.Result;
                var value = reads[i] is { } read ? Canonical(type, read.Result) : null;
                if (type == "string" && reads[i] is { } text && StringDecoder?.Invoke(KeyText(chunk[i]), (byte[]?)text.Result ?? []) is { } decoded)
                    value = decoded;
                keys.Add(new(KeyText(chunk[i]), new CanonicalEntry(type, value, ttl >= 0)));
            }
        }
        return new CanonicalDump(database, keys);
    }

    /// <summary>Loads a dump file (an oracle file such as <c>shared/oracle/standard/&lt;capture&gt;.json</c>).</summary>
    public static CanonicalDump Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path, Encoding.UTF8));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    public static CanonicalDump Parse(string json)
    {
        var document = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("not a JSON object");
        if ((string?)document["format"] != FormatName || document["keys"] is not JsonObject keys)
            throw new FormatException("not a " + FormatName + " document");
        var entries = new List<KeyValuePair<string, CanonicalEntry>>();
        foreach (var (key, node) in keys)
        {
            if (node is not JsonObject entry || (string?)entry["type"] is not { } type)
                throw new FormatException($"key {key}: no type");
            var expires = entry["expires"] is JsonValue flag && flag.GetValue<bool>();
            entries.Add(new(key, new CanonicalEntry(type, entry["value"]?.DeepClone(), expires)));
        }
        return new CanonicalDump(document["db"]?.GetValue<int>() ?? 0, entries);
    }

    /// <summary>Keeps the keys whose name matches (e.g. to compare the parameters only).</summary>
    public CanonicalDump Where(Func<string, bool> keep) => new(Database, Keys.Where(k => keep(k.Key)));

    public void Save(string path) => File.WriteAllText(path, Render(), new UTF8Encoding(false));

    /// <summary>The text the Python script writes for the same database, byte for byte.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.Append("{\n");
        text.Append(" \"db\": ").Append(Database.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        text.Append(" \"format\": ").Append(PythonJson.Dumps(JsonValue.Create(FormatName))).Append(",\n");
        text.Append(" \"keys\": {\n");
        var index = 0;
        foreach (var (key, entry) in Keys)
        {
            var comma = ++index < Keys.Count ? "," : "";
            var head = (entry.Expires ? "\"expires\": true, " : "") + "\"type\": " + PythonJson.Dumps(JsonValue.Create(entry.Type));
            var keyText = PythonJson.Dumps(JsonValue.Create(key));
            if (entry.Value is JsonArray list && list.Count > 4)
            {
                text.Append("  ").Append(keyText).Append(": {").Append(head).Append(", \"value\": [\n");
                for (var i = 0; i < list.Count; i++)
                    text.Append("   ").Append(PythonJson.Dumps(list[i])).Append(i < list.Count - 1 ? "," : "").Append('\n');
                text.Append("  ]}").Append(comma).Append('\n');
            }
            else if (entry.Value is JsonObject map && map.Count > 4)
            {
                text.Append("  ").Append(keyText).Append(": {").Append(head).Append(", \"value\": {\n");
                var fields = map.OrderBy(f => f.Key, Utf8Order.Instance).ToList();
                for (var i = 0; i < fields.Count; i++)
                {
                    text.Append("   ").Append(PythonJson.Dumps(JsonValue.Create(fields[i].Key))).Append(": ")
                        .Append(PythonJson.Dumps(fields[i].Value)).Append(i < fields.Count - 1 ? "," : "").Append('\n');
                }
                text.Append("  }}").Append(comma).Append('\n');
            }
            else
            {
                text.Append("  ").Append(keyText).Append(": {").Append(head).Append(", \"value\": ")
                    .Append(PythonJson.Dumps(entry.Value)).Append('}').Append(comma).Append('\n');
            }
        }
        text.Append(" }\n}\n");
        return text.ToString();
    }

    /// <summary>Compares <paramref name="expected"/> (the oracle) with <paramref name="actual"/>.</summary>
    public static DumpComparison Compare(CanonicalDump expected, CanonicalDump actual, DumpCompareOptions? options = null) =>
        DumpComparison.Create(expected, actual, options ?? new DumpCompareOptions());

    private static JsonNode? Canonical(string type, RedisResult reply)
    {
        switch (type)
        {
            case "zset":
            {
                var pairs = Pairs(reply).OrderBy(p => Bytes(p.First), ByteOrder.Instance);
                return new JsonArray(pairs.Select(p => (JsonNode)new JsonArray(Text(Bytes(p.First)), Score(p.Second))).ToArray());
            }
            case "set":
                return new JsonArray(Items(reply).Select(Bytes).OrderBy(b => b, ByteOrder.Instance).Select(Text).ToArray());
            case "list":
                return new JsonArray(Items(reply).Select(i => Text(Bytes(i))).ToArray());
            case "hash":
            {
                var map = new JsonObject();
                foreach (var (field, value) in Pairs(reply).OrderBy(p => Bytes(p.First), ByteOrder.Instance))
                    map[KeyText(Bytes(field))] = Text(Bytes(value));
                return map;
            }
            case "string":
                return Text(Bytes(reply));
            case "stream":
            {
                var entries = new JsonArray();
                foreach (var item in Items(reply))
                {
                    var parts = Items(item).ToArray();
                    var fields = new JsonObject();
                    foreach (var (field, value) in Pairs(parts[1]).OrderBy(p => Bytes(p.First), ByteOrder.Instance))
                        fields[KeyText(Bytes(field))] = Text(Bytes(value));
                    entries.Add(new JsonArray(Text(Bytes(parts[0])), fields));
                }
                return entries;
            }
            default:
                return null;
        }
    }

    private static IEnumerable<RedisResult> Items(RedisResult reply) => (RedisResult[]?)reply ?? [];

    /// <summary>Pairs of a flat RESP2 reply (m1 s1 m2 s2 …) or of a RESP3 reply made of pairs.</summary>
    private static IEnumerable<(RedisResult First, RedisResult Second)> Pairs(RedisResult reply)
    {
        var items = ((RedisResult[]?)reply ?? []).ToArray();
        if (items.Length > 0 && items[0].Resp2Type == ResultType.Array && items.All(i => i.Length == 2))
            return items.Select(i => (((RedisResult[])i!)[0], ((RedisResult[])i!)[1]));
        return Enumerable.Range(0, items.Length / 2).Select(i => (items[2 * i], items[2 * i + 1]));
    }

    private static byte[] Bytes(RedisResult result) =>
        result.Resp3Type == ResultType.Double
            ? Encoding.ASCII.GetBytes(((double)result).ToString("R", CultureInfo.InvariantCulture))
            : (byte[]?)result ?? [];

    /// <summary>The script's <c>text()</c>: the UTF-8 string, or <c>{"$b64": …}</c>.</summary>
    private static JsonNode Text(byte[] bytes)
    {
        try
        {
            return JsonValue.Create(StrictUtf8.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            return new JsonObject { ["$b64"] = Convert.ToBase64String(bytes) };
        }
    }

    /// <summary>The script's <c>key_text()</c>: the UTF-8 string, or <c>$b64:…</c>.</summary>
    private static string KeyText(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return "$b64:" + Convert.ToBase64String(bytes);
        }
    }

    /// <summary>The script's <c>score()</c>: integral text → integer; inf → "inf"; integral below 2^53 → integer.</summary>
    private static JsonNode Score(RedisResult result)
    {
        var text = Encoding.ASCII.GetString(Bytes(result));
        if (IntegerText().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                ? JsonValue.Create(whole)
                : JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }
        var lower = text.ToLowerInvariant();
        if (lower is "inf" or "+inf")
            return JsonValue.Create("inf");
        if (lower == "-inf")
            return JsonValue.Create("-inf");
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return Math.Floor(value) == value && Math.Abs(value) < 9007199254740992d
            ? JsonValue.Create((long)value)
            : JsonValue.Create(value);
    }

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex IntegerText();

    /// <summary>Python's order of strings: by code point, which is the order of their UTF-8 bytes.</summary>
    internal sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(string? x, string? y) =>
            ByteOrder.Instance.Compare(Encoding.UTF8.GetBytes(x ?? ""), Encoding.UTF8.GetBytes(y ?? ""));
    }

    internal sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
    }
}
